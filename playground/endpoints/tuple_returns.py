"""The tutorial's first listing: the status code is an element of the returned tuple."""

from flask import Blueprint, request

bp = Blueprint("tuple_returns", __name__)


@bp.route("/userDetails", methods=["GET", "POST"])
def user_details():
    if request.method == "POST":
        username = request.form.get("username")
        firstname = request.form.get("firstname")
        lastname = request.form["lastname"]
        return "Success", 201


@bp.route("/userSignUp", methods=["POST"])
def sign_up():
    if request.method == "POST":
        username = request.form.get("username")
        password = request.form.get("password")
        return "Success", 200, {"Access-Control-Allow-Origin": "*"}

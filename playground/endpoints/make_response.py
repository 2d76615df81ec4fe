"""The tutorial's second listing: the status code is set on a Response built by make_response."""

from flask import Blueprint, make_response, request

bp = Blueprint("make_response", __name__, url_prefix="/make_response")


@bp.route("/userDetails", methods=["GET", "POST"])
def user_details():
    if request.method == "POST":
        username = request.form.get("username")
        firstname = request.form.get("firstname")
        lastname = request.form["lastname"]
        response = make_response("<h1>Success</h1>", 201)
        return response


@bp.route("/userSignUp", methods=["POST"])
def sign_up():
    if request.method == "POST":
        username = request.form.get("username")
        password = request.form.get("password")
        response = make_response("<h1>Success</h1>")
        response.status_code = 200
        return response

# The tutorial's first listing, verbatim: the reference the playground's endpoints are compared to.
from flask import Flask, make_response, request

app = Flask(__name__)


@app.route("/userDetails", methods=["GET", "POST"])
def user_details():
    if request.method == "POST":
        username = request.form.get("username")
        firstname = request.form.get("firstname")
        lastname = request.form["lastname"]
        return "Success", 201


@app.route("/userSignUp", methods=["POST"])
def sign_up():
    if request.method == "POST":
        username = request.form.get("username")
        password = request.form.get("password")
        return "Success", 200, {"Access-Control-Allow-Origin": "*"}

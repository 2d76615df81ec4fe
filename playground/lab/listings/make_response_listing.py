# The tutorial's second listing, verbatim: the reference the playground's endpoints are compared to.
from flask import Flask, make_response, request

app = Flask(__name__)


@app.route("/userDetails", methods=["GET", "POST"])
def user_details():
    if request.method == "POST":
        username = request.form.get("username")
        firstname = request.form.get("firstname")
        lastname = request.form["lastname"]
        response = make_response("<h1>Success</h1>", 201)
        return response


@app.route("/userSignUp", methods=["POST"])
def sign_up():
    if request.method == "POST":
        username = request.form.get("username")
        password = request.form.get("password")
        response = make_response("<h1>Success</h1>")
        response.status_code = 200
        return response

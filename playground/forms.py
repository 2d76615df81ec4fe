"""The forms on the home page: one FlaskForm per tutorial endpoint.

Each tutorial field has a "Send <key>" toggle beside it, and each form has the request options a
learner changes: method, encoding and return style. The forms post to the tutorial's public
endpoints, which take no CSRF token (exactly like the tutorial's curl commands), so they carry none.
"""

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, PasswordField, SelectChoice, SelectField, StringField

ALL_METHODS = ("POST", "GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
"""Every method a learner can choose; the playground's own endpoints (/status, /respond) answer each."""
METHODS = [SelectChoice(method) for method in ALL_METHODS]
ENCODINGS = [
    SelectChoice("application/x-www-form-urlencoded", "application/x-www-form-urlencoded (curl -d)"),
    SelectChoice("multipart/form-data", "multipart/form-data (curl -F)"),
    SelectChoice("application/json", "application/json"),
]


def return_styles(tuple_line: str, make_response_line: str) -> list[SelectChoice]:
    """The two listings as a form offers them, each named by the line of its view that sets the status."""
    return [
        SelectChoice("tuple", f"tuple: {tuple_line}"),
        SelectChoice("make_response", f"make_response: {make_response_line}"),
    ]


class EndpointForm(FlaskForm):
    """The options every endpoint form shares, and the tutorial fields it sends."""

    class Meta:
        csrf = False

    endpoint = ""
    """The endpoint's name in both listings' blueprints (``user_details``, ``sign_up``)."""
    keys: tuple[str, ...] = ()

    method = SelectField("Method", choices=METHODS, default="POST")
    encoding = SelectField("Encoding", choices=ENCODINGS, default=ENCODINGS[0].value)
    return_style = SelectField("Return style", default="tuple")

    def tutorial_fields(self) -> list[tuple[Field, Field]]:
        """Each tutorial field with its "Send <key>" toggle, in the tutorial's order."""
        return [(self[key], self[f"send_{key}"]) for key in self.keys]


def _send_toggle(key: str) -> BooleanField:
    return BooleanField(f"Send {key}", default=True)


class SignUpForm(EndpointForm):
    """The tutorial's POST /userSignUp: username and password."""

    endpoint = "sign_up"
    keys = ("username", "password")
    return_style = SelectField(
        "Return style",
        choices=return_styles(
            'return "Success", 200, {"Access-Control-Allow-Origin": "*"}', "response.status_code = 200"
        ),
        default="tuple",
    )

    username = StringField("username")
    send_username = _send_toggle("username")
    password = PasswordField("password")
    send_password = _send_toggle("password")


class UserDetailsForm(EndpointForm):
    """The tutorial's POST /userDetails: username, firstname and lastname."""

    endpoint = "user_details"
    keys = ("username", "firstname", "lastname")
    return_style = SelectField(
        "Return style",
        choices=return_styles('return "Success", 201', 'make_response("<h1>Success</h1>", 201)'),
        default="tuple",
    )

    username = StringField("username")
    send_username = _send_toggle("username")
    firstname = StringField("firstname")
    send_firstname = _send_toggle("firstname")
    lastname = StringField("lastname")
    send_lastname = _send_toggle("lastname")

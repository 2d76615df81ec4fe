"""The playground's pages."""

from flask import Blueprint, render_template, url_for

from .endpoints import LISTINGS
from .forms import EndpointForm, SignUpForm, UserDetailsForm

bp = Blueprint("pages", __name__)


def _with_urls(form: EndpointForm) -> EndpointForm:
    """Attach the form's endpoint URL and view name in each return style, for the page's script."""
    form.urls = {style: url_for(f"{blueprint.name}.{form.endpoint}") for style, blueprint in LISTINGS.items()}
    form.views = {style: f"{blueprint.name}.{form.endpoint}" for style, blueprint in LISTINGS.items()}
    return form


@bp.get("/")
def home() -> str:
    """The two tutorial forms, and the Request and Response they produce."""
    endpoint_forms = [
        (_with_urls(SignUpForm()), "signup", "Sign up"),
        (_with_urls(UserDetailsForm()), "details", "User details"),
    ]
    return render_template("home.html", endpoint_forms=endpoint_forms)

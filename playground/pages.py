"""The playground's pages."""

from http import HTTPStatus
from typing import Any

from flask import Blueprint, jsonify, render_template, request, url_for

from .builder.code import flask_code
from .builder.form import RespondForm
from .catalogue import catalogue
from .endpoints import LISTINGS
from .forms import EndpointForm, SignUpForm, UserDetailsForm
from .guards import csrf
from .recording.explain import highlighted

# The answers a learner chooses between when predicting, from http.HTTPStatus.
LIKELY_CODES = [(s.value, s.phrase) for s in map(HTTPStatus, (200, 201, 400, 404, 405, 413, 415, 500))]


bp = Blueprint("pages", __name__)
bp.before_request(csrf.protect)


def _with_urls(form: EndpointForm) -> EndpointForm:
    """Attach the form's endpoint URL and view name in each return style, for the page's script."""
    form.views = {style: f"{blueprint.name}.{form.endpoint}" for style, blueprint in LISTINGS.items()}
    form.urls = {style: url_for(view) for style, view in form.views.items()}
    return form


@bp.get("/")
def home() -> str:
    """The two tutorial forms, and the Request and Response they produce."""
    endpoint_forms = [
        (_with_urls(SignUpForm()), "signup"),
        (_with_urls(UserDetailsForm()), "details"),
    ]
    return render_template("home.html", endpoint_forms=endpoint_forms, likely_codes=LIKELY_CODES)


@bp.get("/codes")
def codes() -> str:
    """The status catalogue: every code, grouped by class, each with a Try button."""
    return render_template("catalogue.html", groups=catalogue())


def _built(form: RespondForm) -> dict[str, Any]:
    """What the builder shows for valid values: the code, and the request that runs it."""
    style = form.style.data
    code = flask_code(style, form.spec(), [form.method.data])
    return {
        "style": style,
        "code": code,
        "code_html": highlighted(code, 1, None),
        "url": url_for(f"respond.{style}"),
        "method": form.method.data,
        "fields": [
            ["status", form.status.data],
            *[["header", f"{name}: {value}"] for name, value in form.spec().headers],
            ["body", form.body.data or ""],
            # Only redirect() takes a location: any other style's request carries none.
            *([["location", form.location.data]] if style == "redirect" and form.location.data else []),
        ],
    }


@bp.route("/builder", methods=["GET", "POST"])
def builder():
    """The response builder: pick a return style and values, see the code, send it for real."""
    form = RespondForm()
    built = _built(form) if form.validate_on_submit() else None
    if request.method == "POST" and request.accept_mimetypes.best == "application/json":
        return jsonify(errors=form.errors, built=built), 200 if built else 400
    return render_template("builder.html", form=form, built=built)

"""/respond/<style>: one real view per way a Flask view can set its status, headers and body.

Each view is written with exactly its idiom, so that the response builder page can show the code,
send the request, and let the answer be compared with the code. The values (``status``,
``header``, ``body``, ``location``) come from the query string or a form body, validated by the
builder's WTForms form before any view runs: bad input gets a clear 400 and never reaches a view.
"""

from flask import Blueprint, Response, abort, g, jsonify, make_response, redirect, request
from werkzeug.exceptions import BadRequest

from ..forms import ALL_METHODS
from ..recording.middleware import note
from .form import RespondForm, ResponseSpec
from .sandbox import sandbox_answer

bp = Blueprint("respond", __name__, url_prefix="/respond")
bp.after_request(sandbox_answer)  # a shared link's answer runs no script on this site


@bp.before_request
def validate_values() -> None:
    """Validate the values with the builder's form; the views only ever see a valid spec."""
    form = RespondForm(request.values, meta={"csrf": False})
    form.style.data = (request.endpoint or "").removeprefix("respond.")  # each view is named by its style
    if not form.validate():
        problems = "; ".join(f"{name}: {', '.join(errors)}" for name, errors in form.errors.items())
        raise BadRequest(f"Invalid response values. {problems}")
    g.spec = form.spec()
    # The values the view answers with, for the builder's own explanation (explain.py): read from
    # here, never parsed again from the recorded (masked, perhaps cut) request.
    note("builder", {"style": form.style.data, "method": request.method, "spec": g.spec.as_record()})


def spec() -> ResponseSpec:
    return g.spec


@bp.route("/tuple2", methods=ALL_METHODS, endpoint="tuple2")
def tuple2():
    """(body, status)"""
    return spec().body, spec().status


@bp.route("/tuple3", methods=ALL_METHODS, endpoint="tuple3")
def tuple3():
    """(body, status, headers)"""
    return spec().body, spec().status, spec().headers


@bp.route("/body_headers", methods=ALL_METHODS, endpoint="body_headers")
def body_headers():
    """(body, headers): the status stays 200."""
    return spec().body, spec().headers


@bp.route("/make_response", methods=ALL_METHODS, endpoint="make_response")
def make_response_style():
    """make_response(body, status, headers)"""
    response = make_response(spec().body, spec().status, spec().headers)
    return response


@bp.route("/status_code", methods=ALL_METHODS, endpoint="status_code")
def status_code():
    """response.status_code = ..."""
    response = make_response(spec().body)
    response.headers.extend(spec().headers)
    response.status_code = spec().status_code
    return response


@bp.route("/response", methods=ALL_METHODS, endpoint="response")
def response():
    """Response(body, status=..., headers=...)"""
    return Response(spec().body, status=spec().status, headers=spec().headers)


@bp.route("/jsonify", methods=ALL_METHODS, endpoint="jsonify")
def jsonify_style():
    """(jsonify(...), status)"""
    return jsonify(message=spec().body), spec().status


@bp.route("/dict", methods=ALL_METHODS, endpoint="dict")
def dict_style():
    """A dict return: Flask turns it into JSON, with 200 unless a status follows."""
    return {"message": spec().body}, spec().status, spec().headers


@bp.route("/abort", methods=ALL_METHODS, endpoint="abort")
def abort_style():
    """abort(code): raise the HTTPException for an error status."""
    abort(spec().status_code)


@bp.route("/redirect", methods=ALL_METHODS, endpoint="redirect")
def redirect_style():
    """redirect(location, code)"""
    return redirect(spec().location, spec().status_code)


@bp.route("/status_string", methods=ALL_METHODS, endpoint="status_string")
def status_string():
    """(body, "299 Custom Reason"): a status string sets the reason phrase too."""
    return spec().body, spec().status_line

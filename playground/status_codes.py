"""/status/<code>: answer any status from 200 to 599, for every method, as HTTP expects it.

Like httpbin's /status, with the headers each code calls for: a Location for every 3xx (on this
server), WWW-Authenticate with 401, Proxy-Authenticate with 407, Allow with 405, Retry-After with
429 and 503, and no body with 204, 205, 304 or a HEAD. ``/status/200:0.5,500:0.5`` picks one at
random by weight; ``?seed=`` makes the pick repeatable for a class.
"""

import random
import re
from http import HTTPStatus

from flask import Blueprint, request, url_for
from werkzeug.exceptions import BadRequest

from .builder.sandbox import sandbox_answer
from .forms import ALL_METHODS

bp = Blueprint("status_codes", __name__)
bp.after_request(sandbox_answer)  # the code in the URL is the learner's: sandboxed like /respond

NO_BODY = {204, 205, 304}
REALM = 'Basic realm="Flask Status Playground"'
# The headers HTTP expects with a code, beside the Location every 3xx carries here.
EXPECTED_HEADERS = {
    401: {"WWW-Authenticate": REALM},
    405: {"Allow": "GET, HEAD"},
    407: {"Proxy-Authenticate": REALM},
    429: {"Retry-After": "30"},
    503: {"Retry-After": "30"},
}
_CODE = re.compile(r"[0-9]{3}")
_WEIGHT = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")


def parse_code(text: str) -> int:
    """One status code a view can answer with, or a 400 that says why not."""
    if not _CODE.fullmatch(text):
        raise BadRequest(f"{text!r} is not a status code: give three digits, from 200 to 599.")
    code = int(text)
    if 100 <= code < 200:
        raise BadRequest(
            f"{code} is informational (1xx): it can only precede a final answer, and a WSGI view "
            "returns exactly one final answer, so no Flask view can send it. Try a code from 200 to 599."
        )
    if not 200 <= code <= 599:
        raise BadRequest(
            f"{code} is out of range: HTTP status codes run from 100 to 599, views answer 200 to 599."
        )
    return code


def pick_code(spec: str, seed: str | None) -> int:
    """``404``, or a weighted choice such as ``200:0.5,500:0.5`` (plain ``200,500`` is even)."""
    codes, weights = [], []
    for choice in spec.split(","):
        text, _, weight = choice.partition(":")
        codes.append(parse_code(text.strip()))
        weight = weight.strip() or "1"
        if not _WEIGHT.fullmatch(weight):
            raise BadRequest(f"{weight!r} is not a weight: give a number such as 0.5 after the colon.")
        weights.append(float(weight))
    if len(codes) == 1:
        return codes[0]
    if sum(weights) <= 0:
        raise BadRequest("The weights add up to zero: give at least one code a weight above 0.")
    return random.Random(seed).choices(codes, weights)[0]


def headers_for(code: int) -> dict[str, str]:
    headers = dict(EXPECTED_HEADERS.get(code, {}))
    if code not in NO_BODY:
        headers["Content-Type"] = "text/plain; charset=utf-8"
    if 300 <= code < 400:
        headers["Location"] = url_for("status_codes.status", codes="200")
    return headers


def body_for(code: int) -> str:
    # A HEAD gets the GET's headers and no body: Werkzeug drops the body, keeping its length.
    if code in NO_BODY:
        return ""
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "(no name: HTTP defines no status with this code)"
    return f"{code} {phrase}\n"


@bp.route("/status/<codes>", methods=ALL_METHODS)
def status(codes: str):
    """Answer with the status asked for, and the headers HTTP expects with it."""
    code = pick_code(codes, request.args.get("seed"))
    return body_for(code), code, headers_for(code)

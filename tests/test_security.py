"""Security headers on the pages, a sandbox on learner-built answers, nothing on the tutorial's endpoints."""

import pytest
from flask.testing import FlaskClient

PAGES = ["/", "/codes", "/builder", "/lab", "/log", "/api/exchanges", "/static/css/playground.css"]
TUTORIAL_ENDPOINTS = [
    ("POST", "/userDetails"),
    ("GET", "/userDetails"),
    ("GET", "/userSignUp"),  # 405: no view, but still the endpoint's answer
    ("POST", "/make_response/userSignUp"),
    ("POST", "/userDetails/"),  # a 404 beside an endpoint: the tutorial's app answers it too
]
LEARNER_BUILT = [
    ("GET", "/status/418"),
    ("GET", "/status/302"),
    ("POST", "/status/abc"),  # a 400: still sandboxed
    ("GET", "/respond/tuple2?body=%3Cscript%3Ealert(1)%3C/script%3E"),
    ("GET", "/respond/tuple3?header=Set-Cookie:%20a=b"),  # refused with a 400, sandboxed too
    ("POST", "/respond/redirect?status=302&location=/status/200"),
]
# Each directive the pages' policy must have, exactly: a lost one, or an added source, fails.
PAGE_POLICY = {
    "default-src": "'self'",
    # Scripts from this origin's /static/js/ only: no other answer of the site can be a script here.
    "script-src": "http://localhost/static/js/",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(policy: str) -> dict[str, str]:
    return {name: value.strip() for name, _, value in (d.strip().partition(" ") for d in policy.split(";"))}


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_a_strict_content_security_policy(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers
    assert directives(headers["Content-Security-Policy"]) == PAGE_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(("method", "path"), TUTORIAL_ENDPOINTS)
def test_the_tutorials_endpoints_carry_none_of_them(client: FlaskClient, method: str, path: str) -> None:
    headers = client.open(path, method=method).headers
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
        assert name not in headers


@pytest.mark.parametrize(("method", "path"), LEARNER_BUILT)
def test_learner_built_answers_are_sandboxed(client: FlaskClient, method: str, path: str) -> None:
    headers = client.open(path, method=method).headers
    assert headers.getlist("Content-Security-Policy") == ["sandbox; default-src 'none'"]
    assert headers.getlist("X-Content-Type-Options") == ["nosniff"]


def test_the_record_says_which_headers_the_playground_added_and_why(client: FlaskClient) -> None:
    client.get("/respond/tuple2?status=200&body=hello")
    client.post("/userDetails", data={"lastname": "king"})
    built, tutorial = client.get("/api/exchanges").json
    added = built["response"]["added_by_playground"]
    assert set(added) == {"Content-Security-Policy", "X-Content-Type-Options"}
    assert "no script" in added["Content-Security-Policy"]
    assert ["Content-Security-Policy", "sandbox; default-src 'none'"] in built["response"]["headers"]
    assert tutorial["response"]["added_by_playground"] == {}

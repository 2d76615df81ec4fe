"""The tutorial's endpoints answer as its listings do, curl command for curl command."""

import pytest
from flask.testing import FlaskClient

FORM = "application/x-www-form-urlencoded"
DETAILS = "username=sam&firstname=john&lastname=king"
SIGN_UP = "username=sam&firstname=john"  # the tutorial's own curl command for /userSignUp
PREFIXES = {"tuple": "", "make_response": "/make_response"}


def post(client: FlaskClient, path: str, data: str):
    return client.post(path, data=data, headers={"Content-Type": FORM})


@pytest.mark.parametrize(("style", "body"), [("tuple", b"Success"), ("make_response", b"<h1>Success</h1>")])
def test_the_tutorials_curl_for_user_details_gets_201(client: FlaskClient, style: str, body: bytes) -> None:
    response = post(client, f"{PREFIXES[style]}/userDetails", DETAILS)
    assert response.status == "201 CREATED"
    assert response.data == body
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    ("style", "body", "cors"), [("tuple", b"Success", True), ("make_response", b"<h1>Success</h1>", False)]
)
def test_the_tutorials_curl_for_sign_up_gets_200(
    client: FlaskClient, style: str, body: bytes, cors: bool
) -> None:
    response = post(client, f"{PREFIXES[style]}/userSignUp", SIGN_UP)
    assert response.status == "200 OK"
    assert response.data == body
    assert ("Access-Control-Allow-Origin" in response.headers) is cors
    if cors:
        assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("prefix", PREFIXES.values())
def test_a_missing_lastname_is_a_400(client: FlaskClient, prefix: str) -> None:
    response = post(client, f"{prefix}/userDetails", "username=sam&firstname=john")
    assert response.status_code == 400
    assert b"Bad Request" in response.data


@pytest.mark.parametrize("prefix", PREFIXES.values())
def test_an_empty_lastname_is_not_missing(client: FlaskClient, prefix: str) -> None:
    assert post(client, f"{prefix}/userDetails", "lastname=").status_code == 201


@pytest.mark.parametrize("prefix", PREFIXES.values())
def test_get_on_sign_up_is_a_405_with_allow(client: FlaskClient, prefix: str) -> None:
    response = client.get(f"{prefix}/userSignUp")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}


@pytest.mark.parametrize("prefix", PREFIXES.values())
def test_get_on_user_details_is_a_500_because_the_view_returns_none(client: FlaskClient, prefix: str) -> None:
    response = client.get(f"{prefix}/userDetails")
    assert response.status_code == 500
    assert b"Internal Server Error" in response.data


def test_the_endpoints_take_no_csrf_token(client: FlaskClient) -> None:
    # CSRF protection is on for the playground's own routes, but the tutorial's endpoints are public.
    assert post(client, "/userSignUp", SIGN_UP).status_code == 200

"""/respond/<style>: each of the eleven return styles answers as it promises, and so does its code."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from playground.builder.code import flask_code
from playground.builder.form import ResponseSpec
from playground.builder.sandbox import SANDBOX_HEADERS

HEADERS = [("X-Lesson", "one"), ("X-Other", "two")]
VALUES = {
    "status": "201",
    "header": ["X-Lesson: one", "X-Other: two"],
    "body": "hello <b>",
    "location": "/status/200",
}

# style -> (values that differ from VALUES, status line, headers that must be there, body)
STYLES = {
    "tuple2": ({}, "201 CREATED", [], b"hello <b>"),
    "tuple3": ({}, "201 CREATED", HEADERS, b"hello <b>"),
    "body_headers": ({}, "200 OK", HEADERS, b"hello <b>"),
    "make_response": ({}, "201 CREATED", HEADERS, b"hello <b>"),
    "status_code": ({}, "201 CREATED", HEADERS, b"hello <b>"),
    "response": ({}, "201 CREATED", HEADERS, b"hello <b>"),
    "jsonify": ({}, "201 CREATED", [("Content-Type", "application/json")], b'{"message":"hello <b>"}\n'),
    "dict": (
        {},
        "201 CREATED",
        [("Content-Type", "application/json"), *HEADERS],
        b'{"message":"hello <b>"}\n',
    ),
    "abort": ({"status": "418"}, "418 I'M A TEAPOT", [], None),
    "redirect": ({"status": "307"}, "307 TEMPORARY REDIRECT", [("Location", "/status/200")], None),
    "status_string": ({"status": "299 Custom Reason"}, "299 Custom Reason", [], b"hello <b>"),
}


@pytest.mark.parametrize("style", STYLES)
def test_each_style_answers_as_it_promises(client: FlaskClient, style: str) -> None:
    changes, status_line, headers, body = STYLES[style]
    response = client.get(f"/respond/{style}", query_string={**VALUES, **changes})
    assert response.status == status_line
    for header in headers:
        assert header in response.headers.items()
    if body is not None:
        assert response.data == body


@pytest.mark.parametrize("style", STYLES)
def test_a_form_body_works_like_the_query_string(client: FlaskClient, style: str) -> None:
    changes, status_line, _, _ = STYLES[style]
    assert client.post(f"/respond/{style}", data={**VALUES, **changes}).status == status_line


def spec(values: dict) -> ResponseSpec:
    code, _, reason = values["status"].partition(" ")
    return ResponseSpec(int(code), reason or None, HEADERS, values["body"], values["location"])


@pytest.mark.parametrize("style", STYLES)
def test_the_generated_code_pasted_into_a_bare_app_answers_the_same(client: FlaskClient, style: str) -> None:
    values = {**VALUES, **STYLES[style][0]}
    namespace: dict = {"__name__": f"generated_{style}"}
    exec(flask_code(style, spec(values), ["GET"]), namespace)
    bare: Flask = namespace["app"]
    expected = client.get(f"/respond/{style}", query_string=values)
    got = bare.test_client().get("/")
    # The playground adds its sandbox to every learner-built answer, and nothing else.
    added = [(name, value) for name, (value, _) in SANDBOX_HEADERS.items()]
    assert list(expected.headers.items())[-len(added) :] == added
    assert (got.status, list(got.headers.items()), got.data) == (
        expected.status,
        list(expected.headers.items())[: -len(added)],
        expected.data,
    )


def test_duplicate_header_names_are_kept_in_code_and_answer(client: FlaskClient) -> None:
    values = {**VALUES, "header": ["X-Lesson: a=1", "X-Lesson: b=2"]}
    response = client.get("/respond/tuple3", query_string=values)
    assert response.headers.getlist("X-Lesson") == ["a=1", "b=2"]
    code = flask_code(
        "tuple3", ResponseSpec(201, None, [("X-Lesson", "a=1"), ("X-Lesson", "b=2")], "x", ""), ["GET"]
    )
    assert '[("X-Lesson", "a=1"), ("X-Lesson", "b=2")]' in code


@pytest.mark.parametrize(("style", "values", "message"), [
    ("tuple3", {"status": "abc"}, "Give a code of three digits"),
    ("tuple3", {"status": "700"}, "out of range"),
    ("tuple3", {"status": "150"}, "out of range"),
    ("tuple3", {"header": "Bad Name: x"}, "is not a header name"),
    ("tuple3", {"header": "X-A: one\rX-B: two"}, "line break or control character"),
    ("tuple3", {"header": "no colon here"}, "is not a header line"),
    ("tuple3", {"header": "Content-Length: 5"}, "is set by the server"),
    ("tuple3", {"status": "299 Bad\x01Reason"}, "plain ASCII text on one line"),
    ("abort", {"status": "200"}, "abort() needs an error code"),
    ("redirect", {"status": "200", "location": "/x"}, "redirect() needs a 3xx code"),
    ("redirect", {"status": "302", "location": "https://example.org/"}, "A redirect stays on this server"),
    ("redirect", {"status": "302", "location": "//example.org/"}, "A redirect stays on this server"),
    ("redirect", {"status": "302", "location": "/\\\\example.org"}, "A redirect stays on this server"),
    ("redirect", {"status": "302"}, "A redirect stays on this server"),
])  # fmt: skip
def test_bad_input_is_a_clear_400_and_never_reaches_a_view(
    client: FlaskClient, style: str, values: dict, message: str
) -> None:
    response = client.get(f"/respond/{style}", query_string=values)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    (exchange,) = client.get("/api/exchanges").json
    assert exchange["explanation"]["source_file"] == "playground/builder/views.py"
    assert "raise BadRequest" in exchange["explanation"]["source_line"]


def test_the_builder_page_checks_values_and_shows_code(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    ok = client.post("/builder", data={"style": "tuple3", "status": "201", "header": "X-A: 1", "body": "hi"})
    assert ok.status_code == 200 and b"Flask code" in ok.data and b"X-A" in ok.data
    json = client.post(
        "/builder", data={"style": "abort", "status": "200"}, headers={"Accept": "application/json"}
    )
    assert json.status_code == 400 and "abort() needs an error code" in json.json["errors"]["status"][0]


def test_the_builder_page_needs_a_csrf_token(client: FlaskClient) -> None:
    response = client.post("/builder", data={"style": "tuple3", "status": "201"})
    assert response.status_code == 400 and b"CSRF" in response.data


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "HEAD", "OPTIONS"])
@pytest.mark.parametrize("style", STYLES)
def test_every_builder_answer_is_explained_by_the_code_the_builder_shows(
    client: FlaskClient, style: str, method: str
) -> None:
    values = {**VALUES, **STYLES[style][0]}
    if method in ("GET", "HEAD"):
        client.open(f"/respond/{style}", method=method, query_string=values)
    else:
        client.open(f"/respond/{style}", method=method, data=values)
    (exchange,) = client.get("/api/exchanges").json
    explanation = exchange["explanation"]
    code = flask_code(style, spec(values), [method])
    assert explanation["source_file"] == "app.py (the builder's code)"
    assert code.splitlines()[explanation["line_number"] - 1].strip() == explanation["source_line"]
    summary = explanation["summary"]
    assert f"`{explanation['source_line']}`" in summary
    assert "spec()" not in summary and "returned `return" not in summary and "returned return" not in summary
    detail = client.get(f"/api/exchanges/{exchange['id']}").json["explanation"]
    marked = detail["source_html"].split('<mark class="deciding-line">')[1].split("</mark>")[0]
    assert f'<span class="linenos">{explanation["line_number"]}</span>' in marked


def test_the_generated_code_uses_one_quoting_style(client: FlaskClient) -> None:
    for style in STYLES:
        code = flask_code(style, spec({**VALUES, **STYLES[style][0]}), ["GET"])
        assert "'" not in code.replace("I'm", ""), code

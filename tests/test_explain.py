"""Every outcome of both listings is explained from what the server did, down to the deciding line."""

import pytest
from flask.testing import FlaskClient

FORM = "application/x-www-form-urlencoded"
ALL_DETAILS = "username=sam&firstname=john&lastname=king"

# (listing prefix, method, path, body) -> (status, the deciding line, a phrase of the cause)
OUTCOMES = [
    ("", "POST", "/userDetails", ALL_DETAILS, 201, 'return "Success", 201', "returned"),
    (
        "",
        "POST",
        "/userSignUp",
        "username=sam",
        200,
        'return "Success", 200, {"Access-Control-Allow-Origin": "*"}',
        "returned",
    ),
    (
        "",
        "POST",
        "/userDetails",
        "username=sam",
        400,
        'lastname = request.form["lastname"]',
        "`lastname` was not in the form",
    ),
    ("", "GET", "/userSignUp", "", 405, '@bp.route("/userSignUp", methods=["POST"])', "MethodNotAllowed"),
    (
        "",
        "GET",
        "/userDetails",
        "",
        500,
        'if request.method == "POST":',
        "returned None because the method was GET",
    ),
    (
        "/make_response",
        "POST",
        "/userDetails",
        ALL_DETAILS,
        201,
        'response = make_response("<h1>Success</h1>", 201)',
        "set the status to 201",
    ),
    (
        "/make_response",
        "POST",
        "/userSignUp",
        "username=sam",
        200,
        "response.status_code = 200",
        "set the status to 200",
    ),
    (
        "/make_response",
        "POST",
        "/userDetails",
        "firstname=john",
        400,
        'lastname = request.form["lastname"]',
        "BadRequestKeyError",
    ),
    (
        "/make_response",
        "GET",
        "/userSignUp",
        "",
        405,
        '@bp.route("/userSignUp", methods=["POST"])',
        "Allow: OPTIONS, POST",
    ),
    (
        "/make_response",
        "GET",
        "/userDetails",
        "",
        500,
        'if request.method == "POST":',
        "without a return statement",
    ),
]


@pytest.mark.parametrize(("prefix", "method", "path", "body", "status", "line", "cause"), OUTCOMES)
def test_each_outcome_names_its_deciding_line(
    client: FlaskClient, prefix: str, method: str, path: str, body: str, status: int, line: str, cause: str
) -> None:
    assert client.open(prefix + path, method=method, data=body, content_type=FORM).status_code == status
    (exchange,) = client.get("/api/exchanges").json
    explanation = exchange["explanation"]
    assert explanation["source_line"] == line
    assert cause in explanation["summary"]
    assert explanation["in_view"]
    assert (
        explanation["source_file"]
        == f"playground/endpoints/{'make_response' if prefix else 'tuple_returns'}.py"
    )


@pytest.mark.parametrize("prefix", ["", "/make_response"])
def test_a_body_over_the_limit_is_explained_by_the_limit(client: FlaskClient, prefix: str) -> None:
    client.post(f"{prefix}/userDetails", data=b"x" * (1024 * 1024 + 1), content_type=FORM)
    (exchange,) = client.get("/api/exchanges").json
    explanation = exchange["explanation"]
    assert exchange["response"]["status"] == 413
    assert explanation["source_line"] == "raise RequestEntityTooLarge()"
    assert explanation["source_file"] == "playground/guards/body_limit.py"
    assert "1,048,577 bytes" in explanation["summary"] and not explanation["in_view"]
    detail = client.get(f"/api/exchanges/{exchange['id']}").json["explanation"]
    assert detail["source_function"] == "refuse_oversized_body"
    marked = detail["source_html"].split('<mark class="deciding-line">')[1].split("</mark>")[0]
    assert "RequestEntityTooLarge" in marked


def test_a_json_body_is_explained_as_an_empty_form(client: FlaskClient) -> None:
    client.post("/userDetails", json={"lastname": "king"})
    summary = client.get("/api/exchanges").json[0]["explanation"]["summary"]
    assert "a JSON body leaves it empty" in summary


def test_the_explanation_carries_the_status_facts_from_httpstatus(client: FlaskClient) -> None:
    client.post("/userDetails", data=ALL_DETAILS, content_type=FORM)
    explanation = client.get("/api/exchanges/1").json["explanation"]
    assert explanation["status_class"] == "2xx" and explanation["status_class_name"] == "Success"
    assert explanation["status_name"] == "CREATED"
    # http.HTTPStatus says "Document created, URL follows": here no Location follows, and it says what
    # that means.
    description = explanation["status_description"]
    assert description.startswith("The request has been fulfilled")
    # Without a Location, what a 201 created is the target URI (RFC 9110, 15.3.2): no fault of it.
    assert "no Location, so what it created is the address the request went to" in description
    assert "URL follows" not in description


def test_a_201_with_a_location_names_it(client: FlaskClient) -> None:
    client.get("/respond/tuple3?status=201&header=Location:+/status/200")
    explanation = client.get("/api/exchanges").json[0]["explanation"]
    assert explanation["status_description"].endswith("this answer's Location names it: /status/200")


def test_a_missing_fields_400_says_what_happened_not_httpstatuss_phrase(client: FlaskClient) -> None:
    client.post("/userDetails", data="username=sam&firstname=john", content_type=FORM)
    explanation = client.get("/api/exchanges").json[0]["explanation"]
    # http.HTTPStatus's phrase names other causes (bad syntax, an unsupported method): neither happened.
    assert "Bad request syntax" not in explanation["status_description"]
    assert "perceived to be a client error" in explanation["status_description"]
    assert "raised `BadRequestKeyError` (Werkzeug's `KeyError` for a missing key" in explanation["summary"]


def test_the_detail_shows_the_source_with_the_deciding_line_marked(client: FlaskClient) -> None:
    client.post("/userDetails", data="username=sam", content_type=FORM)
    html = client.get("/api/exchanges/1").json["explanation"]["source_html"]
    assert html.count('<mark class="deciding-line">') == 1
    marked = html.split('<mark class="deciding-line">')[1].split("</mark>")[0]
    assert "lastname" in marked and "request" in marked and "return" not in marked
    assert '<span class="nf">user_details</span>' in html


def test_the_source_of_each_view_can_be_read_before_sending(client: FlaskClient) -> None:
    tuple_view = client.get("/api/views/tuple_returns.sign_up").json["source_html"]
    make_response_view = client.get("/api/views/make_response.sign_up").json["source_html"]
    assert "status_code" in make_response_view and "status_code" not in tuple_view
    assert client.get("/api/views/pages.home").status_code == 404


@pytest.mark.parametrize(
    ("code", "name", "older"),
    [
        (413, "Content Too Large", "Request Entity Too Large"),
        (422, "Unprocessable Content", "Unprocessable Entity"),
    ],
)
def test_a_renamed_status_is_given_rfc_9110s_name_and_says_why_the_line_differs(
    code: int, name: str, older: str
) -> None:
    from playground.recording.explain import status_facts

    facts = status_facts(code)
    assert facts["status_phrase"] == name
    assert f"renamed it from {older}" in facts["status_description"]

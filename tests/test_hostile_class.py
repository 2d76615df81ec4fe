"""A class can't break it: each attack of issue 10, tried through the app as a student would."""

import json
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from playground import create_app
from playground.recording.capture import BODY_CAP, HEADERS_CAP
from tests.support.csrf import csrf_token
from tests.support.reading import what_a_student_reads

FORM = "application/x-www-form-urlencoded"
STYLES_WITH_HEADERS = ["tuple3", "body_headers", "make_response", "status_code", "response", "dict"]


def last_exchange(client: FlaskClient) -> dict:
    return client.get("/api/exchanges").json[-1]


# -- Learner-built answers: no script, no cookie, no redirect off-site --------------------------------


@pytest.mark.parametrize("style", STYLES_WITH_HEADERS)
@pytest.mark.parametrize(
    ("header", "named"),
    [
        ("Set-Cookie: session=planted; Max-Age=31536000", "Set-Cookie"),
        ("set-cookie: a=b", "set-cookie"),
        ("Location: https://evil.example/", "Location"),
        ("Location: //evil.example/", "Location"),
        ("Location: /\t/evil.example/", "Location"),
        ("Refresh: 0;url=https://evil.example/", "Refresh"),
        ("Clear-Site-Data: *", "Clear-Site-Data"),
        ("Content-Type: text/javascript", "Content-Type"),
        ("Strict-Transport-Security: max-age=31536000", "Strict-Transport-Security"),
    ],
)
def test_a_header_that_acts_beyond_the_answer_is_refused_by_name(
    client: FlaskClient, style: str, header: str, named: str
) -> None:
    response = client.get(f"/respond/{style}", query_string={"status": "302", "header": header})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert named in text and ("refused" in text or "set by the server" in text)
    assert "Set-Cookie" not in response.headers and "Location" not in response.headers


def test_a_location_on_this_server_is_still_allowed(client: FlaskClient) -> None:
    response = client.get(
        "/respond/tuple3", query_string={"status": "302", "header": "Location: /status/200"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/status/200"


def test_the_builder_names_the_refused_header(client: FlaskClient) -> None:
    token = csrf_token(client, "/builder")
    response = client.post(
        "/builder",
        data={
            "csrf_token": token,
            "style": "tuple3",
            "status": "200",
            "header": "Set-Cookie: x=1",
            "body": "",
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "Set-Cookie is refused" in response.json["errors"]["header"][0]


@pytest.mark.parametrize(
    "path",
    [
        "/respond/tuple2?status=200&body=%3Cscript%3Ealert(document.domain)%3C/script%3E",
        "/respond/response?status=200&body=%3Cscript%3Efetch('/log')%3C/script%3E",
        "/respond/status_string?status=299%20Custom&body=%3Cimg%20src=x%20onerror=alert(1)%3E",
        "/status/200",
    ],
)
def test_a_script_in_a_shared_link_cannot_run_on_this_origin(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert policy.split(";")[0].strip() == "sandbox"  # no allow-scripts, no allow-same-origin
    assert "default-src 'none'" in policy


# -- Masking by what the parsers decode -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("username=a&pass%77ord=SECRET1", FORM),
        ("username=a&%70assword=SECRET1", FORM),
        ("username=a&PASSWORD=SECRET1", FORM),
        (
            "--b\r\nContent-Disposition: form-data; name*=UTF-8''password\r\n\r\nSECRET1\r\n--b--\r\n",
            "multipart/form-data; boundary=b",
        ),
        (
            "--b\r\nContent-Type: text/plain\r\n"
            'Content-Disposition: form-data; name="password"\r\n\r\nSECRET1\r\n--b--\r\n',
            "multipart/form-data; boundary=b",
        ),
        ('{"username": "a", "pass\\u0077ord": "SECRET1"}', "application/json"),
    ],
)
def test_a_password_is_masked_by_the_name_the_parser_decodes(
    client: FlaskClient, body: str, content_type: str
) -> None:
    client.post("/userSignUp", data=body, content_type=content_type)
    exchange = last_exchange(client)
    assert "SECRET1" not in json.dumps(exchange)
    assert "(7 chars)" in exchange["request"]["body"]


def test_the_view_really_reads_those_names_as_password() -> None:
    # The masking follows the parser: check that the parser does decode these names to "password".
    app = create_app({"SECRET_KEY": "t"})
    for body, content_type in [
        ("pass%77ord=x", FORM),
        (
            "--b\r\nContent-Disposition: form-data; name*=UTF-8''password\r\n\r\nx\r\n--b--\r\n",
            "multipart/form-data; boundary=b",
        ),
    ]:
        with app.test_request_context("/userSignUp", method="POST", data=body, content_type=content_type):
            from flask import request

            assert request.form.get("password") == "x"


def test_a_password_in_the_query_is_masked_by_its_decoded_name(client: FlaskClient) -> None:
    client.post("/userSignUp?pass%77ord=SECRET1&username=a")
    exchange = last_exchange(client)
    assert "SECRET1" not in json.dumps(exchange) and "(7 chars)" in exchange["request"]["query"]


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "Proxy-Authorization",
        "Cookie",
        "X-Api-Key",
        "X-Auth-Token",
        "X-Client-Secret",
        "X-Password",
    ],
)
def test_headers_that_carry_secrets_are_masked(app: Flask, name: str) -> None:
    client = app.test_client(use_cookies=False)  # one with a cookie jar would replace the Cookie header
    client.post("/userSignUp", headers={name: "SECRET1"})
    exchange = last_exchange(client)
    assert "SECRET1" not in json.dumps(exchange)
    assert [name, "•••••• (7 chars)"] in exchange["request"]["headers"]


def test_the_stream_carries_the_masked_values_only(make_app: Callable[..., Flask]) -> None:
    app = make_app({"STREAM_KEEPALIVE_SECONDS": 0.05, "STREAM_SECONDS": 0.2})
    client = app.test_client()
    client.post(
        "/userSignUp?pass%77ord=SECRET1",
        data="pass%77ord=SECRET2",
        content_type=FORM,
        headers={"X-Api-Key": "SECRET3"},
    )
    stream = client.get("/api/stream").get_data(as_text=True)
    assert "id: 1\n" in stream
    assert not any(secret in stream for secret in ("SECRET1", "SECRET2", "SECRET3"))


# -- Bounded in bytes: headers, the log, what a reader receives, 431 --------------------------------------


def test_large_headers_are_kept_capped_and_marked_truncated(client: FlaskClient) -> None:
    headers = {f"X-Big-{i}": "v" * 3000 for i in range(9)}  # 27 KB: under the 32 KB limit
    assert client.post("/userSignUp", headers=headers).status_code == 200
    request = last_exchange(client)["request"]
    kept = sum(len(name) + len(value) for name, value in request["headers"])
    assert kept <= HEADERS_CAP + 100
    assert request["headers_truncated"] is True
    assert request["headers_size"] > 27_000


def test_headers_over_the_limit_get_431_and_the_server_goes_on(client: FlaskClient) -> None:
    response = client.post("/userSignUp", headers={f"X-Flood-{i}": "v" * 8000 for i in range(5)})
    assert response.status_code == 431
    assert client.get("/api/exchanges").json == []  # refused before anything kept it
    assert client.post("/userSignUp").status_code == 200


def test_the_log_is_bounded_in_bytes_as_well_as_in_count(make_app: Callable[..., Flask]) -> None:
    app = make_app({"EXCHANGE_LOG_BYTES": 200_000})
    client = app.test_client()
    headers = {f"X-Big-{i}": "v" * 3000 for i in range(9)}
    for _ in range(100):
        client.post("/userSignUp", data=b"u" * 50_000, content_type=FORM, headers=headers)
    health = client.get("/api/health").json
    assert 0 < health["exchanges_kept"] < 100
    assert health["exchanges_bytes"] <= 200_000
    kept = client.get("/api/exchanges").json
    assert kept[-1]["id"] == 100  # the newest are the ones kept
    assert all(len(e["request"]["body"]) == BODY_CAP for e in kept)


def test_one_answer_of_the_api_is_bounded(client: FlaskClient) -> None:
    for _ in range(130):
        client.post("/userSignUp")
    newest = client.get("/api/exchanges").json
    assert [e["id"] for e in newest] == list(range(31, 131))
    page = client.get("/api/exchanges?after=0").json
    assert [e["id"] for e in page] == list(range(1, 101))
    rest = client.get(f"/api/exchanges?after={page[-1]['id']}").json
    assert [e["id"] for e in rest] == list(range(101, 131))


# -- Streams: capped in all and per client -----------------------------------------------------------------


@pytest.fixture
def stream_app(make_app: Callable[..., Flask]) -> Callable[..., Flask]:
    return lambda **config: make_app({"STREAM_KEEPALIVE_SECONDS": 0.05, **config})


def open_stream(client: FlaskClient, address: str = "127.0.0.1"):
    return client.get("/api/stream", buffered=False, environ_base={"REMOTE_ADDR": address})


def test_beyond_the_per_client_limit_a_stream_gets_503_with_retry_after(
    stream_app: Callable[..., Flask],
) -> None:
    app = stream_app(STREAM_LIMIT_PER_CLIENT=2)
    client = app.test_client()
    first, second = open_stream(client), open_stream(client)
    refused = open_stream(client)
    assert refused.status_code == 503 and refused.headers["Retry-After"].isdigit()
    assert "/api/exchanges?after=" in refused.get_data(as_text=True)
    assert open_stream(client, "10.0.0.2").status_code == 200  # another address is not this one's limit
    first.close()
    again = open_stream(client)
    assert again.status_code == 200
    for response in (second, again):
        response.close()


def test_beyond_the_total_limit_a_stream_gets_503_and_the_endpoints_still_answer(
    stream_app: Callable[..., Flask],
) -> None:
    app = stream_app(STREAM_LIMIT=3)
    client = app.test_client()
    held = [open_stream(client, f"10.0.0.{i}") for i in range(3)]
    assert all(r.status_code == 200 for r in held)
    assert open_stream(client, "10.0.0.9").status_code == 503
    assert client.post("/userDetails", data={"lastname": "k"}).status_code == 201
    assert client.get("/api/health").json["streams_refused"] == 1
    for response in held:
        response.close()
    assert client.get("/api/health").json["streams_open"] == 0


# -- Predictions: one per exchange per browser, bounded shapes ---------------------------------------------


def predict(client: FlaskClient, exchange_id: int, code: int = 200, address: str = "127.0.0.1"):
    token = csrf_token(client, "/")
    return client.post(
        "/api/predictions",
        json={"exchange_id": exchange_id, "predicted": code},
        headers={"X-CSRFToken": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_one_prediction_per_exchange_per_browser(app: Flask) -> None:
    student = app.test_client()
    student.post("/userSignUp")
    assert predict(student, 1).status_code == 200
    for _ in range(5):
        assert predict(student, 1).status_code == 409
    assert predict(app.test_client(), 1, address="127.0.0.2").status_code == 200  # another browser
    (row,) = student.get("/api/predictions").json
    assert row["count"] == 2


def test_fresh_cookies_from_one_address_make_one_vote(app: Flask) -> None:
    sender = app.test_client()
    for _ in range(3):  # three exchanges of one request shape
        sender.post("/userSignUp")
    for exchange_id in (1, 2, 3):
        for _ in range(4):
            refusal = predict(app.test_client(), exchange_id)  # a fresh cookie each time
            assert refusal.status_code in (200, 409)
    assert "This address already predicted" in predict(app.test_client(), 1).get_data(as_text=True)
    (row,) = sender.get("/api/predictions").json
    assert row["count"] == 1  # the rows never count more predictions than addresses voted


def test_each_address_counts_once(app: Flask) -> None:
    sender = app.test_client()
    for _ in range(3):
        sender.post("/userSignUp")
    addresses = [f"127.0.{x}.{y}" for x in (0, 1) for y in (2, 3, 4)]
    for exchange_id in (1, 2, 3):
        for address in addresses:
            expected = 200 if exchange_id == 1 else 409  # same shape: the address voted already
            assert predict(app.test_client(), exchange_id, address=address).status_code == expected
    (row,) = sender.get("/api/predictions").json
    assert row["count"] == len(addresses)


def test_a_huge_content_type_makes_a_short_shape(client: FlaskClient) -> None:
    client.post("/userSignUp", data="x=1", content_type="text/evil-" + "a" * 60_000)
    response = predict(client, 1)
    assert response.status_code == 200
    assert len(response.json["shape"]) < 100 and "other type" in response.json["shape"]


def test_the_tally_holds_a_bounded_number_of_shapes(make_app: Callable[..., Flask]) -> None:
    client = make_app({"PREDICTION_SHAPES": 3}).test_client()
    for path in ("/userSignUp", "/userDetails", "/make_response/userSignUp", "/make_response/userDetails"):
        client.post(path, data={"lastname": "k"})
    assert [predict(client, i).status_code for i in (1, 2, 3, 4)] == [200, 200, 200, 429]


# -- The teacher ----------------------------------------------------------------------------------------


def test_a_student_cannot_clear_the_log_or_reset_the_tally(client: FlaskClient) -> None:
    client.post("/userSignUp")
    token = csrf_token(client)
    assert client.post("/log/clear", headers={"X-CSRFToken": token}).status_code == 403
    assert client.post("/api/predictions/reset", headers={"X-CSRFToken": token}).status_code == 403
    assert len(client.get("/api/exchanges").json) == 1


def test_a_wrong_teacher_key_is_a_404_and_grants_nothing(client: FlaskClient) -> None:
    assert client.get("/teacher/guess").status_code == 404
    assert client.post("/log/clear", headers={"X-CSRFToken": csrf_token(client)}).status_code == 403


def test_the_teacher_can_reset_the_tally(teacher: FlaskClient) -> None:
    teacher.post("/userSignUp")
    predict(teacher, 1)
    assert (
        teacher.post("/api/predictions/reset", headers={"X-CSRFToken": csrf_token(teacher)}).status_code
        == 204
    )
    assert teacher.get("/api/predictions").json == []


def test_a_student_sees_others_exchanges_without_their_address_or_browser(
    app: Flask, teacher: FlaskClient
) -> None:
    classmate = app.test_client()
    classmate.post(
        "/userSignUp", headers={"User-Agent": "Classmate/1.0"}, environ_base={"REMOTE_ADDR": "10.0.0.7"}
    )
    student = app.test_client()
    seen = student.get("/api/exchanges", environ_base={"REMOTE_ADDR": "10.0.0.8"}).json[0]
    assert seen["client"] == "" and "Classmate" not in json.dumps(seen)
    own = classmate.get("/api/exchanges/1", environ_base={"REMOTE_ADDR": "10.0.0.7"}).json
    assert own["client"] == "10.0.0.7" and ["User-Agent", "Classmate/1.0"] in own["request"]["headers"]
    everything = teacher.get("/api/exchanges", environ_base={"REMOTE_ADDR": "10.0.0.1"}).json[0]
    assert everything["client"] == "10.0.0.7"


FINGERPRINTS = {
    "Sec-Ch-Ua": '"Chromium";v="131", "FP-BRAND"',
    "Sec-Ch-Ua-Platform": '"FP-PLATFORM"',
    "Sec-Ch-Ua-Mobile": "?0 FP-MOBILE",
    "Sec-Ch-Prefers-Color-Scheme": "FP-SCHEME",
    "Device-Memory": "8 FP-MEMORY",
    "Accept-Language": "fr-CA,FP-LANGUAGE",
    "From": "fp-person@example.org",
    "True-Client-IP": "10.9.9.1 FP-TRUE",
    "X-Client-IP": "10.9.9.2 FP-CLIENT",
    "CF-Connecting-IP": "10.9.9.3 FP-CF",
    "Fastly-Client-IP": "10.9.9.4 FP-FASTLY",
    "X-Forwarded-For": "10.9.9.5 FP-XFF",
    "Forwarded": "for=10.9.9.6;by=FP-FORWARDED",
    "X-Real-IP": "10.9.9.7 FP-REAL",
    "X-Originating-IP": "10.9.9.8 FP-ORIGINATING",
}


@pytest.fixture
def fingerprinted(make_app: Callable[..., Flask]) -> tuple[Flask, int]:
    """An app whose log holds one exchange sent with every fingerprinting header, from 10.0.0.7."""
    app = make_app({"STREAM_BATCH_SECONDS": 0, "STREAM_KEEPALIVE_SECONDS": 0.05})
    app.test_client().post("/userSignUp", headers=FINGERPRINTS, environ_base={"REMOTE_ADDR": "10.0.0.7"})
    return app, 1


def test_a_classmate_sees_no_fingerprint_of_the_sender(fingerprinted: tuple[Flask, int]) -> None:
    app, exchange_id = fingerprinted
    shown = what_a_student_reads(app.test_client(), exchange_id, {"REMOTE_ADDR": "10.0.0.8"})
    for where, text in shown.items():
        assert "FP-" not in text and "fp-person" not in text and "10.9.9." not in text, where
        assert "(hidden: only the teacher sees it)" in text, where
    assert "X-Playground-Tag" not in FINGERPRINTS and "Content-Length" in shown["api"]  # the rest shows


def test_the_teacher_sees_every_fingerprint(fingerprinted: tuple[Flask, int]) -> None:
    app, exchange_id = fingerprinted
    teacher = app.test_client()
    assert teacher.get(f"/teacher/{app.config['TEACHER_KEY']}").status_code == 302
    shown = what_a_student_reads(teacher, exchange_id, {"REMOTE_ADDR": "10.0.0.1"})
    for where, text in shown.items():
        markers = re.findall(r"FP-[A-Z]+|fp-person", " ".join(FINGERPRINTS.values()))
        assert len(markers) == len(FINGERPRINTS) and all(marker in text for marker in markers), where


def test_the_log_page_warns_that_everything_is_visible_to_the_class(client: FlaskClient) -> None:
    html = client.get("/log").get_data(as_text=True)
    assert "visible to the whole class" in html and "made-up" in html
    assert "Clear the log" not in html

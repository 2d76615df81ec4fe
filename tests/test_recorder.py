"""The recorder keeps every exchange with a real endpoint, exactly, bounded, with passwords masked."""

import http.client
import sys
import threading
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def exchanges(client: FlaskClient, **params: str) -> list[dict]:
    response = client.get("/api/exchanges", query_string=params)
    assert response.status_code == 200
    return response.json


def test_an_exchange_holds_the_request_and_the_response_as_emitted(client: FlaskClient) -> None:
    client.post("/userSignUp?debug=1", data="username=sam&password=hunter22", headers=FORM)
    (exchange,) = exchanges(client)
    assert exchange["id"] == 1 and exchange["view"] == "tuple_returns.sign_up"
    assert exchange["time"].endswith("Z") and exchange["client"] == "127.0.0.1"
    assert exchange["request"]["method"] == "POST"
    assert exchange["request"]["path"] == "/userSignUp"
    assert exchange["request"]["query"] == "debug=1"
    assert ["Content-Type", "application/x-www-form-urlencoded"] in exchange["request"]["headers"]
    assert exchange["response"] == {
        "status": 200,
        "reason": "OK",
        "status_line": "200 OK",
        "headers": [
            ["Access-Control-Allow-Origin", "*"],
            ["Content-Type", "text/html; charset=utf-8"],
            ["Content-Length", "7"],
        ],
        "headers_size": 79,
        "headers_truncated": False,
        "added_by_playground": {},
        "body": "Success",
        "body_size": 7,
        "body_truncated": False,
    }
    assert exchange["duration_ms"] > 0


def test_passwords_are_masked_in_every_encoding(client: FlaskClient) -> None:
    client.post("/userSignUp", data="username=sam&password=hunter22", headers=FORM)
    client.post(
        "/userSignUp", data={"username": "sam", "password": "hunter22"}, content_type="multipart/form-data"
    )
    client.post("/userSignUp", json={"username": "sam", "password": "hunter22"})
    client.get("/userSignUp?password=hunter22")
    client.post("/userSignUp", data="x", headers={"Authorization": "Basic c2FtOmh1bnRlcjIy"})
    assert b"hunter22" not in client.get("/api/exchanges").data
    log = exchanges(client)
    shown = [e["request"]["body"] + e["request"]["query"] for e in log]
    assert all("hunter22" not in text and "•••••• (8 chars)" in text for text in shown[:4])
    assert (
        dict(log[4]["request"]["headers"])["Authorization"] == "•••••• (22 chars)"
    )  # "Basic " and the credentials


def test_only_the_real_endpoints_are_recorded(client: FlaskClient) -> None:
    client.get("/")
    client.get("/static/css/playground.css")
    client.post("/nowhere")
    client.get("/api/exchanges")
    assert exchanges(client) == []
    client.get("/make_response/userSignUp")  # a 405 is still an exchange with the endpoint
    assert [e["view"] for e in exchanges(client)] == ["make_response.sign_up"]


def test_after_gives_the_newer_exchanges_newest_last(client: FlaskClient) -> None:
    for _ in range(3):
        client.post("/userSignUp")
    assert [e["id"] for e in exchanges(client)] == [1, 2, 3]
    assert [e["id"] for e in exchanges(client, after="1")] == [2, 3]
    assert exchanges(client, after="3") == []


def test_one_exchange_by_id_and_a_clear_404_for_a_missing_one(client: FlaskClient) -> None:
    client.post("/userSignUp")
    assert client.get("/api/exchanges/1").json["id"] == 1
    missing = client.get("/api/exchanges/99")
    assert missing.status_code == 404 and b"No exchange 99" in missing.data


def test_the_tag_header_finds_a_pages_own_exchange(client: FlaskClient) -> None:
    client.post("/userSignUp", headers={"X-Playground-Tag": "abc"})
    client.post("/userSignUp", headers={"X-Playground-Tag": "other"})
    (found,) = exchanges(client, tag="abc")
    assert found["id"] == 1


def test_the_log_is_bounded(make_app: Callable[..., Flask]) -> None:
    client = make_app({"EXCHANGE_LOG_SIZE": 5}).test_client()
    for _ in range(12):
        client.post("/userSignUp")
    assert [e["id"] for e in exchanges(client)] == [8, 9, 10, 11, 12]
    assert client.get("/api/exchanges/1").status_code == 404


def test_bodies_are_capped(client: FlaskClient) -> None:
    client.post("/userSignUp", data=b"username=" + b"s" * 100_000, headers=FORM)
    (exchange,) = exchanges(client)
    assert len(exchange["request"]["body"]) == 4096
    assert exchange["request"]["body_size"] == 100_009 and exchange["request"]["body_truncated"]


def test_a_body_the_view_never_read_is_still_recorded(client: FlaskClient) -> None:
    client.get("/userSignUp", data="username=sam", headers=FORM)
    (exchange,) = exchanges(client)
    assert exchange["request"]["body"] == "username=sam"


def test_non_utf8_bytes_are_shown_escaped(client: FlaskClient) -> None:
    client.post("/userDetails", data=b"lastname=\xff\xfe", headers=FORM)
    assert exchanges(client)[0]["request"]["body"] == "lastname=\\xff\\xfe"


@pytest.fixture
def served(app: Flask) -> Iterator[tuple[Flask, int]]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, server.server_port
    server.shutdown()
    thread.join()


def test_a_request_over_a_real_socket_keeps_its_header_order_and_status_line(
    served: tuple[Flask, int],
) -> None:
    app, port = served
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.putrequest("POST", "/userDetails", skip_accept_encoding=True)
    for name, value in [
        ("User-Agent", "curl/8.5.0"),
        ("Accept", "*/*"),
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Content-Length", "41"),
    ]:
        connection.putheader(name, value)
    connection.endheaders(b"username=sam&firstname=john&password=abcd")
    assert connection.getresponse().status == 400  # no lastname
    (exchange,) = app.extensions["recorder"].log.after(0)
    names = [name for name, _ in exchange.request["headers"]]
    assert names == ["Host", "User-Agent", "Accept", "Content-Type", "Content-Length"]
    assert exchange.response["status_line"] == "400 BAD REQUEST"
    assert exchange.request["body"] == "username=sam&firstname=john&password=•••••• (4 chars)"


def test_the_log_stays_in_id_order_under_concurrent_requests(make_app: Callable[..., Flask]) -> None:
    # Streams read "the exchanges after id N" from the right end of the log: that only works if
    # the log is kept in id order, however the requests interleave.
    app = make_app({"EXCHANGE_LOG_SIZE": 10_000})

    def send() -> None:
        client = app.test_client()
        for _ in range(100):
            client.post("/userSignUp", data={"username": "sam"})

    # One request first: Werkzeug compiles some code on first use, and CPython 3.11's compiler is not
    # safe to run from many threads at a switch interval this small.
    app.test_client().post("/userSignUp")
    threads = [threading.Thread(target=send) for _ in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to hit any race
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    log = app.extensions["recorder"].log
    ids = [e.id for e in log.after(0)]
    assert ids == list(range(1, 802))
    for last in (0, 1, 399, 800, 801):
        assert [e.id for e in log.after(last)] == list(range(last + 1, 802))

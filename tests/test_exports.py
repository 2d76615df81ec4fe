"""What one reader receives is bounded in bytes as sent, whatever the exchanges hold (issue 19).

JSON escaping can make one kept byte six (`\\u0001`), so the log is filled with bodies, queries and
headers full of what JSON escapes (`"`, control characters, `<>&`, non-ASCII) and each reader's
answer is measured as it goes on the wire: a page of /api/exchanges, a new live log's backlog, the
HAR export (streamed, cut at its bytes, one at a time per address).
"""

import gzip
import json
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from playground.api.serialize import READER_BYTES
from tests.support.har import assert_valid_har

ESCAPED = '"\x01<>&é😀\\'
"""Characters JSON escapes or writes long: a quote, a control character, <>&, non-ASCII, a backslash."""


def send_escapes(client: FlaskClient, count: int) -> None:
    """`count` exchanges each holding as much as the recorder keeps, all of it costly to escape."""
    body = (ESCAPED * 1000).encode()[:4096]
    environ = {"QUERY_STRING": "\x01" * 4096, **{f"HTTP_X_NOTE_{i}": "\x01" * 2000 for i in range(4)}}
    for _ in range(count):
        client.post("/userSignUp", data=body, content_type="text/plain", environ_overrides=environ)


def ids(entries: list[dict]) -> list[int]:
    return [entry["id"] for entry in entries]


# -- /api/exchanges ---------------------------------------------------------------------------------


def test_a_page_of_the_api_stays_within_its_bytes_whatever_the_content(client: FlaskClient) -> None:
    send_escapes(client, 120)
    newest = client.get("/api/exchanges")
    assert len(newest.data) <= READER_BYTES
    assert ids(newest.json)[-1] == 120 and ids(newest.json) == list(range(ids(newest.json)[0], 121))
    seen: list[int] = []
    while page := client.get(f"/api/exchanges?after={seen[-1] if seen else 0}"):
        assert len(page.data) <= READER_BYTES
        if not page.json:
            break
        seen += ids(page.json)
    assert seen == list(range(1, 121))  # paging on with ?after= reaches everything, once


def test_the_largest_exchange_is_a_fraction_of_a_page(client: FlaskClient) -> None:
    # Every part the recorder keeps, full of what escapes longest (a control character is six bytes).
    client.post(
        "/userSignUp?" + "password=&" * 400,
        data=b"\x01" * 5000,
        content_type="text/plain",
        environ_overrides={f"HTTP_X_NOTE_{i}": "\x01" * 3000 for i in range(9)},
    )
    client.get(
        "/respond/tuple3",
        query_string={"status": "200", "body": "\x01" * 5000, "header": "X-A: " + '"' * 2000},
        environ_overrides={"HTTP_X_NOTE": "\x01" * 3000},
    )
    for entry in client.get("/api/exchanges").json:
        assert len(json.dumps(entry, separators=(",", ":"))) <= READER_BYTES // 4


# -- A new live log's backlog ---------------------------------------------------------------------


def read_backlog(client: FlaskClient, headers: dict | None = None) -> str:
    """What a stream sends before it has nothing new to say (its first keep-alive)."""
    response = client.get("/api/stream", buffered=False, headers=headers or {})
    received = ""
    for chunk in response.response:
        received += chunk.decode() if isinstance(chunk, bytes) else chunk
        if ": keep-alive" in received:
            break
    response.close()
    return received


@pytest.fixture
def stream_client(make_app: Callable[..., Flask]) -> FlaskClient:
    app = make_app({"STREAM_KEEPALIVE_SECONDS": 0.2, "STREAM_BATCH_SECONDS": 0})
    return app.test_client()


def test_a_new_live_logs_backlog_stays_within_its_bytes(stream_client: FlaskClient) -> None:
    send_escapes(stream_client, 120)
    backlog = read_backlog(stream_client)
    assert len(backlog.encode()) <= READER_BYTES + 100  # the events, and the retry and keep-alive lines
    sent = [int(i) for i in re.findall(r"^id: (\d+)$", backlog, re.M)]
    assert sent and sent[-1] == 120 and sent == list(range(sent[0], 121))  # the newest that fit


def test_a_browser_that_missed_more_than_a_backlog_is_told_how_many(stream_client: FlaskClient) -> None:
    send_escapes(stream_client, 120)
    backlog = read_backlog(stream_client, {"Last-Event-ID": "1"})
    assert len(backlog.encode()) <= READER_BYTES + 100
    first = int(re.search(r"^id: (\d+)$", backlog, re.M)[1])
    assert f"event: gap\ndata: {first - 2}\n" in backlog  # ids 2 to first - 1, missed


# -- The HAR export ------------------------------------------------------------------------------------


def test_the_har_export_is_streamed_and_stops_at_its_bytes(make_app: Callable[..., Flask]) -> None:
    client = make_app({"EXPORT_BYTES": 300_000}).test_client()
    send_escapes(client, 40)
    exported: list[int] = []
    after = 0
    for _ in range(40):
        response = client.get(f"/api/exchanges.har?after={after}")
        assert "Content-Length" not in response.headers  # streamed, not built whole first
        assert len(response.data) <= 300_000
        har = response.json
        assert_valid_har(har)
        exported += [entry["_id"] for entry in har["log"]["entries"]]
        cut = re.search(
            r"Cut at 300,000 bytes after \d+ entries: ask for \?after=(\d+)", har["log"]["comment"]
        )
        if cut is None:
            break
        after = int(cut[1])
    assert exported == list(range(1, 41))  # in parts, everything once


def test_the_har_export_is_gzipped_as_it_streams(client: FlaskClient) -> None:
    send_escapes(client, 5)
    response = client.get("/api/exchanges.har", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip" and "Content-Length" not in response.headers
    assert len(json.loads(gzip.decompress(response.data))["log"]["entries"]) == 5


def test_one_export_at_a_time_per_address(app: Flask) -> None:
    app.test_client().post("/userSignUp")
    downloading = app.test_client().get("/api/exchanges.har", buffered=False)  # not read yet
    assert downloading.status_code == 200
    again = app.test_client().get("/api/exchanges.har")
    assert again.status_code == 429 and again.headers["Retry-After"].isdigit()
    assert again.json["error"].startswith("This address is already downloading the log")
    elsewhere = app.test_client().get("/api/exchanges.har", environ_base={"REMOTE_ADDR": "127.0.0.2"})
    assert elsewhere.status_code == 200 and elsewhere.json["log"]["entries"]
    downloading.close()  # the client went away
    assert app.test_client().get("/api/exchanges.har").status_code == 200

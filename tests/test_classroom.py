"""The live log's stream, the prediction tally and the health figures.

Every test that takes `make_app` runs on the memory store, a redis-server and a Redis Cluster.
"""

import threading
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.streams import events

pytestmark = pytest.mark.on_cluster


@pytest.fixture
def streaming_app(make_app: Callable[..., Flask]) -> Callable[[], Flask]:
    return lambda: make_app({"STREAM_KEEPALIVE_SECONDS": 0.05, "STREAM_SECONDS": 2})


def test_the_stream_sends_each_exchange_once_with_its_id(streaming_app: Callable[[], Flask]) -> None:
    client = streaming_app().test_client()
    client.post("/userSignUp", data={"username": "sam", "password": "hunter22"})
    client.get("/userDetails")
    response = client.get("/api/stream", buffered=False)
    assert response.mimetype == "text/event-stream"
    first, second = events(response, 2)
    assert first.startswith("id: 1\nevent: exchange\ndata: {") and '"status_line":"200 OK"' in first
    assert "hunter22" not in first and "(8 chars)" in first
    assert second.startswith("id: 2\n")
    response.close()


def test_a_reconnect_resumes_after_the_last_event_id(streaming_app: Callable[[], Flask]) -> None:
    client = streaming_app().test_client()
    for _ in range(3):
        client.post("/userSignUp")
    response = client.get("/api/stream", headers={"Last-Event-ID": "2"}, buffered=False)
    (resumed,) = events(response, 1)
    assert resumed.startswith("id: 3\n")
    response.close()


def test_a_closed_stream_frees_its_place(streaming_app: Callable[[], Flask]) -> None:
    app = streaming_app()
    client = app.test_client()
    response = client.get("/api/stream", buffered=False)
    next(iter(response.response))
    assert client.get("/api/health").json["streams_open"] == 1
    response.close()  # what the server does when the browser has gone
    assert client.get("/api/health").json["streams_open"] == 0


def test_a_stream_ends_by_itself_and_the_browser_reconnects(make_app: Callable[..., Flask]) -> None:
    app = make_app({"STREAM_KEEPALIVE_SECONDS": 0.01, "STREAM_SECONDS": 0.05})
    body = app.test_client().get("/api/stream").get_data(as_text=True)
    assert body.startswith("retry: 1000\n\n") and ": keep-alive" in body


def predict(client: FlaskClient, exchange_id: int, predicted: int, address: str = "127.0.0.1"):
    return client.post(
        "/api/predictions",
        json={"exchange_id": exchange_id, "predicted": predicted},
        environ_base={"REMOTE_ADDR": address},
    )


def test_predictions_are_tallied_per_request_shape_from_the_servers_record(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app({"WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/userDetails", data={"username": "sam"})
    client.post("/userDetails", data={"username": "ada"})
    assert predict(client, 1, 201).json == {
        "shape": "POST /userDetails (application/x-www-form-urlencoded; username)",
        "predicted": 201,
        "actual": 400,
        "right": False,
    }
    assert predict(client, 2, 400, address="127.0.0.2").json["right"] is True  # another learner
    (row,) = client.get("/api/predictions").json
    assert row == {
        "shape": "POST /userDetails (application/x-www-form-urlencoded; username)",
        "actual": 400,
        "count": 2,
        "right": 1,
        "predicted": {"201": 1, "400": 1},
    }
    assert "1 of 2" in client.get("/log").get_data(as_text=True)


def test_a_bad_prediction_is_a_clear_error(make_app: Callable[..., Flask]) -> None:
    client = make_app({"WTF_CSRF_ENABLED": False}).test_client()
    assert predict(client, 1, 200).status_code == 404
    assert client.post("/api/predictions", data="nonsense").status_code == 400
    client.post("/userSignUp")
    assert predict(client, 1, 99).status_code == 400


def test_the_log_page_shows_the_address_as_a_qr_code(make_app: Callable[..., Flask]) -> None:
    app = make_app({"CLASSROOM_URL": "http://192.0.2.10:5000/"})
    html = app.test_client().get("/log").get_data(as_text=True)
    assert "http://192.0.2.10:5000/" in html and "<svg" in html and 'role="log"' in html


def test_health_reports_the_logs_size(client: FlaskClient) -> None:
    for _ in range(3):
        client.post("/userSignUp")
    health = client.get("/api/health").json
    assert health["exchanges_kept"] == 3 and health["exchanges_recorded"] == 3


def test_health_counts_the_threads_alive(client: FlaskClient) -> None:
    # Threads of earlier tests may still be ending while this one counts: a count that changed by
    # other threads is measured again (a constant, or any count that ignores threads, never passes).
    for _attempt in range(20):
        before = client.get("/api/health").json["threads"]
        release = threading.Event()
        extra = [threading.Thread(target=release.wait) for _ in range(3)]
        for thread in extra:
            thread.start()
        try:
            during = client.get("/api/health").json["threads"]
        finally:
            release.set()
            for thread in extra:
                thread.join()
        after = client.get("/api/health").json["threads"]
        if during == before + 3 and after == before:
            return
    raise AssertionError(
        f"the health's thread count never followed 3 threads started ({before}, {during}, {after})"
    )


def sse(response, count: int) -> list[str]:
    """The next `count` events of an event stream, whatever their kind (comments skipped)."""
    found = []
    for chunk in response.response:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        if text.startswith(("id: ", "event: ")):
            found.append(text)
        if len(found) == count:
            break
    return found


@pytest.fixture
def teaching(make_app: Callable[..., Flask]) -> tuple[FlaskClient, FlaskClient]:
    """A student's client and the teacher's, on one app (CSRF off: the tokens are tested elsewhere)."""
    app = make_app({"STREAM_KEEPALIVE_SECONDS": 0.05, "STREAM_SECONDS": 5, "WTF_CSRF_ENABLED": False})
    teacher = app.test_client()
    assert teacher.get(f"/teacher/{app.config['TEACHER_KEY']}").status_code == 302
    return app.test_client(), teacher


def test_a_clear_reaches_an_open_stream_and_nothing_cleared_comes_back(
    teaching: tuple[FlaskClient, FlaskClient],
) -> None:
    student, teacher = teaching
    student.post("/userSignUp")
    student.post("/userSignUp")
    response = student.get("/api/stream", buffered=False)
    assert [event.split("\n")[0] for event in sse(response, 2)] == ["id: 1", "id: 2"]
    cleared = teacher.post("/log/clear")
    assert cleared.status_code == 204 and cleared.headers["X-Cleared-Through"] == "2"
    student.post("/userDetails")
    told, after = sse(response, 2)
    assert told == "id: 2\nevent: cleared\ndata: 2\n\n"
    assert after.startswith("id: 3\nevent: exchange\n")
    response.close()


def test_a_browser_that_was_away_during_a_clear_is_told_first(
    teaching: tuple[FlaskClient, FlaskClient],
) -> None:
    student, teacher = teaching
    for _ in range(3):
        student.post("/userSignUp")
    assert teacher.post("/log/clear").status_code == 204
    student.post("/userDetails")
    # It last saw exchange 1: exchanges 2 and 3 went with the Clear, and its page still shows 1.
    response = student.get("/api/stream", headers={"Last-Event-ID": "1"}, buffered=False)
    told, after = sse(response, 2)
    assert told == "id: 3\nevent: cleared\ndata: 3\n\n"
    assert after.startswith("id: 4\nevent: exchange\n")
    response.close()


def test_a_reset_of_the_predictions_reaches_an_open_stream(teaching: tuple[FlaskClient, FlaskClient]) -> None:
    student, teacher = teaching
    response = student.get("/api/stream", buffered=False)
    assert teacher.post("/api/predictions/reset").status_code == 204
    assert sse(response, 1) == ["event: reset\ndata: 1\n\n"]
    assert student.get("/api/predictions").json == []
    response.close()

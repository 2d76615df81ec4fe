"""The Redis store as several workers share it: two apps on one Redis are two gunicorn workers.

The behaviour both stores share is checked by the whole unit suite, which runs on each (conftest's
`app` and `make_app`); these are what only a shared store can get right, or wrong.
"""

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis as redis_client
from flask import Flask

from playground import UnsafeConfiguration, create_app
from tests.support.csrf import csrf_token
from tests.support.redis_server import RedisServer, free_port
from tests.support.stores import store_config

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(params=["redis", "cluster"])
def workers(request: pytest.FixtureRequest) -> Iterator[list[Flask]]:
    """Two workers of one deployment: the same Redis (one redis-server, then a three-node Redis
    Cluster), the same keys, the same secret key."""
    config = {"SECRET_KEY": "shared", **store_config(request.param, request)}
    apps = [create_app(dict(config)), create_app(dict(config))]
    yield apps
    for app in apps:
        app.extensions["store"].close()


def ids(app: Flask) -> list[int]:
    return [e["id"] for e in app.test_client().get("/api/exchanges").json]


def test_the_app_refuses_redis_without_a_shared_secret_key(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    with pytest.raises(UnsafeConfiguration) as refused:
        create_app({"REDIS_URL": redis_server.url})
    message = str(refused.value)
    assert "FLASK_SECRET_KEY" in message and "\n" not in message


def test_every_worker_sees_every_exchange_in_one_order(workers: list[Flask]) -> None:
    clients = [app.test_client() for app in workers]

    def send(client: object, count: int) -> None:
        for _ in range(count):
            client.post("/userDetails", data={"firstname": "a", "lastname": "b"})  # type: ignore[attr-defined]

    threads = [threading.Thread(target=send, args=(client, 40)) for client in clients for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ids(workers[0]) == ids(workers[1]) == list(range(61, 161))  # the newest 100 of 160
    everything = [e["id"] for e in workers[1].test_client().get("/api/exchanges?after=0").json]
    assert everything == list(range(1, 101))


def test_a_worker_finds_a_page_tag_another_worker_recorded(workers: list[Flask]) -> None:
    workers[0].test_client().post("/userSignUp", headers={"X-Playground-Tag": "mine"})
    (found,) = workers[1].test_client().get("/api/exchanges?tag=mine").json
    assert found["request"]["path"] == "/userSignUp"


def test_the_teacher_is_the_teacher_on_every_worker(workers: list[Flask]) -> None:
    assert workers[0].config["TEACHER_KEY"] == workers[1].config["TEACHER_KEY"]
    teacher = workers[0].test_client()
    assert teacher.get(f"/teacher/{workers[0].config['TEACHER_KEY']}").status_code == 302
    token = csrf_token(teacher)
    workers[0].test_client().post("/userSignUp")
    # The same browser (its cookie) and token, now answered by the other worker.
    other = workers[1].test_client()
    other.set_cookie("session", teacher.get_cookie("session").value)  # type: ignore[union-attr]
    assert other.post("/log/clear", headers={"X-CSRFToken": token}).status_code == 204
    assert ids(workers[0]) == []


def test_one_prediction_per_browser_holds_across_workers(workers: list[Flask]) -> None:
    workers[0].test_client().post("/userSignUp")
    browser = workers[0].test_client()
    token = csrf_token(browser)
    prediction = {"exchange_id": 1, "predicted": 200}
    assert (
        browser.post("/api/predictions", json=prediction, headers={"X-CSRFToken": token}).status_code == 200
    )
    other = workers[1].test_client()
    other.set_cookie("session", browser.get_cookie("session").value)  # type: ignore[union-attr]
    assert other.post("/api/predictions", json=prediction, headers={"X-CSRFToken": token}).status_code == 409
    (row,) = other.get("/api/predictions").json
    assert row["count"] == 1 and row["right"] == 1


def test_a_live_log_on_one_worker_carries_another_workers_exchanges(workers: list[Flask]) -> None:
    workers[1].config.update(STREAM_KEEPALIVE_SECONDS=0.05, STREAM_SECONDS=5)
    response = workers[1].test_client().get("/api/stream", buffered=False)
    chunks = iter(response.response)
    assert next(chunks).startswith(b"retry:")
    workers[0].test_client().post("/userDetails", data={"lastname": "k"}, headers={"X-Playground-Tag": "far"})
    event = next(chunk for chunk in chunks if chunk.startswith(b"id: "))
    assert event.startswith(b"id: 1\n") and b'"far"' in event
    response.close()


def test_redis_holds_no_password(redis_server: RedisServer) -> None:
    prefix = f"t:{uuid.uuid4().hex}:"
    app = create_app({"SECRET_KEY": "s", "REDIS_URL": redis_server.url, "REDIS_PREFIX": prefix})
    try:
        client = app.test_client()
        client.post("/userSignUp", data="username=sam&password=hunter22", headers=FORM)
        client.post("/userSignUp", json={"username": "sam", "password": "hunter22"})
        client.post("/userSignUp?password=hunter22", headers={"Authorization": "Bearer hunter22"})
        assert len(client.get("/api/exchanges").json) == 3
    finally:
        app.extensions["store"].close()
    direct = redis_client.Redis.from_url(redis_server.url)
    entries = direct.xrange(app.extensions["store"].keys["log"])
    kept = b"".join(value for _, fields in entries for value in fields.values())
    kept += b"".join(direct.zrange(app.extensions["store"].keys["tags"], 0, -1))
    direct.close()
    assert len(entries) == 3 and b"sam" in kept and b"hunter22" not in kept


def test_without_redis_the_endpoints_answer_and_recording_resumes(tmp_path: Path) -> None:
    redis = RedisServer(tmp_path)  # not started yet: nothing listens on its port
    app = create_app({"SECRET_KEY": "s", "REDIS_URL": redis.url})
    try:
        client = app.test_client()
        answers = [client.post("/userDetails", data={"firstname": "a", "lastname": "b"}) for _ in range(5)]
        assert [(a.status_code, a.data) for a in answers] == [(201, b"Success")] * 5
        unavailable = client.get("/api/exchanges")
        assert unavailable.status_code == 503 and unavailable.headers["Retry-After"].isdigit()
        assert unavailable.json["error"].startswith("The shared log is unavailable: Redis at 127.0.0.1:")
        assert "The shared log is unavailable" in client.get("/log").get_data(as_text=True)
        assert client.get("/api/health").json["store_available"] is False
        redis.start()
        deadline = time.monotonic() + 30
        while client.get("/api/exchanges").status_code != 200:
            assert time.monotonic() < deadline, "the log never came back"
            time.sleep(0.05)
        assert [e["id"] for e in client.get("/api/exchanges").json] == [1, 2, 3, 4, 5]
    finally:
        app.extensions["store"].close()
        redis.stop()


def test_an_unavailable_redis_is_named_without_its_password() -> None:
    port = free_port()
    app = create_app({"SECRET_KEY": "s", "REDIS_URL": f"redis://:secret@127.0.0.1:{port}/0"})
    try:
        error = app.test_client().get("/api/exchanges").json["error"]
        assert f"Redis at 127.0.0.1:{port} does not answer" in error and "secret" not in error
    finally:
        app.extensions["store"].close()


def test_a_read_waits_only_for_what_was_sent_before_it(tmp_path: Path) -> None:
    """A page's read waits for the exchanges written before it (so it sees them), never for those a
    busy class writes meanwhile: waiting for an empty pipe made live logs fall ever further behind."""
    import socket as sockets

    from playground.stores.pipe import Pipe, command

    listener = sockets.create_server(("127.0.0.1", 0))
    acknowledged: list[object] = []
    pipe = Pipe(
        f"redis://127.0.0.1:{listener.getsockname()[1]}/0",
        5,
        lambda what, reply: acknowledged.append(what),
        lambda lost: None,
    )
    pipe.connect()
    redis_side, _ = listener.accept()
    try:
        assert pipe.send(command("PING"), "first")
        settled = threading.Event()
        outcome: list[bool] = []
        reader = threading.Thread(target=lambda: (outcome.append(pipe.settle(10)), settled.set()))
        reader.start()
        assert pipe.send(command("PING"), "second")  # sent after the read began: not waited for
        redis_side.sendall(b"+PONG\r\n")  # Redis answers the first only
        while not settled.is_set():
            pipe.pump(0.05)
            assert reader.is_alive() or settled.is_set()
        reader.join()
        assert outcome == [True], "the read waited for a write sent after it began"
        assert acknowledged == ["first"]
    finally:
        redis_side.close()
        pipe.close()
        listener.close()


def test_without_the_redis_client_the_app_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    for name in ("redis", "playground.stores.redis_store", "playground.stores.pipe"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setitem(sys.modules, "redis", None)  # what `import redis` finds when it is not installed
    with pytest.raises(UnsafeConfiguration, match=r"requirements-deploy\.txt"):
        create_app({"SECRET_KEY": "s", "REDIS_URL": "redis://127.0.0.1:6379/0"})

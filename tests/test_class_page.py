"""The page for making classes (``/classes/new``): off without FLASK_CLASS_KEY; with it, the right key
makes a class whose two links work, a wrong one is refused and counted per address, the key is in no
log, no page and no store, CSRF is required, and FLASK_CLASS_LIMIT holds for the page and the command.

Each test that takes `make_app` runs on the in-memory store and on a real redis-server (conftest.py).
"""

import html
import logging
import re
import runpy
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from playground import create_app
from playground.classes.page import KEY_CHARS
from playground.guards import tries as tries_module
from playground.serving.deploy import announce
from playground.stores import UnsafeConfiguration
from tests.support.csrf import csrf_token
from tests.support.redis_server import RedisServer

KEY = "school-key-0123456789-abcdefgh"
WRONG = "school-key-0123456789-abcdefgX"
STUDENT = {"REMOTE_ADDR": "10.0.0.7"}
TEACHER = {"REMOTE_ADDR": "10.0.0.8"}


def close_classes(app: Flask) -> None:
    dispatcher = app.extensions["class_dispatcher"]
    for code in dispatcher.mounted():
        dispatcher.forget(code)


@pytest.fixture
def school(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """A deployment whose page for making classes is on (FLASK_CLASS_KEY set)."""
    app = make_app({"CLASS_KEY": KEY, "CLASS_CHECK_SECONDS": 0})
    yield app
    close_classes(app)


def client_from(app: Flask, address: dict[str, str]) -> FlaskClient:
    client = app.test_client()
    client.environ_base.update(address)
    return client


def form_token(client: FlaskClient) -> str:
    page = client.get("/classes/new").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def make_class(client: FlaskClient, name: str = "Period 3", key: str = KEY) -> TestResponse:
    token = form_token(client)
    return client.post("/classes/new", data={"csrf_token": token, "name": name, "class_key": key})


def links_in(response: TestResponse) -> tuple[str, str]:
    page = response.get_data(as_text=True)
    home = html.unescape(re.search(r'id="class-link">([^<]+)<', page).group(1))
    teacher = html.unescape(re.search(r'id="teacher-link">([^<]+)<', page).group(1))
    return home, teacher


def class_names(app: Flask) -> list[str]:
    return [info.name for info in app.extensions["classes"].every()]


# -- Off -------------------------------------------------------------------------------------------


def test_without_a_class_key_the_page_says_it_is_off_and_offers_no_form(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app()
    client = app.test_client()
    response = client.get("/classes/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Making classes from a page is off on this server" in page
    assert "FLASK_CLASS_KEY" in page and "class create" in page
    assert "<form" not in page and 'name="class_key"' not in page
    # A post made anyway (with a token from another page) makes nothing.
    token = csrf_token(client, "/log")
    refused = client.post("/classes/new", data={"csrf_token": token, "name": "Period 3", "class_key": KEY})
    assert refused.status_code == 403 and "off on this server" in refused.get_data(as_text=True)
    assert class_names(app) == []


# -- The right key ---------------------------------------------------------------------------------


def test_the_right_key_makes_a_class_whose_links_work(school: Flask) -> None:
    response = make_class(client_from(school, TEACHER), "Period 3")
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    assert class_names(school) == ["Period 3"]
    (info,) = school.extensions["classes"].every()
    home, teacher = links_in(response)
    assert home == f"http://localhost/c/{info.code}/"
    assert teacher == f"{home}teacher/{info.teacher_key}"
    page = response.get_data(as_text=True)
    assert "keep it to yourself" in page and f"{home}log" in page
    # The class link answers a student; the teacher link makes a fresh browser the class's teacher.
    student = client_from(school, STUDENT)
    assert student.get(home.removeprefix("http://localhost")).status_code == 200
    student.post(f"/c/{info.code}/userSignUp", data={"username": "ann", "password": "secret99"})
    browser = client_from(school, TEACHER)
    assert browser.get(teacher.removeprefix("http://localhost")).status_code == 302
    token = csrf_token(browser, f"/c/{info.code}/log")
    assert browser.get(f"/c/{info.code}/api/exchanges").json[0]["client"] == "10.0.0.7"  # a teacher's view
    assert browser.post(f"/c/{info.code}/log/clear", headers={"X-CSRFToken": token}).status_code == 204


def test_the_links_use_the_classroom_address_when_it_is_set(make_app: Callable[..., Flask]) -> None:
    app = make_app({"CLASS_KEY": KEY, "CLASSROOM_URL": "https://school.example"})
    home, teacher = links_in(make_class(app.test_client()))
    assert home.startswith("https://school.example/c/") and teacher.startswith(f"{home}teacher/")
    close_classes(app)


def test_the_page_is_the_deployments_alone(school: Flask) -> None:
    """A class's app serves no page for making classes: only the deployment's own app does."""
    home, _teacher = links_in(make_class(school.test_client()))
    assert school.test_client().get(f"{home.removeprefix('http://localhost')}classes/new").status_code == 404


# -- A wrong key -----------------------------------------------------------------------------------


def test_a_wrong_key_is_refused_keeps_the_name_and_is_logged_without_the_key(
    school: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = make_class(client_from(school, STUDENT), "Period 5", WRONG)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "That is not the school&#39;s class-making key" in page
    assert 'value="Period 5"' in page  # the name typed is kept
    assert WRONG not in page and KEY not in page  # the key typed is not written back
    assert class_names(school) == []
    logged = [record.getMessage() for record in caplog.records]
    assert "A wrong class-making key from 10.0.0.7 at /classes/new." in logged
    assert not any(WRONG in message or KEY in message for message in logged)


def test_a_missing_name_or_key_is_a_400_naming_the_field(school: Flask) -> None:
    client = school.test_client()
    no_name = make_class(client, "   ")
    assert no_name.status_code == 400 and "Type a name for the class" in no_name.get_data(as_text=True)
    too_long = make_class(client, "x" * 81)
    assert too_long.status_code == 400 and "at most 80 characters" in too_long.get_data(as_text=True)
    no_key = make_class(client, "Period 3", "")
    assert no_key.status_code == 400 and "Type the school&#39;s class-making key" in no_key.get_data(
        as_text=True
    )
    assert class_names(school) == []
    # A wrong key with a bad name is still a wrong key, and counts as one.
    assert make_class(client, "", WRONG).status_code == 403


# -- Tries per address -----------------------------------------------------------------------------


def test_an_address_has_so_many_wrong_tries_then_even_the_right_key_is_refused(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app({"CLASS_KEY": KEY, "CLASS_KEY_TRIES": 3})
    student = client_from(app, STUDENT)
    for _ in range(3):
        assert make_class(student, "Period 3", WRONG).status_code == 403
    refused = make_class(student, "Period 3", KEY)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= tries_module.WINDOW_SECONDS
    assert "Too many wrong keys from this address: try again in 15 minutes" in refused.get_data(as_text=True)
    assert class_names(app) == []
    # Another address is not held back by this one's tries.
    assert make_class(client_from(app, TEACHER), "Period 3", KEY).status_code == 201
    close_classes(app)


def test_wrong_keys_sent_all_at_once_get_no_more_tries(make_app: Callable[..., Flask]) -> None:
    """Thirty wrong keys from one address, released together: each is counted before it is judged, so
    no more than the limit are judged at all (the rest get 429), however they interleave."""
    app = make_app({"CLASS_KEY": KEY, "CLASS_KEY_TRIES": 3})
    senders = [client_from(app, STUDENT) for _ in range(30)]
    tokens = [form_token(sender) for sender in senders]
    start = threading.Barrier(len(senders))
    statuses: list[int] = []

    def send(sender: FlaskClient, token: str) -> None:
        start.wait()
        data = {"csrf_token": token, "name": "Period 3", "class_key": WRONG}
        statuses.append(sender.post("/classes/new", data=data).status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(senders, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [403] * 3 + [429] * 27
    close_classes(app)


def test_the_tries_are_counted_across_workers_with_redis(redis_server: RedisServer) -> None:
    """Two apps on one Redis (two gunicorn workers): an address's wrong tries add up across them."""
    config = {
        "SECRET_KEY": "test",
        "REDIS_URL": redis_server.url,
        "REDIS_PREFIX": f"test:{uuid.uuid4().hex}:",
        "CLASS_KEY": KEY,
        "CLASS_KEY_TRIES": 2,
    }
    workers = [create_app(config), create_app(config)]
    try:
        assert make_class(client_from(workers[0], STUDENT), "P", WRONG).status_code == 403
        assert make_class(client_from(workers[1], STUDENT), "P", WRONG).status_code == 403
        assert make_class(client_from(workers[0], STUDENT), "P", KEY).status_code == 429
        assert make_class(client_from(workers[1], STUDENT), "P", KEY).status_code == 429
        client = redis.Redis.from_url(redis_server.url)
        key = f"{config['REDIS_PREFIX']}class-key-tries:10.0.0.7"
        assert 0 < client.pttl(key) <= tries_module.WINDOW_SECONDS * 1000  # gone when its window ends
        client.close()
    finally:
        for app in workers:
            app.extensions["store"].close()


def test_in_memory_the_tries_start_again_after_the_window_and_the_table_is_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1000.0]
    monkeypatch.setattr(tries_module.time, "monotonic", lambda: now[0])
    tries = tries_module.MemoryTries(limit=2, window=60, addresses=3)
    tries.fail("a")
    assert tries.wait("a") == 0
    tries.fail("a")
    assert tries.wait("a") == 60
    now[0] += 59
    assert tries.wait("a") == 1
    now[0] += 1
    assert tries.wait("a") == 0
    for address in ("b", "c", "d", "e"):
        tries.fail(address)
    assert len(tries._failed) == 3


# -- The key is kept nowhere -----------------------------------------------------------------------


def every_value_in_redis(url: str, prefix: str) -> str:
    client = redis.Redis.from_url(url)
    seen = []
    try:
        for key in client.scan_iter(match=f"{prefix}*", count=1000):
            kind = client.type(key).decode()
            if kind == "string":
                seen.append(client.get(key))
            elif kind == "hash":
                seen.extend(b"%s=%s" % pair for pair in client.hgetall(key).items())
            elif kind == "stream":
                seen.extend(repr(entry).encode() for entry in client.xrange(key))
            elif kind == "zset":
                seen.extend(client.zrange(key, 0, -1))
            elif kind == "list":
                seen.extend(client.lrange(key, 0, -1))
            elif kind == "set":
                seen.extend(client.smembers(key))
            seen.append(key)
    finally:
        client.close()
    return b"\n".join(seen).decode("utf-8", "replace")


def test_the_key_is_in_no_log_api_har_or_store(
    make_app: Callable[..., Flask], request: pytest.FixtureRequest
) -> None:
    app = make_app({"CLASS_KEY": KEY})
    client = client_from(app, TEACHER)
    client.post("/userDetails", data={"username": "sam"})  # the recorder is on: this one is kept
    make_class(client, "Period 3", WRONG)
    home, _teacher = links_in(make_class(client, "Period 3", KEY))
    code = home.rstrip("/").rsplit("/", 1)[1]
    shared = [
        client.get("/api/exchanges").get_data(as_text=True),
        client.get("/api/exchanges.har").get_data(as_text=True),
        client.get(f"/c/{code}/api/exchanges").get_data(as_text=True),
        client.get(f"/c/{code}/api/exchanges.har").get_data(as_text=True),
    ]
    assert [e["request"]["path"] for e in client.get("/api/exchanges").json] == ["/userDetails"]
    assert not any(KEY in text or WRONG in text for text in shared)
    if app.config.get("REDIS_URL"):
        stored = every_value_in_redis(app.config["REDIS_URL"], app.config["REDIS_PREFIX"])
        assert code in stored  # the class is there; the key is not
        assert KEY not in stored and WRONG not in stored
    close_classes(app)


# -- CSRF, and the cap -----------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_makes_nothing(school: Flask) -> None:
    response = school.test_client().post("/classes/new", data={"name": "Period 3", "class_key": KEY})
    assert response.status_code == 400 and b"CSRF" in response.data
    assert class_names(school) == []


def test_the_class_limit_holds_for_the_page(make_app: Callable[..., Flask]) -> None:
    app = make_app({"CLASS_KEY": KEY, "CLASS_LIMIT": 2})
    client = app.test_client()
    assert make_class(client, "Period 1").status_code == 201
    assert make_class(client, "Period 2").status_code == 201
    refused = make_class(client, "Period 3")
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "This deployment has 2 classes, its limit (FLASK_CLASS_LIMIT)" in page
    assert 'value="Period 3"' in page
    assert class_names(app) == ["Period 1", "Period 2"]
    # Deleting one makes room again.
    registry = app.extensions["classes"]
    registry.delete(registry.every()[0].code)
    assert make_class(client, "Period 3").status_code == 201
    close_classes(app)


def test_the_class_limit_holds_for_the_command(redis_server: RedisServer) -> None:
    app = create_app(
        {
            "SECRET_KEY": "test",
            "REDIS_URL": redis_server.url,
            "REDIS_PREFIX": f"test:{uuid.uuid4().hex}:",
            "CLASS_LIMIT": 1,
        }
    )
    try:
        runner = app.test_cli_runner()
        assert runner.invoke(args=["class", "create", "Period 1"]).exit_code == 0
        refused = runner.invoke(args=["class", "create", "Period 2"])
        assert refused.exit_code != 0 and "its limit (FLASK_CLASS_LIMIT)" in refused.output
        assert class_names(app) == ["Period 1"]
    finally:
        app.extensions["store"].close()


# -- A weak key stops the start ------------------------------------------------------------------


@pytest.mark.parametrize("key", ["period3", "x" * (KEY_CHARS - 1), 12345678901234567890])
def test_a_weak_class_key_stops_the_app_at_start(key: object) -> None:
    with pytest.raises(UnsafeConfiguration, match="FLASK_CLASS_KEY must be text of at least 16 characters"):
        create_app({"SECRET_KEY": "test", "CLASS_KEY": key})


def test_a_class_key_of_16_characters_is_taken() -> None:
    app = create_app({"SECRET_KEY": "test", "CLASS_KEY": "x" * KEY_CHARS})
    assert app.test_client().get("/classes/new").status_code == 200


def test_gunicorn_prints_where_teachers_make_classes_never_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_CLASS_KEY", KEY)
    monkeypatch.setenv("FLASK_CLASSROOM_URL", "https://school.example/")
    monkeypatch.delenv("FLASK_REDIS_URL", raising=False)
    said: list[str] = []
    announce(["127.0.0.1:8000"], said.append, 1)
    assert any("make classes at https://school.example/classes/new" in line for line in said)
    assert not any(KEY in line for line in said)


def test_gunicorn_refuses_a_weak_class_key_before_any_worker_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_CLASS_KEY", "period3")
    monkeypatch.delenv("FLASK_REDIS_URL", raising=False)
    settings = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    with pytest.raises(SystemExit, match="FLASK_CLASS_KEY must be text of at least 16 characters"):
        settings["on_starting"](None)


def test_a_try_forgiven_after_its_window_leaves_no_key_behind(redis_server: RedisServer) -> None:
    """The right key arriving just as an address's window ends: nothing is left in Redis."""
    client = redis.Redis.from_url(redis_server.url)
    prefix = f"test:{uuid.uuid4().hex}:"
    tries = tries_module.RedisTries(client, prefix, limit=3, window=60)
    tries.forgive("10.0.0.9")  # no window open: nothing to take back
    assert client.keys(f"{prefix}*") == []
    assert tries.take("10.0.0.9") == 0
    tries.forgive("10.0.0.9")
    assert int(client.get(f"{prefix}10.0.0.9")) == 0 and client.ttl(f"{prefix}10.0.0.9") > 0
    client.close()

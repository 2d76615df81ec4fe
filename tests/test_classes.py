"""Classes: codes nobody can guess, expiry, the ``flask class`` commands, and that no class sees another.

Each test that takes `make_app` runs on the in-memory store, on a real redis-server and on a real
three-node Redis Cluster (conftest.py).
"""

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from playground import create_app
from playground.classes import registry as registry_module
from playground.classes.registry import ClassInfo, is_code, new_code
from playground.stores.redis_store import hash_tag, key_prefix
from tests.support.csrf import csrf_token
from tests.support.stores import store_config
from tests.support.streams import events

pytestmark = pytest.mark.on_cluster

STUDENT = {"REMOTE_ADDR": "10.0.0.7"}


@pytest.fixture
def school(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """A deployment whose classes are checked on every request (a deleted class is gone at once)."""
    app = make_app({"CLASS_CHECK_SECONDS": 0, "STREAM_SECONDS": 1, "STREAM_KEEPALIVE_SECONDS": 0.05})
    yield app
    dispatcher = app.extensions["class_dispatcher"]
    for code in dispatcher.mounted():
        dispatcher.forget(code)


def student_of(app: Flask) -> FlaskClient:
    """A client from another address than the teacher's (the test client's 127.0.0.1)."""
    client = app.test_client()
    client.environ_base.update(STUDENT)
    return client


def two_classes(app: Flask) -> tuple[ClassInfo, ClassInfo]:
    classes = app.extensions["classes"]
    return classes.create("Period 3"), classes.create("Period 5")


def teacher_of(app: Flask, info: ClassInfo) -> FlaskClient:
    client = app.test_client()
    assert client.get(f"/c/{info.code}/teacher/{info.teacher_key}").status_code == 302
    return client


# -- Codes -------------------------------------------------------------------------------------------


def test_a_code_is_80_random_bits_in_lower_case_base32() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(re.fullmatch(r"[a-z2-7]{16}", code) for code in codes)  # 16 x 5 bits
    assert is_code(next(iter(codes)))
    for wrong in ("", "abc", "A" * 16, "a" * 15, "a" * 17, "../../../etc/pa", "aaaaaaaaaaaaaaa1"):
        assert not is_code(wrong)


# -- A wrong or expired code -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/c/aaaaaaaaaaaaaaaa/", "/c/aaaaaaaaaaaaaaaa/userDetails", "/c/nope/log", "/c/x"]
)
def test_a_code_that_names_no_class_is_a_404_page_saying_what_to_do(school: Flask, path: str) -> None:
    response = school.test_client().post(path)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "No class at this address" in page and "Ask your teacher for the class's link again" in page


def test_a_class_idle_longer_than_the_idle_time_is_gone(
    school: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    info, _other = two_classes(school)
    client = school.test_client()
    assert client.get(f"/c/{info.code}/").status_code == 200
    now = registry_module.time.time()
    later = now + school.extensions["classes"].idle_seconds + 60
    monkeypatch.setattr(registry_module.time, "time", lambda: later)
    assert client.get(f"/c/{info.code}/").status_code == 404
    assert info.code not in [found.code for found in school.extensions["classes"].every()]


def test_a_used_class_does_not_expire(school: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    info, _other = two_classes(school)
    idle = school.extensions["classes"].idle_seconds
    now = registry_module.time.time()
    monkeypatch.setattr(registry_module.time, "time", lambda: now + idle * 0.9)
    assert school.test_client().get(f"/c/{info.code}/").status_code == 200  # used: its idle time restarts
    monkeypatch.setattr(registry_module.time, "time", lambda: now + idle * 1.5)
    assert school.test_client().get(f"/c/{info.code}/").status_code == 200


# -- No class sees another ---------------------------------------------------------------------------


def test_the_deployment_at_root_is_unchanged_and_sees_no_class(school: Flask) -> None:
    a, _b = two_classes(school)
    client = school.test_client()
    client.post(f"/c/{a.code}/userSignUp", data={"username": "ann", "password": "secret99"})
    assert client.get("/api/exchanges").json == []
    client.get("/userDetails")
    assert [e["request"]["path"] for e in client.get("/api/exchanges").json] == ["/userDetails"]


def test_a_request_to_one_class_never_appears_in_another(school: Flask) -> None:
    a, b = two_classes(school)
    student = student_of(school)
    response = student.post(
        f"/c/{a.code}/userDetails", data={"username": "ann", "firstname": "A", "lastname": "B"}
    )
    at_root = student.post("/userDetails", data={"username": "ann", "firstname": "A", "lastname": "B"})
    # The tutorial's answer, the same under a class as at the root.
    assert (response.status, response.data) == (at_root.status, at_root.data)
    in_a = student.get(f"/c/{a.code}/api/exchanges").json
    assert [e["request"]["path"] for e in in_a] == [f"/c/{a.code}/userDetails"]
    assert in_a[0]["log_paths"] == ["/userDetails"]  # the live log's filter knows the tutorial's path
    assert student.get(f"/c/{b.code}/api/exchanges").json == []
    assert student.get(f"/c/{b.code}/api/exchanges.har").json["log"]["entries"] == []
    assert len(student.get(f"/c/{a.code}/api/exchanges.har").json["log"]["entries"]) == 1
    stream_b = student.get(f"/c/{b.code}/api/stream", buffered=False)
    assert events(stream_b, 1) == []  # B's stream ends (STREAM_SECONDS) with no exchange sent
    stream_b.close()
    stream_a = student.get(f"/c/{a.code}/api/stream", buffered=False)
    assert len(events(stream_a, 1)) == 1
    stream_a.close()


def test_a_teacher_of_one_class_can_do_nothing_to_another(school: Flask) -> None:
    a, b = two_classes(school)
    student = student_of(school)
    student.post(f"/c/{b.code}/userSignUp", data={"username": "bo", "password": "secret99"})
    teacher_a = teacher_of(school, a)
    # A's key is no key of B's, and A's teacher mark means nothing in B.
    assert teacher_a.get(f"/c/{b.code}/teacher/{a.teacher_key}").status_code == 404
    token = csrf_token(teacher_a, f"/c/{b.code}/log")
    headers = {"X-CSRFToken": token}
    assert teacher_a.post(f"/c/{b.code}/log/clear", headers=headers).status_code == 403
    assert teacher_a.post(f"/c/{b.code}/api/predictions/reset", headers=headers).status_code == 403
    (seen,) = teacher_a.get(f"/c/{b.code}/api/exchanges").json
    assert seen["client"] == ""  # a student's view of B: who sent it stays hidden
    assert len(student.get(f"/c/{b.code}/api/exchanges").json) == 1
    # B's own teacher can.
    teacher_b = teacher_of(school, b)
    assert teacher_b.get(f"/c/{b.code}/api/exchanges").json[0]["client"] == "10.0.0.7"
    token = csrf_token(teacher_b, f"/c/{b.code}/log")
    assert teacher_b.post(f"/c/{b.code}/log/clear", headers={"X-CSRFToken": token}).status_code == 204
    assert student.get(f"/c/{b.code}/api/exchanges").json == []


def test_a_class_session_cookie_stays_in_its_class(school: Flask) -> None:
    a, _b = two_classes(school)
    client = school.test_client()
    response = client.get(f"/c/{a.code}/teacher/{a.teacher_key}")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("class_session=") and f"Path=/c/{a.code}/" in cookie


def test_a_class_page_links_stay_in_the_class(school: Flask) -> None:
    a, _b = two_classes(school)
    page = school.test_client().get(f"/c/{a.code}/log").get_data(as_text=True)
    assert f'data-api="/c/{a.code}/api/exchanges"' in page
    assert f'data-stream="/c/{a.code}/api/stream"' in page
    lab = school.test_client().get(f"/c/{a.code}/lab").get_data(as_text=True)
    assert f'data-server-root="/c/{a.code}"' in lab


# -- Redis: a class's keys under its hash tag, deleted with it -----------------------------------------


def school_on(store: str, request: pytest.FixtureRequest) -> Iterator[tuple[Flask, str]]:
    config = store_config(store, request)
    prefix = config["REDIS_PREFIX"]
    app = create_app({"SECRET_KEY": "test", "CLASS_CHECK_SECONDS": 0, **config})
    yield app, prefix
    dispatcher = app.extensions["class_dispatcher"]
    for code in dispatcher.mounted():
        dispatcher.forget(code)
    app.extensions["store"].close()


@pytest.fixture(params=["redis", "cluster"])
def redis_school(request: pytest.FixtureRequest) -> Iterator[tuple[Flask, str]]:
    """A school's deployment on one redis-server, then on a three-node Redis Cluster."""
    yield from school_on(request.param, request)


@pytest.fixture
def cluster_school(request: pytest.FixtureRequest) -> Iterator[tuple[Flask, str]]:
    """A school's deployment on a three-node Redis Cluster."""
    yield from school_on("cluster", request)


def keys_of(app: Flask, pattern: str) -> list[str]:
    """The keys that match, on every node (the store's own client scans each node of a cluster)."""
    client = app.extensions["store"].redis
    return sorted(key.decode() for key in client.scan_iter(match=pattern, count=1000))


def test_every_key_of_a_class_carries_its_hash_tag(redis_school: tuple[Flask, str]) -> None:
    app, prefix = redis_school
    a, _b = two_classes(app)
    client = app.test_client()
    client.post(f"/c/{a.code}/userSignUp", data={"username": "ann", "password": "secret99"})
    assert len(client.get(f"/c/{a.code}/api/exchanges").json) == 1
    keys = keys_of(app, f"{prefix}*{a.code}*")
    assert f"{prefix}{{{a.code}}}:log" in keys and f"{prefix}{{{a.code}}}:class" in keys
    assert all(key.startswith(f"{prefix}{{{a.code}}}:") for key in keys)


def test_an_expired_class_is_swept_from_redis_with_its_log(
    redis_school: tuple[Flask, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, prefix = redis_school
    a, _b = two_classes(app)
    app.test_client().post(f"/c/{a.code}/userSignUp", data={"username": "ann", "password": "secret99"})
    app.extensions["class_dispatcher"].forget(a.code)  # its app lets go of its store's threads
    later = registry_module.time.time() + app.extensions["classes"].idle_seconds + 60
    monkeypatch.setattr(registry_module.time, "time", lambda: later)
    assert a.code in app.extensions["classes"].sweep()
    assert keys_of(app, f"{prefix}{{{a.code}}}:*") == []


# -- The flask class commands --------------------------------------------------------------------------


def test_class_create_prints_the_class_link_and_its_teacher_link(redis_school: tuple[Flask, str]) -> None:
    app, _prefix = redis_school
    result = app.test_cli_runner().invoke(
        args=["class", "create", "Period 3", "--url", "https://school.example"]
    )
    assert result.exit_code == 0, result.output
    code = re.search(r"code ([a-z2-7]{16})", result.output).group(1)
    assert f"Students open:  https://school.example/c/{code}/\n" in result.output
    teacher_link = re.search(r"Teacher link:\s+(\S+)", result.output).group(1)
    path = teacher_link.removeprefix("https://school.example")
    assert app.test_client().get(path).status_code == 302


def test_class_list_delete_and_clear(redis_school: tuple[Flask, str]) -> None:
    app, _prefix = redis_school
    runner = app.test_cli_runner()
    a, b = two_classes(app)
    listed = runner.invoke(args=["class", "list"]).output
    assert f"{a.code}  Period 3" in listed and f"{b.code}  Period 5" in listed
    client = app.test_client()
    client.post(f"/c/{a.code}/userSignUp", data={"username": "ann", "password": "secret99"})
    client.post(f"/c/{b.code}/userSignUp", data={"username": "bo", "password": "secret99"})
    assert runner.invoke(args=["class", "clear", a.code]).exit_code == 0
    assert client.get(f"/c/{a.code}/api/exchanges").json == []
    assert len(client.get(f"/c/{b.code}/api/exchanges").json) == 1  # only A was cleared
    assert runner.invoke(args=["class", "delete", a.code]).exit_code == 0
    assert client.get(f"/c/{a.code}/").status_code == 404
    assert client.get(f"/c/{b.code}/").status_code == 200
    assert a.code not in runner.invoke(args=["class", "list"]).output
    wrong = runner.invoke(args=["class", "delete", "aaaaaaaaaaaaaaaa"])
    assert wrong.exit_code != 0 and "No class has the code" in wrong.output


def test_class_commands_refuse_without_redis() -> None:
    app = create_app({"SECRET_KEY": "test"})
    result = app.test_cli_runner().invoke(args=["class", "create", "Period 3"])
    assert result.exit_code != 0 and "set FLASK_REDIS_URL" in result.output


def test_a_cluster_keeps_each_class_on_one_node_and_spreads_the_classes(
    cluster_school: tuple[Flask, str],
) -> None:
    """What lets a school grow past one Redis: every key of a class on one node (its scripts touch
    them together), and the classes spread over the nodes."""
    app, prefix = cluster_school
    store = app.extensions["store"]
    classes = [app.extensions["classes"].create(f"Period {n}") for n in range(12)]
    client = app.test_client()
    nodes_of_classes = set()
    for info in classes:
        client.post(f"/c/{info.code}/userSignUp", data={"username": "ann", "password": "secret99"})
        client.get(f"/c/{info.code}/teacher/{info.teacher_key}")
        keys = keys_of(app, f"{prefix}{{{info.code}}}:*")
        assert {f"{prefix}{{{info.code}}}:{name}" for name in ("log", "ids", "class")} <= set(keys)
        nodes = {store.redis.get_node_from_key(key).name for key in keys}
        assert len(nodes) == 1, f"class {info.code}'s keys are on {nodes}"
        nodes_of_classes |= nodes
    assert len(nodes_of_classes) >= 2  # twelve classes on one of three nodes: 1 in 177,147


def test_the_deployments_own_keys_share_a_hash_tag_of_their_own(redis_school: tuple[Flask, str]) -> None:
    """The class at ``/`` has keys of one slot too (its scripts touch several), apart from every class."""
    app, prefix = redis_school
    app.test_client().post("/userSignUp", data={"username": "ann", "password": "secret99"})
    keys = keys_of(app, f"{prefix}*")
    assert f"{prefix}{{main}}:log" in keys and f"{prefix}{{main}}:ids" in keys
    assert all(key.startswith(f"{prefix}{{main}}:") for key in keys)
    assert hash_tag(f"{prefix}{{main}}:log") == "main" and hash_tag("a{}b{c}") is None
    assert key_prefix(f"{prefix}{{abc}}:") == f"{prefix}{{abc}}:"


def test_a_request_cannot_move_a_class_to_another_mount(school: Flask) -> None:
    """gunicorn takes SCRIPT_NAME from a header sent from 127.0.0.1: the first request a worker gets
    for a class must not decide where the class's cookie goes for everyone after it."""
    a, _b = two_classes(school)
    poisoner = student_of(school)
    assert poisoner.get(f"/c/{a.code}/", environ_overrides={"SCRIPT_NAME": "/zz"}).status_code == 200
    answer = school.test_client().get(f"/c/{a.code}/teacher/{a.teacher_key}")
    assert answer.status_code == 302
    cookie = answer.headers["Set-Cookie"]
    assert f"Path=/c/{a.code}/" in cookie and "/zz" not in cookie


@pytest.mark.parametrize(
    "name", ["Period 3\x1b[2K\x1b[31mRED", "Period \u202e3 gnp.exe", "Bell\x07", "Zero\u200bwidth"]
)
def test_a_class_name_with_control_or_direction_marks_is_refused(school: Flask, name: str) -> None:
    with pytest.raises(ValueError, match="control characters or invisible marks"):
        school.extensions["classes"].create(name)
    assert school.extensions["classes"].create("Période 3 — Room 14").name == "Période 3 — Room 14"


@pytest.mark.parametrize("page", ["", "codes", "builder", "lab", "log"])
def test_every_page_of_a_class_names_the_class(school: Flask, page: str) -> None:
    a, _b = two_classes(school)
    shown = school.test_client().get(f"/c/{a.code}/{page}").get_data(as_text=True)
    assert "Class: <strong>Period 3</strong>" in shown and "· Period 3</title>" in shown
    assert "Period 5" not in shown
    assert "Class: <strong>" not in school.test_client().get(f"/{page}").get_data(as_text=True)


def test_a_hosted_class_on_a_loopback_address_is_told_to_set_its_classroom_url(
    redis_school: tuple[Flask, str],
) -> None:
    """gunicorn on 127.0.0.1 with Redis: `make serve` would lose the class, FLASK_CLASSROOM_URL won't."""
    app, _prefix = redis_school
    a, _b = two_classes(app)
    page = teacher_of(app, a).get(f"/c/{a.code}/log").get_data(as_text=True)
    assert "Only this computer can open" in page and "FLASK_CLASSROOM_URL" in page
    assert "make serve" not in page

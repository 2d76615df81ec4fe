"""A school's deployment with two classes, for real: gunicorn with four workers, on one redis-server
and then on a three-node Redis Cluster, classes made with ``flask class create`` as docs/HOSTING.md
says. Three students per class send the tutorial's requests from addresses of their own
(127.0.1.x for period 3, 127.0.2.x for period 5: a laptop each), and each class's pages, API,
stream and HAR hold only its own; a teacher of one class can do nothing to the other; Clear and
Reset reach a student's open page; the class view fits a projector.
"""

import http.client
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.redis_server import RedisCluster, RedisServer

from .deployment import ROOT, Deployment
from .projector import PROJECTOR_SIZES, assert_newest_first_in_large_type
from .teacher_actions import clear_and_reset_reach_a_student, entries, teacher_post

STUDENTS = 3


@pytest.fixture(scope="module", params=["redis", "cluster"])
def school(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """gunicorn -w 4 on one redis-server, then on a three-node Redis Cluster."""
    directory = Path(tmp_path_factory.mktemp(f"school-{request.param}"))
    # The address students are given, as behind the school's proxy (docs/HOSTING.md).
    settings = {"FLASK_CLASSROOM_URL": "https://school.example/"}
    if request.param == "cluster":
        store: RedisServer | RedisCluster = RedisCluster(directory).start()
        settings["FLASK_REDIS_CLUSTER"] = "1"
    else:
        store = RedisServer(directory).start()
    deployment = Deployment(store, settings=settings).start()  # type: ignore[arg-type]
    yield deployment
    deployment.stop()
    store.stop()


@dataclass(frozen=True)
class Class:
    name: str
    url: str
    """What its students open: ``<deployment>/c/<code>/``."""
    teacher_link: str
    addresses: tuple[str, ...]
    """Its students' laptops."""

    @property
    def path(self) -> str:
        return urlsplit(self.url).path


def create_class(school: Deployment, name: str, subnet: int) -> Class:
    """``flask --app playground class create NAME``, run as the school's operator runs it."""
    env = {**os.environ, "FLASK_REDIS_URL": school.redis.url, "FLASK_SECRET_KEY": school.secret_key}
    env.update({key: value for key, value in school.settings.items()})
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "playground", "class", "create", name, "--url", school.url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    url = re.search(r"Students open:\s+(\S+)", done.stdout).group(1)  # type: ignore[union-attr]
    teacher_link = re.search(r"Teacher link:\s+(\S+)", done.stdout).group(1)  # type: ignore[union-attr]
    addresses = tuple(f"127.0.{subnet}.{n}" for n in range(1, STUDENTS + 1))
    return Class(name, url, teacher_link, addresses)


@pytest.fixture
def classes(school: Deployment) -> tuple[Class, Class]:
    return create_class(school, "Period 3", 1), create_class(school, "Period 5", 2)


def send_from(school: Deployment, address: str, path: str, body: str) -> int:
    """A student's laptop sends the tutorial's form, as curl does, from its own address."""
    connection = http.client.HTTPConnection("127.0.0.1", school.port, timeout=30, source_address=(address, 0))
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def every_student_sends(school: Deployment, klass: Class) -> list[str]:
    """Each student of the class sends User details once; the names they typed."""
    names = []
    for n, address in enumerate(klass.addresses, 1):
        name = f"{klass.name.split()[-1]}-student-{n}"
        body = f"username={name}&firstname=Ann&lastname=Lee"
        assert send_from(school, address, f"{klass.path}userDetails", body) == 201
        names.append(name)
    return names


def teacher_of(browser: Browser, klass: Class, **options: object) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=klass.url, **options)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(klass.teacher_link)  # the teacher link leads to the class's live log
    expect(page).to_have_url(f"{klass.url}log")
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    return context, page


def get_json(page: Page, path: str) -> object:
    answer = page.request.get(path)
    assert answer.status == 200, f"{path}: {answer.status}"
    return json.loads(answer.text())


def test_each_class_sees_only_its_own_exchanges(
    school: Deployment, classes: tuple[Class, Class], browser: Browser
) -> None:
    a, b = classes
    opened: list[BrowserContext] = []
    try:
        teachers, students = {}, {}
        for klass in classes:
            context, teachers[klass.name] = teacher_of(browser, klass)
            opened.append(context)
            student_context = browser.new_context(base_url=klass.url)
            opened.append(student_context)
            students[klass.name] = student_context.new_page()
            students[klass.name].goto("log")
            expect(students[klass.name].get_by_role("status").filter(has_text="Live")).to_be_visible()

        sent = {klass.name: every_student_sends(school, klass) for klass in classes}

        for klass, other in ((a, b), (b, a)):
            # The live logs, the class's stream on the page: its three exchanges, none of the other's.
            for page in (teachers[klass.name], students[klass.name]):
                expect(entries(page)).to_have_count(STUDENTS)
                for name in sent[other.name]:
                    expect(page.get_by_role("log")).not_to_contain_text(name)
            # The API, as the class's teacher reads it: its students' names and addresses only.
            listed = get_json(teachers[klass.name], "api/exchanges")
            assert isinstance(listed, list)
            bodies = [json.dumps(entry["request"]) for entry in listed]
            assert [sum(name in body for body in bodies) for name in sent[klass.name]] == [1] * STUDENTS
            assert sorted(entry["client"] for entry in listed) == sorted(klass.addresses)
            # The HAR export: the same three.
            har = get_json(teachers[klass.name], "api/exchanges.har")
            assert isinstance(har, dict)
            posted = [entry["request"]["postData"]["text"] for entry in har["log"]["entries"]]
            assert len(posted) == STUDENTS
            assert all(any(name in text for name in sent[klass.name]) for text in posted)
        # The deployment's own class at / saw none of them.
        root = json.loads(teachers[a.name].request.get(f"{school.url}/api/exchanges").text())
        assert not any(name in json.dumps(root) for names in sent.values() for name in names)
    finally:
        for context in opened:
            context.close()


def test_a_teacher_of_one_class_can_do_nothing_to_the_other(
    school: Deployment, classes: tuple[Class, Class], browser: Browser
) -> None:
    a, b = classes
    every_student_sends(school, b)
    context, teacher_a = teacher_of(browser, a)
    try:
        # A's key is no key in B, and A's session carries nothing into B.
        key_a = a.teacher_link.rsplit("/", 1)[1]
        assert teacher_a.request.get(f"{b.url}teacher/{key_a}", max_redirects=0).status == 404
        assert teacher_post(teacher_a, f"{b.url}log/clear") != 204
        assert teacher_post(teacher_a, f"{b.url}api/predictions/reset") != 204
        # B's log is whole, and A's teacher reads it as a stranger would: no address, no fingerprint.
        listed = get_json(teacher_a, f"{b.url}api/exchanges")
        assert isinstance(listed, list) and len(listed) == STUDENTS
        assert all(entry.get("client") in (None, "") for entry in listed)
        # While A's own teacher actions work in A.
        assert teacher_post(teacher_a, "log/clear") == 204
    finally:
        context.close()


def test_clear_and_reset_reach_a_student_of_the_class_and_no_other(
    school: Deployment, classes: tuple[Class, Class], browser: Browser
) -> None:
    a, b = classes
    every_student_sends(school, b)
    clear_and_reset_reach_a_student(browser, a.url, a.teacher_link.rsplit("/", 1)[1])
    context, teacher_b = teacher_of(browser, b)
    try:
        expect(entries(teacher_b)).to_have_count(STUDENTS)  # A's Clear left B's log alone
    finally:
        context.close()


@pytest.mark.parametrize("size", PROJECTOR_SIZES)
def test_the_class_view_on_a_projector_puts_the_newest_exchanges_first(
    school: Deployment,
    classes: tuple[Class, Class],
    browser: Browser,
    size: str,
    request: pytest.FixtureRequest,
) -> None:
    a, _b = classes
    width, height = PROJECTOR_SIZES[size]
    context = browser.new_context(base_url=a.url, viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto("?projector=1")  # remembered by the browser
        page.goto(a.teacher_link)
        expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
        names = every_student_sends(school, a) + every_student_sends(school, a)
        expect(entries(page)).to_have_count(len(names))
        expect(entries(page).first).to_contain_text("/userDetails")
        join = page.get_by_role("region", name="Join the class")
        expect(join.get_by_role("button", name="Show the QR code")).to_be_visible()  # folded: joined
        assert_newest_first_in_large_type(page, entries(page))
        target = os.environ.get("PLAYGROUND_SCREENSHOTS")
        if target and request.node.callspec.params.get("school") == "cluster":
            Path(target).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=Path(target) / f"log-school-{size}.png")
    finally:
        context.close()

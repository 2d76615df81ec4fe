"""The home page end to end: real forms, real requests, the raw answer on the page."""

import re

import pytest
from playwright.sync_api import Page, expect

from .pages import HomePage

TUPLE_AND_MAKE_RESPONSE = [("tuple", "Success"), ("make_response", "<h1>Success</h1>")]


@pytest.fixture
def playground(home: Page) -> HomePage:
    return HomePage(home)


def allow_header(*methods: str) -> re.Pattern[str]:
    # Werkzeug builds Allow from a set: its order changes from one process to the next.
    each = "".join(rf"(?=[A-Z, ]*\b{method}\b)" for method in methods)
    return re.compile(rf"allow: {each}[A-Z]+(?:, [A-Z]+){{{len(methods) - 1}}}(?![,A-Z])")


def status_line(code: int) -> re.Pattern[str]:
    # The reason phrase is shown as received: its case depends on the Werkzeug version.
    return re.compile(rf"\b{code} [A-Za-z]")


@pytest.mark.parametrize(("style", "body"), TUPLE_AND_MAKE_RESPONSE)
def test_user_details_answers_201_with_the_body_as_text(playground: HomePage, style: str, body: str) -> None:
    playground.user_details.fill(username="sam", firstname="john", lastname="king").choose(style=style).send()
    expect(playground.response).to_contain_text(status_line(201))
    expect(playground.response).to_contain_text("content-type: text/html; charset=utf-8")
    expect(playground.response).to_contain_text(f"content-length: {len(body)}")
    expect(playground.response.get_by_text(body, exact=True)).to_be_visible()
    # An HTML body is shown as its source: no heading was rendered into the page.
    expect(playground.response.get_by_role("heading", name="Success")).to_have_count(0)


@pytest.mark.parametrize(("style", "cors"), [("tuple", True), ("make_response", False)])
def test_sign_up_answers_200_and_the_tuple_adds_its_header(
    playground: HomePage, style: str, cors: bool
) -> None:
    playground.sign_up.fill(username="sam", password="s3cret!").choose(style=style).send()
    expect(playground.response).to_contain_text(status_line(200))
    header = playground.response.get_by_text("access-control-allow-origin: *")
    expect(header).to_have_count(1 if cors else 0)


@pytest.mark.parametrize("style", ["tuple", "make_response"])
def test_a_missing_lastname_is_a_400_but_an_empty_one_is_not(playground: HomePage, style: str) -> None:
    form = playground.user_details.fill(username="sam", firstname="john", lastname="").choose(style=style)
    form.send()
    expect(playground.response).to_contain_text(status_line(201))
    expect(playground.request).to_contain_text("lastname=")

    form.leave_out("lastname")
    expect(form.send_toggle("lastname")).not_to_be_checked()
    form.send()
    expect(playground.response).to_contain_text(status_line(400))
    expect(playground.request).not_to_contain_text("lastname")


@pytest.mark.parametrize("style", ["tuple", "make_response"])
def test_get_on_user_details_is_a_500_and_on_sign_up_a_405(playground: HomePage, style: str) -> None:
    playground.user_details.choose("GET", style=style).send()
    expect(playground.response).to_contain_text(status_line(500))
    playground.sign_up.choose("GET", style=style).send()
    expect(playground.response).to_contain_text(status_line(405))
    expect(playground.response).to_contain_text(allow_header("OPTIONS", "POST"))


@pytest.mark.parametrize(
    ("method", "code"),
    [("PUT", 405), ("PATCH", 405), ("DELETE", 405), ("OPTIONS", 200)],
)
def test_other_methods_are_refused_except_options(playground: HomePage, method: str, code: int) -> None:
    playground.user_details.fill(username="a", firstname="b", lastname="c").choose(method).send()
    expect(playground.response).to_contain_text(status_line(code))
    expect(playground.response).to_contain_text(allow_header("GET", "HEAD", "OPTIONS", "POST"))


def test_head_shows_the_headers_and_no_body(playground: HomePage) -> None:
    playground.user_details.choose("HEAD").send()
    expect(playground.response).to_contain_text(status_line(500))
    expect(playground.response).to_contain_text("(empty body)")
    expect(playground.request).to_contain_text("curl -I")


@pytest.mark.parametrize(
    ("encoding", "code", "sent"),
    [
        ("application/x-www-form-urlencoded", 201, "username=sam&firstname=john&lastname=king"),
        ("multipart/form-data", 201, 'Content-Disposition: form-data; name="lastname"'),
        ("application/json", 400, '{"username":"sam","firstname":"john","lastname":"king"}'),
    ],
)
def test_each_encoding_reaches_request_form_or_not(
    playground: HomePage, encoding: str, code: int, sent: str
) -> None:
    playground.user_details.fill(username="sam", firstname="john", lastname="king").choose(
        encoding=encoding
    ).send()
    expect(playground.response).to_contain_text(status_line(code))
    expect(playground.request).to_contain_text(sent)
    expect(playground.request).to_contain_text(f"Content-Type: {encoding}")


def test_the_request_region_shows_the_tutorials_curl_command(playground: HomePage, live_server: str) -> None:
    playground.user_details.fill(username="sam", firstname="john", lastname="king").send()
    expect(playground.request).to_contain_text(
        f'curl -i -X POST {live_server}/userDetails -H "Content-Type: application/x-www-form-urlencoded"'
        ' -d "username=sam&firstname=john&lastname=king"'
    )


def test_the_curl_command_is_copied(playground: HomePage, page: Page) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    playground.sign_up.fill(username="sam", password="pw").send()
    playground.request.get_by_role("button", name="Copy curl command").click()
    expect(playground.request.get_by_role("status")).to_have_text("Copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("curl -i -X POST ") and "password=pw" in copied


def test_status_and_measures_are_shown(playground: HomePage) -> None:
    playground.sign_up.fill(username="sam", password="pw").send()
    expect(playground.response).to_contain_text("HTTP/1.1")
    expect(playground.response).to_contain_text(re.compile(r"\d+\.\d ms"))
    expect(playground.response).to_contain_text("7 bytes of body")
    expect(playground.response).to_contain_text("2xx Success")


def test_hostile_input_stays_text(playground: HomePage, page: Page) -> None:
    payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    playground.user_details.fill(username=payload, firstname=payload, lastname=payload).send()
    expect(playground.response).to_contain_text(status_line(201))
    expect(playground.request).to_contain_text("%3Cimg")
    playground.user_details.choose(encoding="application/json").send()
    expect(playground.request).to_contain_text(payload.replace('"', '\\"'))
    assert page.evaluate("window.__pwned") is None
    expect(page.locator("img")).to_have_count(0)


def test_send_toggles_answer_to_the_keyboard(playground: HomePage, page: Page) -> None:
    toggle = playground.user_details.send_toggle("firstname")
    toggle.focus()
    page.keyboard.press("Space")
    expect(toggle).not_to_be_checked()
    page.keyboard.press("Enter")
    expect(toggle).to_be_checked()


def test_a_send_makes_the_endpoints_request_and_one_read(home: Page) -> None:
    """One Send: the endpoint's request, then one read of the server's record that carries all the page
    shows (the explanation, the view's highlighted source), never a read per exchange after it."""
    playground = HomePage(home)
    expect(home.get_by_role("region", name="Why this status")).to_contain_text("user_details")  # the view
    sent: list[str] = []
    home.on("request", lambda request: sent.append(request.url))
    playground.user_details.fill(username="sam", firstname="john", lastname="king").send()
    explanation = home.get_by_role("region", name="Why this status")
    expect(explanation).to_contain_text('return "Success", 201')
    expect(explanation.locator('[data-part="source"]')).to_contain_text("def user_details")
    paths = [url.split("//", 1)[1].split("/", 1)[1] for url in sent]
    assert paths[0] == "userDetails", paths
    assert len(paths) == 2 and paths[1].startswith("api/exchanges?tag="), paths

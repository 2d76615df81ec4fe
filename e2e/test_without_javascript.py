"""Without JavaScript each form still posts straight to its endpoint; the browser shows the body."""

import pytest
from playwright.sync_api import Browser, expect


@pytest.mark.parametrize(
    ("form_name", "values", "body"),
    [
        ("Sign up", {"username": "sam", "password": "pw"}, "Success"),
        ("User details", {"username": "sam", "firstname": "john", "lastname": "king"}, "Success"),
    ],
)
def test_a_form_posts_to_the_tuple_endpoint(
    browser: Browser, base_url: str, form_name: str, values: dict[str, str], body: str
) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    form = page.get_by_role("form", name=form_name)
    for key, value in values.items():
        form.get_by_label(key, exact=True).fill(value)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        form.get_by_role("button", name="Send").click()
    assert answer.value.status in (200, 201)
    assert answer.value.request.post_data == "&".join(f"{k}={v}" for k, v in values.items())
    expect(page.locator("body")).to_have_text(body)
    context.close()

"""The learner's code, as the code lab's tests write it: the tutorial's first listing, one with a view's
body replaced, a shared lab link made as the page makes one, and a Send of some code."""

import base64
import zlib

from playwright.sync_api import Page, expect

from playground.lab.listings import listing_code

LOADING = 60_000
TUTORIAL = listing_code("tuple")


def link_for(code: str) -> str:
    """A shared lab link, made as the page makes one: raw deflate, then base64url."""
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = squeezer.compress(code.encode()) + squeezer.flush()
    return "/lab#code=" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def with_view(body: str, imports: str = "", setup: str = "") -> str:
    """The tutorial's first listing with user_details()'s body replaced by ``body``."""
    code = TUTORIAL.replace("from flask import", f"{imports}\nfrom flask import", 1)
    decorator = code.index('@app.route("/userDetails"')
    start = code.index("def user_details():")
    end = code.index("\n\n", start)
    indented = "\n".join(f"    {line}" for line in body.strip().splitlines())
    return f"{code[:decorator]}{setup}{code[decorator:start]}def user_details():\n{indented}{code[end:]}"


def run(page: Page, code: str, *, expected: str) -> None:
    """Put the code in the editor, send the User details form, and wait for the Response to show it."""
    page.get_by_role("textbox", name="Code").fill(code)
    form = page.get_by_role("form", name="User details")
    for key, value in (("username", "sam"), ("firstname", "john"), ("lastname", "king")):
        form.get_by_label(key, exact=True).fill(value)
    form.get_by_role("button", name="Send").click()
    expect(page.get_by_role("region", name="Response")).to_contain_text(expected, timeout=LOADING)

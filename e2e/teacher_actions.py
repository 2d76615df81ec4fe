"""The teacher's Clear and Reset, seen from a student's open live log: the one scenario, run on the
laptop's server (tests in test_classroom.py) and on gunicorn -w 4 with Redis (test_deployment.py).

The teacher and the student are two browser contexts (two browsers, as in a class): what reaches
the student came on the student's own stream, from whichever worker serves it.
"""

import json
import urllib.request
from urllib.parse import urljoin

from playwright.sync_api import Browser, Page, expect

NO_PREDICTIONS = "No predictions yet"


def entries(page: Page):
    return page.get_by_role("log").get_by_role("listitem")


def post_form(base_url: str, path: str, body: str) -> None:
    """A request from outside any browser, as curl sends it (`path` within the class at `base_url`)."""
    url = urljoin(base_url.rstrip("/") + "/", path.lstrip("/"))
    request = urllib.request.Request(url, data=body.encode(), method="POST")
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError as answer:  # the tutorial's 4xx and 5xx are answers too
        answer.close()


def predict_newest(page: Page, predicted: int) -> int:
    """The learner predicts the newest exchange from their page, as Predict first does; its status."""
    return page.evaluate(
        """async (predicted) => {
          const [newest] = await (await fetch("api/exchanges?limit=1")).json();
          const token = document.querySelector('meta[name="csrf-token"]').content;
          const answer = await fetch("api/predictions", {
            method: "POST",
            headers: {"Content-Type": "application/json", "X-CSRFToken": token},
            body: JSON.stringify({exchange_id: newest.id, predicted}),
          });
          return answer.status;
        }""",
        predicted,
    )


def teacher_post(page: Page, path: str) -> int:
    """A POST with the page's CSRF token, as the page's own buttons send it; its status."""
    return page.evaluate(
        """async (path) => {
          const token = document.querySelector('meta[name="csrf-token"]').content;
          return (await fetch(path, {method: "POST", headers: {"X-CSRFToken": token}})).status;
        }""",
        path,
    )


def clear_and_reset_reach_a_student(browser: Browser, base_url: str, teacher_key: str) -> None:
    """Reset empties a student's open tally, Clear (asked once) empties their log; nothing comes back.

    `base_url`: the class's address (the server's root, or a school's ``.../c/<code>/``).
    """
    base_url = base_url.rstrip("/") + "/"
    teacher_context = browser.new_context(base_url=base_url)
    student_context = browser.new_context(base_url=base_url)
    try:
        teacher = teacher_context.new_page()
        teacher.goto(f"teacher/{teacher_key}")
        student = student_context.new_page()
        student.goto("log")
        for page in (teacher, student):
            expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
        # A tally without earlier tests' votes (it counts each address once per request shape).
        assert teacher_post(teacher, "api/predictions/reset") == 204

        post_form(base_url, "/userSignUp", "username=before&password=pw")
        expect(entries(student).filter(has_text="/userSignUp").first).to_be_visible()
        assert predict_newest(student, 200) == 200
        tally = student.get_by_role("table")
        expect(tally).to_contain_text("1 of 1", timeout=10_000)

        # Reset the predictions: the student's open table empties, and stays empty after a reload.
        teacher.get_by_role("button", name="Reset the predictions").click()
        expect(tally).to_contain_text(NO_PREDICTIONS)
        expect(teacher.get_by_role("table")).to_contain_text(NO_PREDICTIONS)
        assert json.loads(student.request.get("api/predictions").text()) == []
        student.reload()
        expect(student.get_by_role("table")).to_contain_text(NO_PREDICTIONS)
        expect(student.get_by_role("status").filter(has_text="Live")).to_be_visible()

        # Clear asks first: dismissed, nothing is cleared; accepted, every open log empties.
        asked: list[str] = []
        clears: list[str] = []
        teacher.on("request", lambda r: clears.append(r.url) if r.url.endswith("/log/clear") else None)

        def answer(accept: bool):
            def handle(dialog) -> None:
                asked.append(dialog.message)
                dialog.accept() if accept else dialog.dismiss()

            return handle

        teacher.once("dialog", answer(False))
        teacher.get_by_role("button", name="Clear the log").click()
        expect(entries(student)).not_to_have_count(0)
        teacher.once("dialog", answer(True))
        with teacher.expect_response(lambda r: r.url.endswith("/log/clear")) as cleared:
            teacher.get_by_role("button", name="Clear the log").click()
        assert cleared.value.status == 204
        assert len(asked) == 2 and "whole class" in asked[0]
        expect(entries(student)).to_have_count(0)
        expect(entries(teacher)).to_have_count(0)

        # What comes next arrives alone: nothing cleared comes back, on the open page or a new one.
        post_form(base_url, "/userDetails", "firstname=after&lastname=clear")
        for page in (student, teacher):
            expect(entries(page).first).to_contain_text("/userDetails")
            expect(entries(page)).to_have_count(1)
        student.reload()
        expect(entries(student).first).to_contain_text("/userDetails")
        expect(entries(student)).to_have_count(1)
        assert clears == [cleared.value.url], "the dismissed Clear sent a request"
    finally:
        teacher_context.close()
        student_context.close()

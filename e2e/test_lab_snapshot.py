"""The code lab's later visit, in Chromium: it starts from the snapshot of a ready Python that the first
visit kept (static/js/pages/lab.js, static/js/workers/lab-worker.js), a snapshot no learner's code
ever ran in, and one that is damaged or from another release is set aside for a fresh start.

The page says how its Python started in ``data-python-start`` ("fresh", "snapshot", or "fresh: "
and why a stored snapshot was set aside), and ``data-snapshot``: "storing" while it keeps one,
"stored" once it has.
docs/SECURITY.md ("The code lab") lists these tests beside the guarantees."""

import re

import pytest
from playwright.sync_api import Page, expect

from .lab_code import TUTORIAL, run, with_view

LOADING = 60_000

# Code that tries to make a snapshot of the Python it runs in.
SNAPSHOT = with_view(
    """
import pyodide_js
try:
    pyodide_js.makeMemorySnapshot()
    return "made a snapshot", 201
except Exception as error:
    return "no snapshot: " + str(error), 201
"""
)
# Code that leaves a mark in the Python it runs in, and code that says whether the mark is there.
PLANT = with_view(
    """
import builtins, flask
builtins.planted = flask.planted = "by the learner's code"
return "planted", 201
"""
)
LOOK = with_view(
    """
import builtins, flask
return "marked" if hasattr(builtins, "planted") or hasattr(flask, "planted") else "unmarked", 201
"""
)

# Damage the one stored snapshot as a broken disk, a bug or an older release would.
DAMAGE = """async (damage) => {
  const cache = await caches.open("lab-python-snapshots");
  const [request] = await cache.keys();
  const response = await cache.match(request);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const sha256 = async (b) => Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", b)),
    (x) => x.toString(16).padStart(2, "0")).join("");
  let key = request.url;
  let body = bytes;
  let digest = response.headers.get("X-Snapshot-SHA256");
  if (damage === "flipped") {
    // Python's memory damaged in the middle: the header intact, the digest the one stored.
    const middle = Math.floor(bytes.length / 2);
    for (let i = middle; i < middle + 4096; i += 1) bytes[i] ^= 0xff;
  } else if (damage === "refused") {
    // Not a snapshot at all, with a digest that matches it: Python itself must refuse it.
    body = crypto.getRandomValues(new Uint8Array(65536));
    digest = await sha256(body);
  } else if (damage === "stale") {
    // A good snapshot, kept under another release's key.
    key = request.url.replace(/[0-9a-f]{64}$/, "0".repeat(64));
  }
  await cache.delete(request);
  await cache.put(key, new Response(body, { headers: { "X-Snapshot-SHA256": digest } }));
}"""
KEPT = """async () => (await (await caches.open("lab-python-snapshots")).keys()).map((r) => r.url)"""


def layout(page: Page):
    return page.locator("[data-lab-config]")


def open_lab(page: Page, start: str | re.Pattern[str]) -> None:
    """Open the lab, wait for Python, and check how it started."""
    page.goto("/lab")
    expect(page.get_by_role("status").filter(has_text="Python is ready")).to_be_visible(timeout=LOADING)
    expect(layout(page)).to_have_attribute("data-python-start", start)


def first_visit(page: Page) -> None:
    """A first visit in a fresh profile: Python starts fresh, and the page keeps its snapshot."""
    open_lab(page, "fresh")
    expect(layout(page)).to_have_attribute("data-snapshot", "stored", timeout=LOADING)


def test_a_later_visit_starts_from_the_snapshot_the_first_one_kept(page: Page) -> None:
    first_visit(page)
    open_lab(page, "snapshot")
    expect(page.locator("[data-highlight]")).to_have_attribute("data-highlighted", "coloured")
    run(page, TUTORIAL.replace('return "Success", 201', 'return "Success", 202'), expected="202")


def test_no_learners_code_runs_in_a_python_that_can_make_a_snapshot(page: Page) -> None:
    first_visit(page)  # its Python was restored from the snapshot its maker made
    run(page, SNAPSHOT, expected="no snapshot: Error: Can only use pyodide.makeMemorySnapshot if the")
    open_lab(page, "snapshot")
    run(page, SNAPSHOT, expected="no snapshot: Error: Can only use pyodide.makeMemorySnapshot if the")


def test_what_a_learners_code_leaves_in_its_python_never_reaches_a_later_visit(page: Page) -> None:
    first_visit(page)
    run(page, PLANT, expected="planted")
    run(page, PLANT, expected="planted")  # time for a snapshot offered after an answer to arrive
    # Whatever snapshot the page took meanwhile, it has kept once it says "stored".
    expect(layout(page)).to_have_attribute("data-snapshot", "stored", timeout=LOADING)
    open_lab(page, "snapshot")
    run(page, LOOK, expected="unmarked")


@pytest.mark.parametrize(
    ("damage", "start"),
    [
        ("flipped", "fresh: the stored snapshot did not match its digest"),
        ("refused", re.compile(r"^fresh: Python refused the stored snapshot \(.+\)$")),
        ("stale", "fresh"),
    ],
    ids=["flipped", "refused", "stale"],
)
def test_a_damaged_or_stale_snapshot_is_set_aside_and_python_starts_fresh(
    page: Page, damage: str, start: str | re.Pattern[str]
) -> None:
    first_visit(page)
    kept = page.evaluate(KEPT)
    page.evaluate(DAMAGE, damage)
    open_lab(page, start)
    run(page, TUTORIAL.replace('return "Success", 201', 'return "Success", 202'), expected="202")
    # The fresh start keeps its own snapshot in place of the damaged or stale one, and the next visit
    # starts from it.
    expect(layout(page)).to_have_attribute("data-snapshot", "stored", timeout=LOADING)
    assert page.evaluate(KEPT) == kept
    open_lab(page, "snapshot")

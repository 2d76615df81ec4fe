"""Every answer's explanation carries its HTTP rules: the API's (home, /codes, /builder, /log) and the lab's.

rules.py is tested rule by rule in test_http_rules.py; here, that what the pages read (the
explanation of each exchange) holds the review of that exchange, beside the line that decided it.
"""

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from playground import create_app
from playground.lab import PACKAGE, PYTHON_SOURCES
from playground.lab.listings import listing_code
from playground.lab.runtime import run

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
NONE_BROKEN = "This answer breaks none of the HTTP rules checked here."


@pytest.fixture
def playground() -> Iterator[FlaskClient]:
    app = create_app({"SECRET_KEY": "test"})
    yield app.test_client()
    app.extensions["store"].close()


def explanation(client: FlaskClient) -> dict[str, Any]:
    return client.get("/api/exchanges").json[-1]["explanation"]


def broken(rules: dict[str, Any]) -> list[tuple[str, str]]:
    return [(finding["id"], finding["strength"]) for finding in rules["broken"]]


def test_the_tutorials_201_is_explained_as_breaking_nothing_with_the_note(playground: FlaskClient) -> None:
    playground.post("/userDetails", data="username=sam&firstname=john&lastname=king", headers=FORM)
    rules = explanation(playground)["rules"]
    assert rules["summary"] == NONE_BROKEN
    assert (rules["broken"], rules["advice"]) == ([], [])
    assert [note["id"] for note in rules["notes"]] == ["201-target-uri"]
    assert rules["notes"][0]["url"] == "https://www.rfc-editor.org/rfc/rfc9110#section-15.3.2"


def test_a_401_without_a_challenge_is_explained_with_the_must_and_its_deciding_line(
    playground: FlaskClient,
) -> None:
    playground.get("/respond/abort", query_string={"status": "401"})
    found = explanation(playground)
    assert broken(found["rules"]) == [("401-www-authenticate", "MUST")]
    assert found["source_line"] == "abort(401)"  # the builder's code: the line the page marks
    assert found["rules"]["summary"] == "This answer breaks 1 HTTP rule."


def test_a_302_built_without_location_breaks_the_should(playground: FlaskClient) -> None:
    playground.get("/respond/tuple3", query_string={"status": "302", "body": "moved"})
    assert broken(explanation(playground)["rules"]) == [("302-location", "SHOULD")]


@pytest.mark.parametrize(("code", "expected"), [(206, [("206-content-range", "MUST")]), (204, [])])
def test_the_catalogues_try_is_explained_with_its_rules(
    playground: FlaskClient, code: int, expected: list[tuple[str, str]]
) -> None:
    playground.get(f"/status/{code}")
    assert broken(explanation(playground)["rules"]) == expected


def test_the_log_and_the_detail_carry_the_same_rules(playground: FlaskClient) -> None:
    playground.get("/respond/abort", query_string={"status": "401"})
    entry = playground.get("/api/exchanges").json[-1]
    detail = playground.get(f"/api/exchanges/{entry['id']}").json
    assert detail["explanation"]["rules"] == entry["explanation"]["rules"]


def test_the_labs_answer_carries_the_rules_of_the_learners_code() -> None:
    code = listing_code("tuple").replace('return "Success", 201', 'return "Use POST", 405')
    answer = run(
        code,
        {"path": "/userDetails", "method": "POST", "headers": list(FORM.items()), "body": "lastname=king"},
    )
    assert answer["status"] == 405
    assert broken(answer["explanation"]["rules"]) == [("405-allow", "MUST")]
    assert answer["explanation"]["source_line"] == 'return "Use POST", 405'


def _imported_modules(path: Path) -> set[str]:
    """The playground files a lab source needs (relative imports, anywhere in the file): a submodule
    it imports by name, or the module or package ``__init__.py`` a name comes from. (The lab makes
    an empty ``__init__.py`` for a folder whose own it does not load.)"""
    package = path.parent.relative_to(PACKAGE).parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - node.level + 1])
            module = "/".join([*base, *(node.module.split(".") if node.module else [])])
            for alias in node.names:
                if (PACKAGE / f"{module}/{alias.name}.py").is_file():
                    found.add(f"{module}/{alias.name}.py")
                elif (PACKAGE / f"{module}.py").is_file():
                    found.add(f"{module}.py")
                else:
                    found.add(f"{module}/__init__.py")
    return found


NEVER_IMPORTED_IN_THE_LAB = {"stores/redis_store.py"}
"""Imported inside a function the lab never calls (the store for FLASK_REDIS_URL)."""


def test_the_lab_loads_every_playground_module_its_python_imports() -> None:
    # The explainer imports rules.py: without it in PYTHON_SOURCES, the lab's Python fails to start.
    needed = set().union(*(_imported_modules(PACKAGE / name) for name in PYTHON_SOURCES))
    assert needed - set(PYTHON_SOURCES) - NEVER_IMPORTED_IN_THE_LAB == set()

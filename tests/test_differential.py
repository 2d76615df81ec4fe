"""The playground's endpoints answer exactly as the tutorial's listings, for every request in a matrix.

The listings are kept verbatim under playground/lab/listings; each request is sent to the tutorial's bare
app and to the playground, and the status line, the headers and the body must be the same.
"""

import pytest
from flask import Flask
from werkzeug.test import Client

from playground import create_app
from tests.support.differential import LISTINGS, Case, answer, cases

CASES = list(cases())


@pytest.fixture(scope="module")
def playground() -> Client:
    return Client(create_app({"SECRET_KEY": "differential"}))


def differences(tutorial: Flask, prefix: str, playground: Client) -> list[str]:
    tutorial_client = Client(tutorial)
    found = []
    for case in CASES:
        expected = answer(case.send(tutorial_client))
        got = answer(case.send(playground, prefix))
        if got != expected:
            found.append(f"{case}: tutorial {expected[0]}, playground {got[0]}")
    return found


def test_the_matrix_is_large_and_covers_every_outcome() -> None:
    # A matrix that only ever hit one answer would prove little.
    tutorial = Client(LISTINGS["tuple"][0])
    statuses = {case.send(tutorial).status_code for case in CASES}
    assert len(CASES) > 2000
    assert {200, 201, 400, 404, 405, 413, 500} <= statuses


@pytest.mark.parametrize("style", LISTINGS)
def test_the_endpoints_answer_like_the_tutorials_listing(style: str, playground: Client) -> None:
    tutorial, prefix = LISTINGS[style]
    assert differences(tutorial, prefix, playground) == []


def test_a_difference_would_be_caught(playground: Client) -> None:
    # Compare the tuple listing with the make_response endpoints: the bodies differ, and must be seen.
    tutorial, _ = LISTINGS["tuple"]
    assert differences(tutorial, "/make_response", playground)


def test_an_odd_path_is_compared_too() -> None:
    case = Case("POST", "/userDetails/", b"lastname=king", "application/x-www-form-urlencoded")
    assert case.send(Client(LISTINGS["tuple"][0])).status_code == 404

"""The response builder serves nothing a page could run: no JavaScript MIME type (every one the WHATWG
MIME Sniffing standard lists, in any case, with parameters, or hidden in a list), no stylesheet, and
no Content-Disposition that saves a program from this server."""

import pytest
from flask.testing import FlaskClient

# The JavaScript MIME type essences of the WHATWG MIME Sniffing standard (section 4.6).
JAVASCRIPT_TYPES = [
    "application/ecmascript",
    "application/javascript",
    "application/x-ecmascript",
    "application/x-javascript",
    "text/ecmascript",
    "text/javascript",
    "text/javascript1.0",
    "text/javascript1.1",
    "text/javascript1.2",
    "text/javascript1.3",
    "text/javascript1.4",
    "text/javascript1.5",
    "text/jscript",
    "text/livescript",
    "text/x-ecmascript",
    "text/x-javascript",
]
SPELLINGS = [
    lambda t: t,
    lambda t: t.upper(),
    lambda t: t.title(),
    lambda t: f"{t}; charset=utf-8",
    lambda t: f'  {t} ;charset="utf-8"',
    lambda t: f"text/plain, {t}",  # a browser takes the last type of a list
]


def answer(client: FlaskClient, *headers: str):
    return client.get(
        "/respond/tuple3", query_string={"status": "200", "body": "alert(1)", "header": list(headers)}
    )


@pytest.mark.parametrize("spelling", range(len(SPELLINGS)))
@pytest.mark.parametrize("essence", JAVASCRIPT_TYPES)
def test_every_javascript_type_is_refused(client: FlaskClient, essence: str, spelling: int) -> None:
    value = SPELLINGS[spelling](essence)
    response = answer(client, f"Content-Type: {value}")
    assert response.status_code == 400, value
    assert "Content-Type" in response.get_data(as_text=True) and "refused" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "value",
    ["text/css", "image/svg+xml", "text/x-python", "application/wasm", "text/vbscript", "*/*", "text"],
)
def test_types_outside_the_teaching_list_are_refused(client: FlaskClient, value: str) -> None:
    assert answer(client, f"Content-Type: {value}").status_code == 400


def test_two_content_types_are_refused(client: FlaskClient) -> None:
    assert answer(client, "Content-Type: text/plain", "Content-Type: text/html").status_code == 400


@pytest.mark.parametrize(
    "value",
    ["text/plain; charset=utf-8", "application/json", "TEXT/HTML", "application/problem+json", "text/csv"],
)
def test_teaching_types_are_served_as_given(client: FlaskClient, value: str) -> None:
    response = answer(client, f"Content-Type: {value}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == value


@pytest.mark.parametrize(
    "value",
    [
        "attachment; filename=fix-wifi.bat",
        'attachment; filename="fix-wifi.BAT"',
        "attachment; filename*=UTF-8''fix-wifi.exe",
        "inline; filename=notes.txt.js",
        "attachment; filename=run.sh",
        'attachment; filename="../../notes.txt"',
        "attachment; filename=installer",
        "attachment; filename=a.txt, attachment; filename=b.bat",
        "form-data; name=x",
    ],
)
def test_a_disposition_that_saves_a_program_is_refused(client: FlaskClient, value: str) -> None:
    response = answer(client, f"Content-Disposition: {value}")
    assert response.status_code == 400, value
    assert "Content-Disposition" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "value",
    ["attachment", "inline", "attachment; filename=users.csv", "attachment; filename*=UTF-8''n%C3%B8tes.txt"],
)
def test_a_disposition_for_data_is_served(client: FlaskClient, value: str) -> None:
    response = answer(client, f"Content-Disposition: {value}")
    assert response.status_code == 200, value
    assert response.headers["Content-Disposition"] == value

"""Secrets masked from the parser's own view (issue 19): every encoding Werkzeug's parsers and Flask's
JSON loader accept, every JSON type, a body cut at the recorder's cap; checked where a student reads
them (the API, the HAR, the live log's stream), by hand-made cases and by a Hypothesis property.
"""

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from playground import create_app
from playground.recording.capture import BODY_CAP
from playground.recording.masking import MASK, is_secret_field
from tests.support.reading import STUDENT, what_a_student_reads

MULTIPART = "multipart/form-data; boundary=bnd"


def send(client: FlaskClient, body: bytes, content_type: str) -> int:
    client.post("/userSignUp", data=body, content_type=content_type)
    return client.get("/api/exchanges?limit=1").json[-1]["id"]


@pytest.fixture
def reading_app(make_app: Callable[..., Flask]) -> Flask:
    return make_app({"STREAM_BATCH_SECONDS": 0, "STREAM_KEEPALIVE_SECONDS": 0.05})


# -- The cases that leaked, each by hand ---------------------------------------------------------------

SECRET = "QX7SECRETVALUE42"
LEAKED = [
    ('--bnd\r\nContent-Disposition: form-data;\r\n name="password"\r\n\r\n%s\r\n--bnd--\r\n', MULTIPART),
    ('--bnd\r\nContent-Disposition : form-data; name="password"\r\n\r\n%s\r\n--bnd--\r\n', MULTIPART),
    ('--bnd\r\nContent-Disposition: form-data; name="password"\r\n\r\nx\r\n--x%s\r\n--bnd--\r\n', MULTIPART),
    ('{"password": ["%s"]}', "application/json"),
    ('{"password": {"again": "%s"}}', "application/json"),
    ('{"user": [{"pass\\u0077ord": "%s"}]}', "application/json"),
]


@pytest.mark.parametrize(("template", "content_type"), LEAKED)
def test_what_leaked_is_masked_everywhere_a_student_reads(
    reading_app: Flask, template: str, content_type: str
) -> None:
    client = reading_app.test_client()
    shown = what_a_student_reads(client, send(client, (template % SECRET).encode(), content_type))
    for where, text in shown.items():
        assert SECRET not in text and MASK in text, where


@pytest.mark.parametrize("value", ["12345678901234", "true", "false", "null", "1.5e300", "[1, [2]]"])
def test_a_secret_of_any_json_type_is_masked(reading_app: Flask, value: str) -> None:
    client = reading_app.test_client()
    body = f'{{"a": 1, "password": {value}, "b": 2}}'.encode()
    shown = what_a_student_reads(client, send(client, body, "application/json"))
    assert re.search(r'"password\\": \\"•••••• \(\d+ chars\)\\", \\"b', shown["api"])
    assert "12345678901234" not in shown["api"] + shown["har"] + shown["stream"]


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-8-sig"]
)
def test_json_in_every_encoding_flask_reads_is_masked(reading_app: Flask, encoding: str) -> None:
    client = reading_app.test_client()
    body = json.dumps({"username": "sam", "password": SECRET}).encode(encoding)
    with reading_app.test_request_context("/", method="POST", data=body, content_type="application/json"):
        assert request.get_json()["password"] == SECRET  # Flask's loader does read it
    shown = what_a_student_reads(client, send(client, body, "application/json"))
    assert all(SECRET not in text for text in shown.values())


@pytest.mark.parametrize(
    ("prefix", "content_type"),
    [
        ('{"username": "%s", "password": "', "application/json"),
        ('--bnd\r\nContent-Disposition: form-data; name="username"\r\n\r\n%s\r\n--bnd\r\n'
         'Content-Disposition: form-data; name="password"\r\n\r\n', MULTIPART),
        ("username=%s&password=", "application/x-www-form-urlencoded"),
    ],
)  # fmt: skip
def test_a_body_cut_inside_a_secret_hides_its_first_characters(
    reading_app: Flask, prefix: str, content_type: str
) -> None:
    client = reading_app.test_client()
    start = (prefix % "").encode()
    filler = "u" * (BODY_CAP - len(start) - 5)  # the cap falls five characters into the secret
    body = (prefix % filler).encode() + SECRET.encode() + b'"}'
    shown = what_a_student_reads(client, send(client, body, content_type))
    for where, text in shown.items():
        assert SECRET[:5] not in text and "chars, cut)" in text, where


def test_werkzeug_reads_each_multipart_case_as_password() -> None:
    # The masking follows the parser: these bodies really hand a view the whole secret as password.
    app = create_app({"SECRET_KEY": "t"})
    for template, content_type in LEAKED[:3]:
        body = (template % SECRET).encode()
        with app.test_request_context("/", method="POST", data=body, content_type=content_type):
            assert SECRET in request.form["password"]


# -- The property: any encoding of a secret field ------------------------------------------------------

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Secrets are upper case and digits; everything else generated is lower case, so a piece of a
secret found in what a student reads is a leak, not a coincidence."""
SECRET_NAMES = ["password", "Password", "user_password", "passwd", "api_key", "token", "client-secret"]
JSON_ENCODINGS = [
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-le",
    "utf-32-be",
]


def windows(secret: str, size: int = 5) -> list[str]:
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


Sent = tuple[bytes, str, str, list[str]]
"""A body, its Content-Type, its charset, and the forms the secret takes in it."""


@st.composite
def urlencoded(draw: st.DrawFn, name: str, secret: str) -> Sent:
    encoded = "".join(quote(c) if draw(st.booleans()) else c for c in name)
    others = draw(st.lists(st.sampled_from(["username=sam", "firstname=j", "x=", "lastname"]), max_size=3))
    pairs = [*others, f"{encoded}={secret}"]
    draw(st.randoms()).shuffle(pairs)
    return "&".join(pairs).encode(), "application/x-www-form-urlencoded", "utf-8", [secret]


@st.composite
def multipart(draw: st.DrawFn, name: str, secret: str) -> Sent:
    boundary = draw(st.sampled_from(["bnd", "----formdata-abc", "x"]))
    nl = draw(st.sampled_from(["\r\n", "\n"]))
    disposition = draw(
        st.sampled_from(
            [
                f'Content-Disposition: form-data; name="{name}"',
                f'Content-Disposition : form-data; name="{name}"',
                f'Content-Disposition: form-data;{nl} name="{name}"',
                f'Content-Disposition: form-data;{nl}\tname="{name}"',
                f"content-disposition: form-data; name*=UTF-8''{quote(name)}",
                f'Content-Type: text/plain{nl}Content-Disposition: form-data; name="{name}"',
            ]
        )
    )
    value = secret if draw(st.booleans()) else f"v{nl}--{secret}{nl}-{secret}"  # a tail after \r\n--
    parts = [f'Content-Disposition: form-data; name="username"{nl}{nl}sam'] * draw(st.integers(0, 2))
    parts.insert(draw(st.integers(0, len(parts))), f"{disposition}{nl}{nl}{value}")
    body = "".join(f"--{boundary}{nl}{part}{nl}" for part in parts) + f"--{boundary}--{nl}"
    return body.encode(), f"multipart/form-data; boundary={boundary}", "utf-8", [secret]


@st.composite
def json_body(draw: st.DrawFn, name: str, secret: str) -> Sent:
    number = str(int("9" + "".join(str(ALPHABET.index(c) % 10) for c in secret)))
    value, forms = draw(
        st.sampled_from(
            [
                (json.dumps(secret), [secret]),
                (json.dumps([secret, 1, [secret]]), [secret]),
                (json.dumps({"inner": secret, "more": [secret]}), [secret]),
                (number, [number]),
                ("true", []),
            ]
        )
    )
    key = "".join(f"\\u{ord(c):04x}" if draw(st.booleans()) else c for c in name)
    member = f'"{key}": {value}'
    for _ in range(draw(st.integers(0, 3))):  # as deep as it likes, in objects and arrays
        member = draw(st.sampled_from(['"a": {%s}', '"b": [{%s}]', '"c": [1, {"d": {%s}}]'])) % member
    text = "{" + ", ".join(draw(st.permutations([member, '"username": "sam"']))) + "}"
    charset = draw(st.sampled_from(JSON_ENCODINGS))
    return text.encode(charset), "application/json", charset, forms


def the_parser_reads(app: Flask, body: bytes, content_type: str, forms: list[str]) -> bool:
    """Whether Werkzeug's form parsers or Flask's JSON loader hand a view a value under a
    secret-looking name: the property's bodies must be secrets to the parsers themselves."""
    with app.test_request_context("/", method="POST", data=body, content_type=content_type):
        if content_type != "application/json":
            return any(
                is_secret_field(key) and forms[0] in value for key, value in request.form.items(multi=True)
            )
        found: list[bool] = []

        def walk(value: Any, secret_name: bool) -> None:
            if isinstance(value, dict):
                for key, inner in value.items():
                    walk(inner, secret_name or is_secret_field(key))
            elif isinstance(value, list):
                for inner in value:
                    walk(inner, secret_name)
            else:
                found.append(secret_name)

        walk(request.get_json(), False)
        return any(found)


NO_BOM = {"utf-8-sig": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}


def padded(body: bytes, content_type: str, charset: str, size: int) -> bytes | None:
    """The body with `size` bytes before it that every parser skips; None where that can't be."""
    if content_type.startswith("multipart/"):
        return b"u" * (size - 2) + b"\r\n" + body if size >= 2 else None  # a preamble
    if content_type.startswith("application/x-www"):
        return b"pad=" + b"u" * (size - 5) + b"&" + body if size >= 5 else None
    if charset in NO_BOM:
        return None  # the BOM must come first
    width = len(" ".encode(charset))
    return " ".encode(charset) * (size // width) + body if size % width == 0 else None


def shown_body_has_a_mask(text: str, charset: str) -> bool:
    if MASK in text:
        return True
    raw = text.encode("utf-8", "surrogatepass").replace(b"\\xff", b"\xff").replace(b"\\xfe", b"\xfe")
    return MASK in raw.decode(charset, "replace")


PROPERTY_APP = create_app({"SECRET_KEY": "t", "STREAM_BATCH_SECONDS": 0, "STREAM_KEEPALIVE_SECONDS": 0.05})


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    name=st.sampled_from(SECRET_NAMES),
    secret=st.text(ALPHABET, min_size=12, max_size=20),
    encoding=st.sampled_from(["urlencoded", "multipart", "json"]),
    cut_into_secret=st.one_of(st.none(), st.integers(5, 11)),
)
def test_no_encoding_of_a_secret_field_reaches_a_student(
    data: st.DataObject, name: str, secret: str, encoding: str, cut_into_secret: int | None
) -> None:
    strategy = {"urlencoded": urlencoded, "multipart": multipart, "json": json_body}[encoding]
    body, content_type, charset, forms = data.draw(strategy(name, secret))
    assert the_parser_reads(PROPERTY_APP, body, content_type, forms)
    pieces = [piece for form in forms for piece in windows(form)]
    if cut_into_secret is not None and forms:
        # Padded so that the recorder's cap falls `cut_into_secret` characters into the secret:
        # the kept bytes end with its first characters, which must not show either.
        unit = forms[0].encode(NO_BOM.get(charset, charset))
        width = len(unit) // len(forms[0])
        at = body.find(unit)
        cut_body = padded(body, content_type, charset, BODY_CAP - at - cut_into_secret * width)
        if cut_body is not None:
            body, pieces = cut_body, [forms[0][:cut_into_secret]]
            event(f"cut inside the secret: {encoding}")
    client = PROPERTY_APP.test_client()
    exchange_id = send(client, body, content_type)
    shown = what_a_student_reads(client, exchange_id)
    for where, text in shown.items():
        leaked = [piece for piece in pieces if piece in text]
        assert not leaked, f"{where} shows {leaked[0]!r} of the secret"
    entry = client.get(f"/api/exchanges/{exchange_id}", environ_base=STUDENT).json
    assert shown_body_has_a_mask(entry["request"]["body"], charset)

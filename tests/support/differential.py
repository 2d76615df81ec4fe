"""Compare the playground's endpoints with the tutorial's listings, request for request.

Used by the differential tests (a fixed matrix here, generated requests in the property test):
the same request goes to the tutorial's bare app and to the playground, and the answers must match.
"""

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask import Flask
from werkzeug.test import Client

from playground.lab.listings import make_response_listing, tuple_listing

# The playground path of each tutorial path, per listing.
LISTINGS: dict[str, tuple[Flask, str]] = {
    "tuple": (tuple_listing.app, ""),
    "make_response": (make_response_listing.app, "/make_response"),
}
PATHS = ["/userDetails", "/userSignUp"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND"]
KEYS = ["username", "password", "firstname", "lastname"]


@dataclass(frozen=True)
class Case:
    """One request, described so that a failure says which."""

    method: str
    path: str
    body: bytes = b""
    content_type: str | None = None
    query: str = ""
    headers: tuple[tuple[str, str], ...] = field(default=())

    def send(self, client: Client, prefix: str = ""):
        headers = list(self.headers)
        if self.content_type is not None:
            headers.append(("Content-Type", self.content_type))
        return client.open(
            prefix + self.path,
            method=self.method,
            data=self.body,
            headers=headers,
            query_string=self.query or None,
        )


def answer(response) -> tuple:
    """What must be equal: status line, headers in order and case, and the body."""
    # Werkzeug builds Allow from a set, whose order follows string hashes: compare it as a set.
    headers = [
        (name, ", ".join(sorted(value.split(", "))) if name == "Allow" else value)
        for name, value in response.headers
        if name not in ("Date", "Server")
    ]
    return response.status, headers, response.get_data()


def multipart(fields: list[tuple[str, str]], boundary: str = "b0undary") -> tuple[bytes, str]:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    return "".join([*parts, f"--{boundary}--\r\n"]).encode(), f"multipart/form-data; boundary={boundary}"


def encodings(fields: list[tuple[str, str]]) -> Iterator[tuple[bytes, str | None]]:
    """The same fields in every encoding a learner (or curl) might use."""
    urlencoded = "&".join(f"{k}={v}" for k, v in fields).encode()
    yield urlencoded, "application/x-www-form-urlencoded"
    yield urlencoded, "application/x-www-form-urlencoded; charset=UTF-8"
    yield multipart(fields)
    yield json.dumps(dict(fields)).encode(), "application/json"
    yield urlencoded, "text/plain"
    yield urlencoded, None


ODD_BODIES: list[tuple[bytes, str | None]] = [
    (b"%%%&&&===", "application/x-www-form-urlencoded"),
    (b"lastname=%ZZ%E2%82", "application/x-www-form-urlencoded"),
    (b"lastname=\xff\xfe\x00caf\xe9", "application/x-www-form-urlencoded"),
    (b"\xff\xfe" * 200, "application/x-www-form-urlencoded"),
    (b"lastname=a&lastname=b&lastname=", "application/x-www-form-urlencoded"),
    (b"LASTNAME=king&last%20name=x&lastname%00=y", "application/x-www-form-urlencoded"),
    (b"lastname=" + b"k" * 600_000, "application/x-www-form-urlencoded"),  # over Flask's form limit
    (b"lastname=" + b"k" * 400_000, "application/x-www-form-urlencoded"),
    (b"--x\r\nnot really multipart", "multipart/form-data; boundary=x"),
    (b"--x\r\nContent-Disposition: form-data; name=lastname\r\n\r\nking", "multipart/form-data; boundary=x"),
    (b"lastname=king", "multipart/form-data"),  # no boundary
    (multipart([("lastname", "k" * 600_000)])[0], multipart([])[1]),  # one part over the form limit
    (multipart([(f"f{i}", "v") for i in range(1100)])[0], multipart([])[1]),  # over MAX_FORM_PARTS
    (b"{not json", "application/json"),
    (b'{"lastname": "king"}', "application/json; charset=utf-8"),
    (b"<lastname>king</lastname>", "application/xml"),
    (b"lastname=king", "application/x-www-form-urlencoded; charset=latin-1"),
    (b"lastname=king", "APPLICATION/X-WWW-FORM-URLENCODED"),
    (b"lastname=king", ";;;"),
]


def cases() -> Iterator[Case]:
    """The matrix: paths x methods x encodings x field subsets, then odd bodies, queries, headers."""
    subsets = [
        [(key, value) for key in combo]
        for size in range(len(KEYS) + 1)
        for combo in itertools.combinations(KEYS, size)
        for value in ("sam", "")
    ]
    for path, method in itertools.product(PATHS, METHODS):
        for fields in subsets:
            for body, content_type in encodings(fields):
                yield Case(method, path, body, content_type)
        for body, content_type in ODD_BODIES:
            yield Case(method, path, body, content_type)
        yield Case(method, path, query="username=sam&firstname=john&lastname=king")
        yield Case(method, path, query="%ff%fe=%00")
        yield Case(
            method,
            path,
            b"lastname=king",
            "application/x-www-form-urlencoded",
            headers=(("Expect", "100-continue"),),
        )
        yield Case(
            method, path, b"", None, headers=(("Cookie", "session=forged"), ("Origin", "http://evil.example"))
        )
    for method in METHODS:
        for odd_path in ("/userDetails/", "/userdetails", "/userDetails?", "/userSignUp/../userSignUp"):
            yield Case(method, odd_path, b"lastname=king", "application/x-www-form-urlencoded")

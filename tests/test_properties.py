"""Hostile input, tried by machine: thousands of generated requests.

1. The tutorial's endpoints answer exactly as the tutorial's listings do, below the body limit.
2. None of the playground's own routes (/status, /respond, the API, the pages) answers 500.
"""

import json

import pytest
from flask import got_request_exception
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from playground import create_app
from tests.support.differential import LISTINGS, answer, multipart

SETTINGS = settings(
    max_examples=1500,
    deadline=None,
    derandomize=True,  # the same examples on every run, so CI is repeatable
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
KEYS = ["username", "password", "firstname", "lastname"]
METHODS = st.sampled_from(
    ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "BREW"]
)
CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            None,
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "multipart/form-data; boundary=b0undary",
            "application/json",
            "text/plain",
            "application/x-www-form-urlencoded; charset=latin-1",
        ]
    ),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)
field_names = st.one_of(st.sampled_from(KEYS), st.text(max_size=20))
field_values = st.one_of(
    st.text(max_size=50), st.sampled_from(["", "x" * 60_000, "<script>alert(1)</script>"])
)
fields = st.lists(st.tuples(field_names, field_values), max_size=12)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """A body and its content type: well formed, malformed, or random bytes."""
    kind = draw(st.sampled_from(["urlencoded", "multipart", "many-parts", "json", "bytes"]))
    pairs = draw(fields)
    if kind == "urlencoded":
        body = "&".join(f"{k}={v}" for k, v in pairs).encode("utf-8", "surrogatepass")
        return body, draw(CONTENT_TYPES)
    if kind == "multipart":
        safe = [(k.replace('"', ""), v) for k, v in pairs]
        return multipart(safe)[0], "multipart/form-data; boundary=b0undary"
    if kind == "many-parts":
        return multipart([(f"p{i}", "v") for i in range(draw(st.integers(900, 1100)))])
    if kind == "json":
        return json.dumps(dict(pairs)).encode(), draw(CONTENT_TYPES)
    return draw(st.binary(max_size=3000)), draw(CONTENT_TYPES)


queries = st.one_of(st.just(""), st.binary(max_size=60).map(lambda b: b.hex()), st.text(max_size=40))


@pytest.fixture(scope="module")
def playground() -> Client:
    return Client(create_app({"SECRET_KEY": "properties"}))


@pytest.mark.parametrize("style", LISTINGS)
def test_the_endpoints_answer_like_the_listings_whatever_is_sent(style: str, playground: Client) -> None:
    tutorial_app, prefix = LISTINGS[style]
    tutorial = Client(tutorial_app)

    @SETTINGS
    @given(
        method=METHODS,
        path=st.sampled_from(["/userDetails", "/userSignUp"]),
        body=bodies(),
        query=queries,
    )
    def same_answer(method: str, path: str, body: tuple[bytes, str | None], query: str) -> None:
        data, content_type = body
        headers = [("Content-Type", content_type)] if content_type is not None else []

        def send(client: Client, where: str):
            return client.open(where, method=method, data=data, headers=headers, query_string=query or None)

        assert answer(send(playground, prefix + path)) == answer(send(tutorial, path))

    same_answer()


STATUS_TEXT = st.text(
    st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="/?#%"), max_size=20
)
RESPOND_STYLES = ["tuple2", "tuple3", "body_headers", "make_response", "status_code", "response", "jsonify"]
RESPOND_STYLES += ["dict", "abort", "redirect", "status_string", "nope"]
PAGES_AND_API = ["/", "/codes", "/builder", "/log", "/api/exchanges", "/api/exchanges/1", "/api/exchanges/x"]
PAGES_AND_API += [
    "/api/views/tuple_returns.sign_up",
    "/api/views/%00",
    "/api/predictions",
    "/log/clear",
    "/api/health",
]
OWN_PATHS = st.one_of(
    STATUS_TEXT.map(lambda s: f"/status/{s}"),
    st.sampled_from(["/status/200:0.5,500:0.5", "/status/418:1e9,200:1e-9", "/status/200:0"]),
    st.sampled_from(RESPOND_STYLES).map(lambda s: f"/respond/{s}"),
    st.sampled_from(PAGES_AND_API),
)
respond_values = st.dictionaries(
    st.sampled_from(["status", "header", "body", "location", "style", "method", "seed", "after", "tag"]),
    st.one_of(
        st.text(max_size=40), st.sampled_from(["299 Custom Reason", "302", "/status/200", "X-A: 1", "-1"])
    ),
    max_size=5,
)


def test_the_playgrounds_own_routes_never_answer_500(playground: Client) -> None:
    # A 500 is a view that crashed: Flask sends got_request_exception first. (/status/500 answers
    # 500 because it was asked to, without crashing: the signal tells the two apart.)
    crashes: list[BaseException] = []

    def crashed(_sender: object, exception: BaseException, **_: object) -> None:
        crashes.append(exception)

    got_request_exception.connect(crashed, playground.application)

    @SETTINGS
    @given(method=METHODS, path=OWN_PATHS, values=respond_values, body=bodies())
    def no_server_error(
        method: str, path: str, values: dict[str, str], body: tuple[bytes, str | None]
    ) -> None:
        data, content_type = body
        if method in ("GET", "HEAD"):
            response = playground.open(path, method=method, query_string=values)
        else:
            headers = [("Content-Type", content_type)] if content_type is not None else []
            response = playground.open(path, method=method, data=data, headers=headers, query_string=values)
        assert not crashes, f"{method} {path} {values}: {crashes[0]!r}"
        asked_for_500 = path.startswith("/status/") and "500" in path
        assert response.status_code != 500 or asked_for_500, f"{method} {path} {values}: {response.status}"
        assert 200 <= response.status_code < 600

    no_server_error()
    got_request_exception.disconnect(crashed, playground.application)

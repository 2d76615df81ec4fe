"""The status catalogue: every code http.HTTPStatus knows, grouped by class, with what to expect."""

from dataclasses import dataclass
from http import HTTPStatus

from .recording.explain import STATUS_CLASSES, describe
from .status_codes import EXPECTED_HEADERS, NO_BODY

# The codes learners mix up, and the question that tells them apart.
CONFUSIONS: dict[frozenset[int], str] = {
    frozenset(
        {401, 403}
    ): "401: who are you? (log in, then retry). 403: I know who you are, and the answer is no.",
    frozenset({301, 302, 303, 307, 308}): (
        "301 and 308 are permanent, 302, 303 and 307 temporary; 307 and 308 keep the method and body, "
        "303 always turns it into GET, and 301 and 302 let browsers turn a POST into GET."
    ),
    frozenset({400, 422}): "400: I cannot parse what you sent. 422: I parsed it, and it makes no sense.",
    frozenset(
        {404, 410}
    ): "404: nothing here (maybe never). 410: something was here, and it is gone for good.",
    frozenset({500, 502, 503}): (
        "500: this server failed. 502: the server upstream answered nonsense."
        " 503: try again later (Retry-After)."
    ),
    frozenset(
        {200, 201, 204}
    ): "200: here is the answer. 201: I made something (see Location). 204: done, nothing to say.",
    frozenset(
        {409, 412}
    ): "409: the request conflicts with the current state. 412: a precondition header (If-Match) failed.",
    frozenset(
        {429, 503}
    ): "429: you sent too many requests. 503: the server is overloaded or down for everyone.",
}
# What HTTP expects with a code, beyond the headers /status sends itself.
MORE_EXPECTED_HEADERS = {
    201: "Location (of what was created)",
    206: "Content-Range",
    416: "Content-Range (the size that exists)",
    426: "Upgrade",
    413: "Retry-After, when the limit is temporary",
}


@dataclass(frozen=True)
class CatalogueEntry:
    code: int
    phrase: str
    description: str
    expected_headers: list[str]
    confused_with: list[int]
    distinction: str | None
    has_body: bool


def expected_headers(code: int) -> list[str]:
    headers = [f"{name}: {value}" for name, value in EXPECTED_HEADERS.get(code, {}).items()]
    if 300 <= code < 400:
        headers.insert(0, "Location (where to go next)")
    if code in MORE_EXPECTED_HEADERS:
        headers.append(MORE_EXPECTED_HEADERS[code])
    return headers


def entry(status: HTTPStatus) -> CatalogueEntry:
    group = next((g for g in CONFUSIONS if status.value in g), None)
    return CatalogueEntry(
        code=status.value,
        phrase=status.phrase,
        description=describe(status.value),
        expected_headers=expected_headers(status.value),
        confused_with=sorted(group - {status.value}) if group else [],
        distinction=CONFUSIONS[group] if group else None,
        has_body=status.value not in NO_BODY,
    )


def catalogue() -> list[tuple[str, str, str, list[CatalogueEntry]]]:
    """Each class (key, name, meaning) with its codes, in order."""
    groups = []
    for digit, (name, meaning) in STATUS_CLASSES.items():
        codes = [entry(s) for s in HTTPStatus if s.value // 100 == digit]
        groups.append((f"{digit}xx", name, meaning, codes))
    return groups

"""HTTP's rules for one answer: which requirements of RFC 9110 (and RFC 6585) the answer breaks.

Why: a learner who changes a view sees the status change, but nothing tells them that a 401 without
``WWW-Authenticate`` or a 302 without ``Location`` is wrong HTTP. This module reads an answer as
the recorder keeps it (the method, the status, the answer's headers, its body, possibly cut at
4 KB with its real length known) and returns one Finding per rule the answer breaks, each with
the RFC's own sentence kept here, offline, and a link to its section.

Honesty about strength: each finding carries the requirement keyword the RFC itself uses in that
sentence (MUST, MUST NOT, SHOULD, SHOULD NOT, MAY), never a stronger one. Where the RFC states a
rule as what a status or a header *is*, with no keyword at all (a 204 "cannot contain content",
a 303 redirects "as indicated by a URI in the Location header field", codes outside 100..599
"are invalid"), the
strength is ``BY DEFINITION``, not a borrowed MUST. A MAY is advice: it is returned with
``advice=True`` and is never counted as a broken rule.

What it cannot see, it does not judge: a body it was not given, a header section the recorder
cut (``headers_truncated``), whether a HEAD's Content-Length matches the GET it stands for.
Werkzeug drops the content of answers to HEAD and of 1xx, 204 and 304 answers, and their
Content-Length too for 1xx and 204, so a Flask view cannot break those rules; they are checked
all the same, for answers made any other way.

Pure Python, standard library only: the same file can run in the server and in the code lab's
Pyodide.
"""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

MUST = "MUST"
MUST_NOT = "MUST NOT"
SHOULD = "SHOULD"
SHOULD_NOT = "SHOULD NOT"
MAY = "MAY"
BY_DEFINITION = "BY DEFINITION"

STRENGTHS: dict[str, str] = {
    MUST: "Required: the RFC says MUST. An answer that breaks it is not correct HTTP.",
    MUST_NOT: "Forbidden: the RFC says MUST NOT. An answer that does it is not correct HTTP.",
    BY_DEFINITION: (
        "The RFC states it as what the status or header means, with no MUST or SHOULD: an answer "
        "that differs does not mean what it says."
    ),
    SHOULD: (
        "Recommended: the RFC says SHOULD. There can be a good reason not to, but it has to be "
        "understood and weighed."
    ),
    SHOULD_NOT: (
        "Advised against: the RFC says SHOULD NOT. There can be a good reason to, but it has to "
        "be understood and weighed."
    ),
    MAY: "Allowed, not required: the RFC says MAY. Advice only, never a broken rule.",
}
"""Each strength a finding can carry, in the order findings are listed, with what it means."""

_RANK = {strength: rank for rank, strength in enumerate(STRENGTHS)}


def section_url(rfc: str, section: str) -> str:
    """The RFC Editor's address of one section of an RFC."""
    return f"https://www.rfc-editor.org/rfc/rfc{rfc}#section-{section}"


@dataclass(frozen=True)
class Rule:
    """One requirement, written once: the learner's sentence and the RFC's own."""

    id: str
    rule: str
    """One sentence, in a learner's words, about the code's answer."""
    strength: str
    section: str
    quote: str
    """The RFC's own words, verbatim (a sentence or the part of it that states the rule)."""
    rfc: str = "9110"

    @property
    def url(self) -> str:
        return section_url(self.rfc, self.section)


@dataclass(frozen=True)
class Finding:
    """A rule this answer breaks, or (``advice=True``) a MAY it could use."""

    id: str
    """Stable name of the rule (``401-www-authenticate``), for tests, grouping and challenges."""
    rule: str
    strength: str
    section: str
    rfc: str
    url: str
    quote: str
    detail: str = ""
    """What in this answer breaks it, in one sentence ("Location is missing.")."""
    advice: bool = False

    @property
    def broken(self) -> bool:
        return not self.advice

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Note:
    """Something the answer does right that a learner may wonder about (a 201 without Location)."""

    id: str
    text: str
    section: str
    rfc: str
    url: str
    quote: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_NO_CONTENT_QUOTE = (
    "A {} response is terminated by the end of the header section; it cannot contain content or trailers."
)
_LOCATION_NEW = (
    "The server SHOULD generate a Location header field in the response containing a preferred URI "
    "reference for the new permanent URI."
)
_LOCATION_DIFFERENT = (
    "The server SHOULD generate a Location header field in the response containing a URI reference "
    "for the different URI."
)
_ERROR_EXPLAINED = (
    "Except when responding to a HEAD request, the server SHOULD send a representation containing "
    "an explanation of the error situation, and whether it is a temporary or permanent condition."
)

RULES: dict[str, Rule] = {
    r.id: r
    for r in [
        Rule(
            "status-range",
            "A status code lies between 100 and 599: any other number is not an HTTP status.",
            BY_DEFINITION,
            "15",
            "Values outside the range 100..599 are invalid.",
        ),
        Rule(
            "101-upgrade",
            "A 101 answer must name the protocol it switches to in an Upgrade header.",
            MUST,
            "15.2.2",
            "The server MUST generate an Upgrade header field in the response that indicates which "
            "protocol(s) will be in effect after this response.",
        ),
        Rule(
            "1xx-no-content",
            "A 1xx answer ends with its headers: it cannot carry content.",
            BY_DEFINITION,
            "15.2",
            _NO_CONTENT_QUOTE.format("1xx"),
        ),
        Rule(
            "204-no-content",
            "A 204 answer ends with its headers: it cannot carry content (a client would read it as "
            "the start of the next answer).",
            BY_DEFINITION,
            "15.3.5",
            _NO_CONTENT_QUOTE.format("204"),
        ),
        Rule(
            "304-no-content",
            "A 304 answer ends with its headers: it cannot carry content (the client already has it).",
            BY_DEFINITION,
            "15.4.5",
            _NO_CONTENT_QUOTE.format("304"),
        ),
        Rule(
            "205-no-content",
            "A 205 answer must not carry content: it tells the client to reset its form, and nothing more.",
            MUST_NOT,
            "15.3.6",
            "Since the 205 status code implies that no additional content will be provided, a server "
            "MUST NOT generate content in a 205 response.",
        ),
        Rule(
            "head-no-content",
            "An answer to HEAD must not carry content: it has the headers a GET would get, and no body.",
            MUST_NOT,
            "9.3.2",
            "The HEAD method is identical to GET except that the server MUST NOT send content in the "
            "response.",
        ),
        Rule(
            "content-length-forbidden",
            "A 1xx or 204 answer must not carry a Content-Length header.",
            MUST_NOT,
            "8.6",
            "A server MUST NOT send a Content-Length header field in any response with a status code "
            "of 1xx (Informational) or 204 (No Content).",
        ),
        Rule(
            "content-length-syntax",
            "Content-Length must be one number of bytes, in digits only.",
            MUST_NOT,
            "8.6",
            "a sender MUST NOT forward a message with a Content-Length header field value that does "
            "not match the ABNF above",
        ),
        Rule(
            # The view writes the header, the WSGI server forwards it: the sentence binds them both.
            "content-length-mismatch",
            "Content-Length must be the number of bytes the answer really sends.",
            MUST_NOT,
            "8.6",
            "a sender MUST NOT forward a message with a Content-Length header field value that is "
            "known to be incorrect.",
        ),
        Rule(
            "content-type-missing",
            "An answer with content should say what the content is, in a Content-Type header.",
            SHOULD,
            "8.3",
            "A sender that generates a message containing content SHOULD generate a Content-Type header "
            "field in that message unless the intended media type of the enclosed representation is "
            "unknown to the sender.",
        ),
        Rule(
            "field-repeated",
            "A header that holds one value (Location, Content-Type, ...) must appear only once.",
            MUST_NOT,
            "5.3",
            "a sender MUST NOT generate multiple field lines with the same name in a message (whether "
            "in the headers or trailers) or append a field line when a field line of the same name "
            "already exists in the message, unless that field's definition allows multiple field line "
            "values to be recombined as a comma-separated list",
        ),
        Rule(
            "401-www-authenticate",
            "A 401 answer must say how to log in: a WWW-Authenticate header with at least one "
            'challenge, such as Basic realm="users".',
            MUST,
            "15.5.2",
            "The server generating a 401 response MUST send a WWW-Authenticate header field (Section "
            "11.6.1) containing at least one challenge applicable to the target resource.",
        ),
        Rule(
            "405-allow",
            "A 405 answer must list the methods the resource does support, in an Allow header.",
            MUST,
            "15.5.6",
            "The origin server MUST generate an Allow header field in a 405 response containing a list "
            "of the target resource's currently supported methods.",
        ),
        Rule(
            "405-allow-refused",
            "A 405 answer's Allow header lists the methods the resource supports, so it cannot list "
            "the method the answer refused.",
            MUST,
            "15.5.6",
            "The origin server MUST generate an Allow header field in a 405 response containing a list "
            "of the target resource's currently supported methods.",
        ),
        Rule(
            "407-proxy-authenticate",
            "A 407 answer must say how to log in to the proxy: a Proxy-Authenticate header with a challenge.",
            MUST,
            "15.5.8",
            "The proxy MUST send a Proxy-Authenticate header field (Section 11.7.1) containing a "
            "challenge applicable to that proxy for the request.",
        ),
        Rule(
            "206-content-range",
            "A 206 answer that sends one part must say which bytes it holds, in a Content-Range header.",
            MUST,
            "15.3.7.1",
            "If a single part is being transferred, the server generating the 206 response MUST "
            "generate a Content-Range header field, describing what range of the selected "
            "representation is enclosed, and a content consisting of the range.",
        ),
        Rule(
            "206-multipart-content-range",
            "A 206 answer in several parts (multipart/byteranges) must not carry Content-Range in its "
            "headers: each part carries its own.",
            MUST_NOT,
            "15.3.7.2",
            "To avoid confusion with single-part responses, a server MUST NOT generate a Content-Range "
            "header field in the HTTP header section of a multiple part response",
        ),
        Rule(
            "301-location",
            "A 301 answer should say where the resource moved to, in a Location header.",
            SHOULD,
            "15.4.2",
            _LOCATION_NEW,
        ),
        Rule(
            "302-location",
            "A 302 answer should say where to look instead, in a Location header.",
            SHOULD,
            "15.4.3",
            _LOCATION_DIFFERENT,
        ),
        Rule(
            "303-location",
            "A 303 answer sends the client to another resource named in its Location header; without "
            "one it points nowhere.",
            BY_DEFINITION,
            "15.4.4",
            "The 303 (See Other) status code indicates that the server is redirecting the user agent to "
            "a different resource, as indicated by a URI in the Location header field",
        ),
        Rule(
            "307-location",
            "A 307 answer should say where to send the request again, in a Location header.",
            SHOULD,
            "15.4.8",
            _LOCATION_DIFFERENT,
        ),
        Rule(
            "308-location",
            "A 308 answer should say where the resource moved to, in a Location header.",
            SHOULD,
            "15.4.9",
            _LOCATION_NEW,
        ),
        Rule(
            "416-content-range",
            "A 416 answer to a request for bytes should give the current length, in a Content-Range "
            "header such as bytes */1234.",
            SHOULD,
            "15.5.17",
            "A server that generates a 416 response to a byte-range request SHOULD generate a "
            "Content-Range header field specifying the current length of the selected representation "
            "(Section 14.4).",
        ),
        Rule(
            "426-upgrade",
            "A 426 answer must name the protocol to upgrade to, in an Upgrade header.",
            MUST,
            "15.5.22",
            "The server MUST send an Upgrade header field in a 426 response to indicate the required "
            "protocol(s) (Section 7.8).",
        ),
        Rule(
            "4xx-explained",
            "A 4xx answer should explain the error in its content (except to HEAD).",
            SHOULD,
            "15.5",
            _ERROR_EXPLAINED,
        ),
        Rule(
            "5xx-explained",
            "A 5xx answer should explain the error in its content (except to HEAD).",
            SHOULD,
            "15.6",
            _ERROR_EXPLAINED,
        ),
        Rule(
            "429-retry-after",
            "A 429 answer may say how long to wait before trying again, in a Retry-After header.",
            MAY,
            "4",
            "The response representations SHOULD include details explaining the condition, and MAY "
            "include a Retry-After header indicating how long to wait before making a new request.",
            rfc="6585",
        ),
        Rule(
            "503-retry-after",
            "A 503 answer may say how long to wait before trying again, in a Retry-After header.",
            MAY,
            "15.6.4",
            "The server MAY send a Retry-After header field (Section 10.2.3) to suggest an appropriate "
            "amount of time for the client to wait before retrying the request.",
        ),
    ]
}
"""Every rule the checker knows, by id."""

NOTES: dict[str, Note] = {
    n.id: n
    for n in [
        Note(
            "201-target-uri",
            "Without Location, the resource a 201 created is the address the request went to (the "
            "target URI): right when the request named it, as PUT does.",
            "15.3.2",
            "9110",
            section_url("9110", "15.3.2"),
            "The primary resource created by the request is identified by either a Location header field "
            "in the response or, if no Location header field is received, by the target URI.",
        ),
        Note(
            "201-location",
            "Location names the resource this 201 created.",
            "10.2.2",
            "9110",
            section_url("9110", "10.2.2"),
            "For 201 (Created) responses, the Location value refers to the primary resource created by "
            "the request.",
        ),
    ]
}
"""What a page can say about an answer that keeps a rule a learner may think it breaks."""

SINGLE_VALUE_FIELDS = (
    "Content-Type",
    "Location",
    "Content-Range",
    "Retry-After",
    "ETag",
    "Last-Modified",
    "Date",
    "Content-Location",
)
"""RFC 9110's fields whose value is one item, not a list: a second line of one is a second value."""

_LOCATION_RULES = {code: f"{code}-location" for code in (301, 302, 303, 307, 308)}
_RETRY_AFTER_ADVICE = {429: "429-retry-after", 503: "503-retry-after"}


class _Fields:
    """An answer's header lines, looked up by name without regard to case."""

    def __init__(self, headers: Iterable[tuple[str, str]]) -> None:
        self.by_name: dict[str, list[str]] = {}
        for name, value in headers:
            self.by_name.setdefault(str(name).lower(), []).append(str(value))

    def values(self, name: str) -> list[str]:
        return self.by_name.get(name.lower(), [])

    def has(self, name: str) -> bool:
        return name.lower() in self.by_name

    def filled(self, name: str) -> bool:
        """Present with a value that is not blank."""
        return any(value.strip() for value in self.values(name))

    def joined(self, name: str) -> str:
        return ", ".join(value.strip() for value in self.values(name))

    def media_type(self) -> str:
        values = self.values("Content-Type")
        return values[0].split(";", 1)[0].strip().lower() if values else ""


def _finding(rule_id: str, detail: str) -> Finding:
    rule = RULES[rule_id]
    return Finding(
        id=rule.id,
        rule=rule.rule,
        strength=rule.strength,
        section=rule.section,
        rfc=rule.rfc,
        url=rule.url,
        quote=rule.quote,
        detail=detail,
        advice=rule.strength == MAY,
    )


def _is_byte_range_request(request_headers: Iterable[tuple[str, str]] | None) -> bool:
    """Whether the request asked for bytes; unknown requests are taken to have asked."""
    if request_headers is None:
        return True
    return any(
        name.lower() == "range" and value.strip().lower().startswith("bytes=")
        for name, value in request_headers
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _content_findings(method: str, status: int, fields: _Fields, length: int | None) -> list[Finding]:
    """The rules about the answer's content and its Content-Length."""
    found: list[Finding] = []
    sent = length is not None and length > 0
    if sent:
        said = f"This answer sent {_plural(length or 0, 'byte')} of content."
        if method == "HEAD":
            found.append(_finding("head-no-content", said))
        if 100 <= status < 200:
            found.append(_finding("1xx-no-content", said))
        elif status in (204, 304, 205):
            found.append(_finding(f"{status}-no-content", said))
        if method != "HEAD" and not fields.filled("Content-Type"):
            found.append(_finding("content-type-missing", f"{said[:-1]}, and no Content-Type."))

    declared = fields.joined("Content-Length")
    if not fields.has("Content-Length"):
        return found
    if 100 <= status < 200 or status == 204:
        found.append(
            _finding("content-length-forbidden", f"This {status} answer has Content-Length: {declared}.")
        )
    elif not declared.isdigit() or not declared.isascii():
        found.append(_finding("content-length-syntax", f"Content-Length is {declared!r}, not one number."))
    elif _counts_content(method, status, fields) and length is not None and int(declared) != length:
        found.append(
            _finding(
                "content-length-mismatch",
                f"Content-Length says {_plural(int(declared), 'byte')}; the answer sent {length}.",
            )
        )
    return found


def _counts_content(method: str, status: int, fields: _Fields) -> bool:
    """Whether Content-Length counts this answer's own content: a HEAD's and a 304's count what a
    GET or a 200 would have sent, and with Transfer-Encoding it counts nothing."""
    return method != "HEAD" and status != 304 and not fields.has("Transfer-Encoding")


def _header_findings(
    method: str,
    status: int,
    fields: _Fields,
    length: int | None,
    request_headers: Iterable[tuple[str, str]] | None,
) -> list[Finding]:
    """The rules about the headers a status calls for."""
    found: list[Finding] = []

    def missing(rule_id: str, name: str, then: str = "") -> None:
        if not fields.has(name):
            found.append(_finding(rule_id, f"{name} is missing{then}."))
        elif not fields.filled(name):
            found.append(_finding(rule_id, f"{name} is empty{then}."))

    if status == 101:
        missing("101-upgrade", "Upgrade")
    elif status == 401:
        missing("401-www-authenticate", "WWW-Authenticate")
    elif status == 405:
        # An empty Allow is allowed: the resource allows no method at all (RFC 9110, 10.2.1).
        if not fields.has("Allow"):
            found.append(_finding("405-allow", "Allow is missing."))
        else:
            listed = {m.strip().upper() for m in fields.joined("Allow").split(",") if m.strip()}
            if method in listed:
                found.append(
                    _finding("405-allow-refused", f"Allow lists {method}, the method this answer refused.")
                )
    elif status == 407:
        missing("407-proxy-authenticate", "Proxy-Authenticate")
    elif status == 206:
        multipart = fields.media_type() == "multipart/byteranges"
        if multipart and fields.has("Content-Range"):
            found.append(
                _finding("206-multipart-content-range", "This multipart/byteranges answer has Content-Range.")
            )
        elif not multipart:
            missing("206-content-range", "Content-Range")
    elif status in _LOCATION_RULES:
        missing(_LOCATION_RULES[status], "Location")
    elif status == 416 and _is_byte_range_request(request_headers):
        missing("416-content-range", "Content-Range")
    elif status == 426:
        missing("426-upgrade", "Upgrade")

    if 400 <= status < 600 and method != "HEAD" and length == 0:
        found.append(_finding(f"{status // 100}xx-explained", "This answer has no content at all."))
    if status in _RETRY_AFTER_ADVICE and not fields.has("Retry-After"):
        found.append(_finding(_RETRY_AFTER_ADVICE[status], "Retry-After is absent."))
    return found


def _repeated_fields(fields: _Fields) -> list[Finding]:
    return [
        _finding("field-repeated", f"{name} appears {len(fields.values(name))} times.")
        for name in SINGLE_VALUE_FIELDS
        if len(fields.values(name)) > 1
    ]


_UNJUDGED_WHEN_HEADERS_CUT = {
    # A cut Content-Length value reads "12 [cut]": neither its syntax nor its number can be judged.
    "content-length-syntax",
    "content-length-mismatch",
    # And a header found missing may only have been cut.
    "101-upgrade",
    "401-www-authenticate",
    "405-allow",
    "407-proxy-authenticate",
    "206-content-range",
    "301-location",
    "302-location",
    "303-location",
    "307-location",
    "308-location",
    "416-content-range",
    "426-upgrade",
    "content-type-missing",
    "429-retry-after",
    "503-retry-after",
}


def check(
    method: str,
    status: int,
    headers: Iterable[tuple[str, str]],
    body: bytes | None,
    *,
    body_length: int | None = None,
    request_headers: Iterable[tuple[str, str]] | None = None,
    headers_truncated: bool = False,
) -> list[Finding]:
    """The rules this answer breaks, most binding first, then the MAYs it could use (``advice``).

    ``body`` is the content as sent (or its first bytes), ``body_length`` its real length when the
    body was cut (the recorder keeps 4 KB); with neither, content rules are not judged.
    ``request_headers`` tell whether a 416 answered a byte-range request (unknown: assume it did).
    ``headers_truncated``: the recorder cut the header section, so a header found missing may only
    have been cut: no rule about a missing header, nor about Content-Length's value, is judged.
    """
    method = method.upper()
    fields = _Fields(headers)
    length = body_length if body_length is not None else (len(body) if body is not None else None)
    if not 100 <= status <= 599:
        found = [_finding("status-range", f"This answer's status is {status}.")]
    else:
        found = _header_findings(method, status, fields, length, request_headers)
    found += _content_findings(method, status, fields, length)
    found += _repeated_fields(fields)
    if headers_truncated:
        found = [f for f in found if f.id not in _UNJUDGED_WHEN_HEADERS_CUT]
    return sorted(found, key=lambda f: _RANK[f.strength])


@dataclass(frozen=True)
class Review:
    """What a page shows under **HTTP rules**: the rules broken, the advice, and the notes."""

    broken: tuple[Finding, ...]
    advice: tuple[Finding, ...]
    notes: tuple[Note, ...]

    @property
    def summary(self) -> str:
        if not self.broken:
            return "This answer breaks none of the HTTP rules checked here."
        return f"This answer breaks {_plural(len(self.broken), 'HTTP rule')}."

    def as_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "broken": [f.as_dict() for f in self.broken],
            "advice": [f.as_dict() for f in self.advice],
            "notes": [n.as_dict() for n in self.notes],
        }


def review(
    method: str,
    status: int,
    headers: Iterable[tuple[str, str]],
    body: bytes | None,
    *,
    body_length: int | None = None,
    request_headers: Iterable[tuple[str, str]] | None = None,
    headers_truncated: bool = False,
) -> Review:
    """check(), split into broken rules and advice, with the notes that explain a kept rule."""
    headers = list(headers)
    found = check(
        method,
        status,
        headers,
        body,
        body_length=body_length,
        request_headers=request_headers,
        headers_truncated=headers_truncated,
    )
    notes: list[Note] = []
    if status == 201:
        if _Fields(headers).filled("Location"):
            notes.append(NOTES["201-location"])
        elif not headers_truncated:
            # Without a Location, the created resource is the target URI (RFC 9110, 15.3.2): the
            # tutorial's "Success", 201 breaks nothing, and the page says why.
            notes.append(NOTES["201-target-uri"])
    return Review(
        broken=tuple(f for f in found if f.broken),
        advice=tuple(f for f in found if f.advice),
        notes=tuple(notes),
    )


def review_exchange(exchange: Mapping[str, Any]) -> Review:
    """review() of one recorded exchange, in the shape the API serves (``request``, ``response``):
    the body kept as text (at most 4 KB) and ``body_size``, the bytes the answer really sent."""
    request, response = exchange["request"], exchange["response"]
    return review(
        request["method"],
        response["status"],
        [(name, value) for name, value in response["headers"]],
        response["body"].encode("utf-8"),
        body_length=response["body_size"],
        request_headers=[(name, value) for name, value in request["headers"]],
        headers_truncated=bool(response.get("headers_truncated")),
    )

"""Who is looking: the teacher's browser sees everything; a student sees every exchange but not
who sent another client's: its address, and whatever fingerprints its browser, system or person.

Hidden from classmates: `User-Agent`, the client hints (every `Sec-Ch-*` header, and the older
`DPR`, `Device-Memory`, `Viewport-Width`, ...), `Accept-Language`, `From`, and every header that names
a client address (`X-Forwarded-For`, `Forwarded`, `X-Real-IP`, `True-Client-IP`, `X-Client-IP`,
`CF-Connecting-IP`, and any other whose name says it carries a client's or a forwarded address).
"""

import hashlib
import hmac
import re
from dataclasses import dataclass

from flask import Flask, current_app, g, request, session

from ..stores import LogUnavailable

IDENTIFYING_HEADERS = {
    "user-agent",
    "from",
    "accept-language",
    "via",
    "forwarded",
    "x-real-ip",
    "true-client-ip",
    "cf-connecting-ip",
    "fastly-client-ip",
    "x-appengine-user-ip",
    "x-originating-ip",
    "x-remote-ip",
    "x-remote-addr",
    "remote-addr",
    "x-cluster-client-ip",
    # Client hints sent without the Sec-CH- prefix (the first version of the draft).
    "dpr",
    "device-memory",
    "viewport-width",
    "width",
    "downlink",
    "ect",
    "rtt",
    "save-data",
}
_NAMES_AN_ADDRESS = re.compile(r"(^|-)(ip|client-ip|ip-address|addr|address)$|forwarded|client-ip|real-ip")


def is_identifying_header(name: str) -> bool:
    """Whether a request header tells classmates who sent it: by name, a client hint, or an address."""
    lower = name.lower()
    return (
        lower in IDENTIFYING_HEADERS or lower.startswith("sec-ch-") or bool(_NAMES_AN_ADDRESS.search(lower))
    )


HIDDEN = "(hidden: only the teacher sees it)"


def teacher_key(app: Flask | None = None) -> str:
    """The teacher's key: FLASK_TEACHER_KEY, or the store's (one for every worker with Redis)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    key = app.config.get("TEACHER_KEY")
    if not key:
        key = app.config["TEACHER_KEY"] = app.extensions["store"].teacher_key()
    return key


def teacher_mark() -> str:
    """What the teacher's session holds: derived from the key, so a new key retires old sessions."""
    return hashlib.sha256(b"playground-teacher:" + teacher_key().encode()).hexdigest()[:32]


def is_teacher() -> bool:
    """Whether this request comes from the teacher's browser: worked out once per request (an export
    asks it for each of up to 500 exchanges)."""
    if "is_teacher" not in g:
        mark = session.get("teacher")
        try:
            g.is_teacher = isinstance(mark, str) and hmac.compare_digest(mark, teacher_mark())
        except LogUnavailable:
            g.is_teacher = False  # the shared store is away: nobody is the teacher until it is back
    return g.is_teacher


def sees_everything(client: str | None = None) -> bool:
    """The teacher sees every client; a student sees the client only of their own exchanges."""
    return is_teacher() or (client is not None and client == request.remote_addr)


@dataclass(frozen=True)
class Audience:
    """Who reads an answer, worked out while the request is there: a streamed export renders its
    entries after the view has returned."""

    teacher: bool
    viewer: str | None

    @classmethod
    def now(cls) -> "Audience":
        return cls(is_teacher(), request.remote_addr)

    def sees_everything(self, client: str | None) -> bool:
        return self.teacher or (client is not None and client == self.viewer)


def for_the_class(entry: dict) -> dict:
    """An exchange as a student sees another client's: no address, no fingerprint, nothing else changed."""
    hidden = dict(entry, client="")
    req = dict(entry["request"])
    req["headers"] = [
        [name, HIDDEN if is_identifying_header(name) else value] for name, value in req["headers"]
    ]
    hidden["request"] = req
    return hidden

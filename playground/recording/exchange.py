"""The exchange: one request to a real endpoint and the answer it got, as the server saw them.

The middleware keeps a RawExchange on the request's thread (as little work as possible); the shapes
the API shows (masked, decoded, named) are built from it on first use. A shared store keeps an
exchange's masked record, and restores it: no password ever leaves the process that recorded it.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from .capture import CappedHeaders, Capture
from .masking import mask_body, mask_form, mask_headers


@dataclass
class RawExchange:
    """What the middleware keeps of a request and its answer: as little work as possible per request.

    Not frozen (nor is CappedHeaders): a frozen dataclass sets each field through
    object.__setattr__, which cost about 7 µs a request in bench/recorder_cost.py. Nothing changes
    one after the middleware made it.

    The shapes the API shows (masked, decoded, named) are built from it on first use.
    """

    method: str
    path: str
    query: str
    protocol: str
    environ_headers: CappedHeaders
    request_body: Capture
    status_line: str
    response_headers: CappedHeaders
    response_body: bytes
    response_size: int
    added_headers: dict[str, str]
    """The headers the playground added to the answer (not the view), each with its reason."""

    @cached_property
    def stored_bytes(self) -> int:
        """What this exchange holds in memory, near enough: its captured bytes and text (worked out
        once: the log asks when it keeps the exchange and again when it lets it go)."""
        return (
            len(self.path)
            + len(self.query)
            + self.environ_headers.stored_bytes
            + len(self.request_body.head)
            + len(self.status_line)
            + self.response_headers.stored_bytes
            + len(self.response_body)
            + 512  # the object itself, its facts and its timing
        )


TAG_HEADER = "X-Playground-Tag"
"""The header a page adds to find its own exchanges in the log; it changes nothing in the answer."""
TAG_CAP = 128
"""Tags longer than this are kept as headers, but nothing is looked up by them."""


@dataclass(eq=False)
class Exchange:
    """One request to a real endpoint and the answer it got, as the server saw them.

    Recorded here from a RawExchange (the request thread's minimum), or restored from a store's
    record of it (`record()` and `restored()`): the masked request and answer, and the facts.
    """

    id: int
    started_at: float
    client: str
    raw: RawExchange | None = field(repr=False)
    duration_ms: float
    view: str
    facts: dict[str, Any]
    """What the explanation is built from: the exception, the deciding line, the view's code."""

    @cached_property
    def time(self) -> str:
        moment = datetime.fromtimestamp(self.started_at, UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    @cached_property
    def request(self) -> dict[str, Any]:
        raw = self._raw()
        return {
            "method": raw.method,
            "path": latin1_to_text(raw.path),
            "query": mask_form(latin1_to_text(raw.query)),
            "http_version": raw.protocol,
            "headers": mask_headers(_header_names(raw.environ_headers.pairs)),
            "headers_size": raw.environ_headers.size,
            "headers_truncated": raw.environ_headers.truncated,
            "body": mask_body(bytes(raw.request_body.head), self._content_type(), raw.request_body.truncated),
            "body_size": raw.request_body.size,
            "body_truncated": raw.request_body.truncated,
        }

    def _content_type(self) -> str:
        pairs = self._raw().environ_headers.pairs
        return next((value for name, value in pairs if name == "CONTENT_TYPE"), "")

    @cached_property
    def response(self) -> dict[str, Any]:
        raw = self._raw()
        code, _, reason = raw.status_line.partition(" ")
        return {
            "status": int(code) if code.isdigit() else 0,
            "reason": reason,
            "status_line": raw.status_line,
            "headers": [list(pair) for pair in mask_headers(raw.response_headers.pairs)],
            "headers_size": raw.response_headers.size,
            "headers_truncated": raw.response_headers.truncated,
            "added_by_playground": raw.added_headers,
            "body": raw.response_body.decode("utf-8", errors="backslashreplace"),
            "body_size": raw.response_size,
            "body_truncated": raw.response_size > len(raw.response_body),
        }

    @cached_property
    def tag(self) -> str | None:
        """The page's tag (X-Playground-Tag), if the request carried one short enough to look up."""
        if self.raw is not None:
            found = (v for k, v in self.raw.environ_headers.pairs if k == "HTTP_X_PLAYGROUND_TAG")
        else:
            found = (v for k, v in self.request["headers"] if k.lower() == TAG_HEADER.lower())
        tag = next(found, None)
        return tag if tag is not None and len(tag) <= TAG_CAP else None

    def tagged(self, tag: str) -> bool:
        return self.tag == tag

    def _raw(self) -> RawExchange:
        if self.raw is None:  # pragma: no cover - a restored exchange has its request and answer
            raise ValueError(f"Exchange {self.id} was restored without its request and answer.")
        return self.raw

    @property
    def stored_bytes(self) -> int:
        return self.raw.stored_bytes if self.raw is not None else 512

    def record(self) -> dict[str, Any]:
        """What a shared store keeps: already masked, so no password ever leaves this process."""
        return {
            "id": self.id,
            "started_at": self.started_at,
            "client": self.client,
            "duration_ms": self.duration_ms,
            "view": self.view,
            "facts": self.facts,
            "request": self.request,
            "response": self.response,
        }

    @classmethod
    def restored(cls, record: dict[str, Any]) -> "Exchange":
        facts = dict(record["facts"])
        if facts.get("raised_at"):
            facts["raised_at"] = tuple(facts["raised_at"])
        exchange = cls(
            id=record["id"],
            started_at=record["started_at"],
            client=record["client"],
            raw=None,
            duration_ms=record["duration_ms"],
            view=record["view"],
            facts=facts,
        )
        # cached_property keeps its value in the instance's __dict__: the record fills it.
        exchange.__dict__["request"] = record["request"]
        exchange.__dict__["response"] = record["response"]
        return exchange


def _header_names(environ_headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Header names as written on the wire: HTTP_USER_AGENT is User-Agent."""
    return [
        ("-".join(part.capitalize() for part in key.removeprefix("HTTP_").split("_")), value)
        for key, value in environ_headers
    ]


def latin1_to_text(value: str) -> str:
    # WSGI hands over paths and query strings as latin-1 decoded bytes; show them as UTF-8.
    return value.encode("latin-1").decode("utf-8", errors="backslashreplace")

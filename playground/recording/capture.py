"""What the recorder keeps of a request and its answer: the first bytes of each body, headers up to
a cap in bytes, paths and queries up to a cap in characters. Each cut is marked, so that memory and
what a reader receives stay bounded however large the request (docs/SECURITY.md)."""

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

BODY_CAP = 4096
"""How many bytes of each body an exchange keeps."""
HEADERS_CAP = 8192
"""How many bytes of headers (names and values) an exchange keeps, for the request and the answer each."""
HEADER_VALUE_CAP = 2048
"""How many characters of one header value an exchange keeps."""
TARGET_CAP = 4096
"""How many characters of the path, and of the query string, an exchange keeps."""
CUT = " [cut]"
"""Marks where a kept header, path or query was cut (ASCII: paths and queries are latin-1 in WSGI)."""


@dataclass
class Capture:
    """A body as the exchange keeps it: the first bytes, and how many there were in all."""

    head: bytearray = field(default_factory=bytearray)
    size: int = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        room = BODY_CAP - len(self.head)
        if room > 0:
            self.head += chunk[:room]

    def text(self) -> str:
        return bytes(self.head).decode("utf-8", errors="backslashreplace")

    @property
    def truncated(self) -> bool:
        return self.size > len(self.head)


class TeeInput(io.RawIOBase):
    """The request body stream, passed through unchanged, with what the app reads kept aside."""

    def __init__(self, stream: Any, capture: Capture) -> None:
        self.stream = stream
        self.capture = capture

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size) if size is not None and size >= 0 else self.stream.read()
        self.capture.add(chunk)
        return chunk

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def readline(self, size: int = -1) -> bytes:
        chunk = self.stream.readline(size) if size is not None and size >= 0 else self.stream.readline()
        self.capture.add(chunk)
        return chunk


@dataclass
class CappedHeaders:
    """Headers as an exchange keeps them: at most HEADERS_CAP bytes, each value at most HEADER_VALUE_CAP."""

    pairs: list[tuple[str, str]]
    size: int
    """The bytes of names and values the headers had in all."""
    truncated: bool

    @classmethod
    def of(cls, headers: Iterable[tuple[str, str]]) -> "CappedHeaders":
        kept: list[tuple[str, str]] = []
        size = 0
        room = HEADERS_CAP
        truncated = False
        for name, value in headers:
            size += len(name) + len(value)
            if room <= 0:
                truncated = True
                continue
            if len(value) > HEADER_VALUE_CAP or len(name) + len(value) > room:
                value = value[: max(0, min(HEADER_VALUE_CAP, room - len(name)))] + CUT
                truncated = True
            kept.append((name[:HEADER_VALUE_CAP], value))
            room -= len(name) + len(value)
        return cls(kept, size, truncated)

    @cached_property
    def stored_bytes(self) -> int:
        return sum(len(name) + len(value) for name, value in self.pairs)


def capped(text: str) -> str:
    return text if len(text) <= TARGET_CAP else text[:TARGET_CAP] + CUT


def environ_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The request's headers as the environ holds them, in the order the server put them there."""
    return [
        (key, value)
        for key, value in environ.items()
        if key[:5] == "HTTP_" or (key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value)
    ]

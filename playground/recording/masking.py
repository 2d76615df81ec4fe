"""Mask secrets in anything the playground shares: the exchange log, the API, the live log, HAR.

A secret is found where the parsers find it, not in the raw text: a body is read as Werkzeug's own
parsers and Flask's JSON loader read it, from the bytes the recorder kept, and every value they would
hand a view under a secret-looking name is replaced by dots and its length.

- Forms and queries split on ``&`` and percent-decode each name, as ``parse_qsl`` does for Werkzeug:
  ``pass%77ord=`` is ``password``.
- Multipart bodies go through Werkzeug's own ``MultipartDecoder`` (the boundary the Content-Type
  names, or the one the body opens with): folded headers, ``Content-Disposition :`` with a space,
  ``name*=UTF-8''password`` (RFC 2231) and a value holding ``\\r\\n--`` are read exactly as a view
  would read them, and the whole value is masked, up to the boundary Werkzeug ends it at.
- JSON is decoded in the encoding ``json.loads`` detects from the bytes (UTF-8, UTF-16 and UTF-32,
  with or without a BOM) and walked member by member: every value under a secret-looking key is
  masked whatever its type (string, number, boolean, null, array, object) and depth, and the mask is
  written back in the body's own encoding.
- A body the recorder cut at its cap is masked as far as it parses; a secret's value the cut runs
  through is hidden to the end, so its first characters never show. A part or a document the parser
  gives up on hides the rest of the body if the rest names a secret.

Headers that carry secrets are masked by name.
"""

import codecs
import json
import re
from json.decoder import scanstring
from urllib.parse import unquote, unquote_plus

from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import LINE_BREAK_RE, Data, Field, File, MultipartDecoder, NeedData, State

MASK = "••••••"
SECRET_FIELD_WORDS = ("password", "passwd", "passphrase", "secret", "token", "apikey", "credential")
"""A field is secret when its decoded name, lower-cased without ``-``, ``_`` or spaces, holds one."""


def masked(value: str, cut: bool = False) -> str:
    """What stands for a secret: dots and its length, never its characters."""
    return f"{MASK} ({len(value)} chars{', cut' if cut else ''})"


def is_secret_field(name: str) -> bool:
    """A form, query, multipart or JSON field whose value is a secret, by its decoded name."""
    squeezed = re.sub(r"[-_\s.]", "", name.lower())
    return any(word in squeezed for word in SECRET_FIELD_WORDS)


SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie"}
SECRET_HEADER_WORDS = ("token", "secret", "key", "password")


def is_secret_header(name: str) -> bool:
    lower = name.lower()
    return lower in SECRET_HEADERS or any(word in lower for word in SECRET_HEADER_WORDS)


def mask_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, masked(value) if is_secret_header(name) else value) for name, value in headers]


Span = tuple[int, int, bytes]
"""Bytes [start, end) of a body and what replaces them."""


# -- Forms and queries ------------------------------------------------------------------------------


def mask_form(text: str) -> str:
    """Mask secret fields in a query string, by the names a parser decodes."""
    raw = text.encode("utf-8", "surrogateescape")
    return _apply(raw, _form_spans(raw, False)).decode("utf-8", "surrogateescape")


def _form_spans(body: bytes, cut: bool) -> list[Span]:
    """parse_qsl's view: pairs split on ``&``, each name percent-decoded (``+`` a space)."""
    spans: list[Span] = []
    start = 0
    pairs = body.split(b"&")
    for index, pair in enumerate(pairs):
        name, equals, value = pair.partition(b"=")
        if equals and is_secret_field(unquote_plus(name.decode("utf-8", "replace"))):
            value_start = start + len(name) + 1
            shown = unquote_plus(value.decode("utf-8", "replace"))
            last = index == len(pairs) - 1
            spans.append((value_start, value_start + len(value), masked(shown, cut and last).encode()))
        start += len(pair) + 1
    return spans


# -- Multipart --------------------------------------------------------------------------------------


def _boundaries(body: bytes, content_type: str) -> list[bytes]:
    """The boundary the Content-Type names (Werkzeug's), and the one the body opens with (any type:
    a multipart body sent as text/plain is still read by a classmate)."""
    found = []
    mimetype, options = parse_options_header(content_type)
    if mimetype.startswith("multipart/") and options.get("boundary"):
        found.append(options["boundary"].encode("latin-1", "replace"))
    opening = re.match(rb"(?:\r\n|\n|\r)?--([^\r\n]{1,200}?)[ \t]*(?:\r\n|\n|\r)", body)
    if opening and opening[1] not in found:
        found.append(opening[1])
    return found


def _multipart_spans(body: bytes, boundary: bytes, cut: bool) -> list[Span]:
    """Werkzeug's MultipartDecoder's view, with each event's place in the body kept."""
    decoder = MultipartDecoder(boundary)
    decoder.receive_data(body)
    if not cut:
        decoder.receive_data(None)
    spans: list[Span] = []
    secret, start, end = False, -1, -1

    def close(to: int, open_end: bool) -> None:
        if secret and start >= 0:
            value = body[start:to]
            spans.append((start, to, masked(value.decode("utf-8", "replace"), open_end).encode()))

    while True:
        at = len(body) - len(decoder.buffer)
        state = decoder.state
        skip = 0
        if state is State.DATA_START:
            line_break = LINE_BREAK_RE.match(decoder.buffer[:2])
            skip = line_break.end() if line_break else 0
        try:
            event = decoder.next_event()
        except Exception:  # what Werkzeug refuses, it refuses with ValueError or a decoding error
            if state in (State.DATA_START, State.DATA):
                if secret and start < 0:
                    start = at + skip
                close(len(body), True)
            elif _names_a_secret(body[at:]):
                spans.append((at, len(body), masked(body[at:].decode("utf-8", "replace"), True).encode()))
            return spans
        if isinstance(event, NeedData):
            break
        if isinstance(event, (Field, File)):
            secret, start, end = is_secret_field(event.name or ""), -1, -1
        elif isinstance(event, Data):
            if event.data and start < 0:
                start = at + skip
            if event.data:
                end = at + skip + len(event.data)
            if not event.more_data:
                close(end if end >= 0 else start, False)
                secret, start, end = False, -1, -1
        else:  # the preamble, the epilogue
            if decoder.state is State.COMPLETE:
                break
    if decoder.state in (State.DATA_START, State.DATA) and secret:
        # Cut inside a secret's value: what is left of the body (held back by the decoder in case it
        # starts a boundary) is its value too.
        if start < 0:
            line_break = LINE_BREAK_RE.match(decoder.buffer[:2])
            start = len(body) - len(decoder.buffer)
            start += line_break.end() if line_break and decoder.state is State.DATA_START else 0
        close(len(body), True)
    return spans


def _names_a_secret(rest: bytes) -> bool:
    text = unquote(rest.decode("utf-8", "replace"))
    return is_secret_field(text)


# -- JSON -------------------------------------------------------------------------------------------

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]


def _json_encoding(body: bytes) -> tuple[str, int]:
    """The encoding json.loads detects from the bytes (RFC 4627's rule), and the length of its BOM."""
    detected = json.detect_encoding(body)
    if detected in ("utf-8-sig", "utf-16", "utf-32"):
        for bom, encoding in _BOMS:
            if body.startswith(bom):
                return encoding, len(bom)
    return detected, 0


class _Stop(Exception):
    """The walk cannot go on at this index: the text ended (a cut body) or is not JSON."""

    def __init__(self, at: int) -> None:
        self.at = at


class _JsonWalk:
    """Flask's JSON loader's view: every member's decoded key, and where each value lies."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.decoder = json.JSONDecoder()
        self.found: list[tuple[int, int, str, bool]] = []
        """Characters [start, end) of each secret's value, what replaces it, and whether it was cut."""

    def space(self, i: int) -> int:
        while i < len(self.text) and self.text[i] in " \t\n\r":
            i += 1
        return i

    def value(self, i: int, secret: bool) -> int:
        text = self.text
        i = self.space(i)
        if i >= len(text):
            raise _Stop(i)
        if secret:
            try:
                value, end = self.decoder.raw_decode(text, i)
            except ValueError:
                self.found.append((i, len(text), masked(text[i:], True), True))
                raise _Stop(len(text)) from None
            shown = value if isinstance(value, str) else text[i:end]
            self.found.append((i, end, json.dumps(masked(shown), ensure_ascii=False), False))
            return end
        if text[i] == "{":
            return self.members(i + 1, "}", keyed=True)
        if text[i] == "[":
            return self.members(i + 1, "]", keyed=False)
        try:
            return self.decoder.raw_decode(text, i)[1]
        except ValueError:
            raise _Stop(i) from None

    def members(self, i: int, closing: str, keyed: bool) -> int:
        text = self.text
        i = self.space(i)
        if i < len(text) and text[i] == closing:
            return i + 1
        while True:
            secret = False
            if keyed:
                if i >= len(text) or text[i] != '"':
                    raise _Stop(i)
                try:
                    key, i = scanstring(text, i + 1)
                except ValueError:
                    raise _Stop(i) from None
                i = self.space(i)
                if i >= len(text) or text[i] != ":":
                    raise _Stop(i)
                i += 1
                secret = is_secret_field(key)
            i = self.space(self.value(i, secret))
            if i < len(text) and text[i] == ",":
                i = self.space(i + 1)
                continue
            if i < len(text) and text[i] == closing:
                return i + 1
            raise _Stop(i)

    def by_keys(self, start: int) -> None:
        """Past where the walk stopped: each ``"key":`` in the text, and the value after it if it parses."""
        for match in _JSON_KEY.finditer(self.text, start):
            try:
                key = json.loads(f'"{match[1]}"')
            except ValueError:
                continue
            at = match.end()
            if not is_secret_field(key) or any(s <= at < e for s, e, _, _ in self.found):
                continue
            try:
                self.value(at, True)
            except _Stop:
                return


# A member whose key is a string: where a walk that stopped on broken JSON still finds secrets.
_JSON_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*')


def _json_spans(body: bytes, cut: bool) -> list[Span]:
    encoding, bom = _json_encoding(body)
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        text = decoder.decode(body[bom:], final=not cut)
    except UnicodeDecodeError:
        return []
    start = len(text) - len(text.lstrip(" \t\n\r"))
    if text[start : start + 1] not in ("{", "["):
        return []
    walk = _JsonWalk(text)
    try:
        walk.value(start, False)
    except _Stop as stop:
        if not cut or stop.at < len(text):
            # Not JSON to Flask's loader; still, hide what a reader would take for a secret.
            walk.by_keys(start if not cut else stop.at)
    spans: list[Span] = []
    for start_char, end_char, replacement, _ in walk.found:
        start_byte = bom + len(text[:start_char].encode(encoding))
        end_byte = start_byte + len(text[start_char:end_char].encode(encoding))
        if end_char == len(text):
            end_byte = len(body)  # and the undecoded end of a cut body
        spans.append((start_byte, end_byte, replacement.encode(encoding)))
    return spans


# -- A whole body -----------------------------------------------------------------------------------


def _apply(body: bytes, spans: list[Span]) -> bytes:
    """The body with each span replaced; overlapping spans (two readings of one body) merged."""
    merged: list[list] = []
    for start, end, replacement in sorted(spans):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            last[2] = masked(body[last[0] : last[1]].decode("utf-8", "replace")).encode()
        else:
            merged.append([start, end, replacement])
    out, at = [], 0
    for start, end, replacement in merged:
        out += [body[at:start], replacement]
        at = end
    out.append(body[at:])
    return b"".join(out)


def mask_body(body: bytes | str, content_type: str = "", cut: bool = False) -> str:
    """The body as the log shows it (its bytes as UTF-8 text), every secret value masked.

    `cut` says the recorder kept only the body's first bytes: a value the cut runs through is hidden
    to the end.
    """
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogateescape")
    spans = _form_spans(body, cut)
    for boundary in _boundaries(body, content_type):
        spans += _multipart_spans(body, boundary, cut)
    spans += _json_spans(body, cut)
    return _apply(body, spans).decode("utf-8", errors="backslashreplace")

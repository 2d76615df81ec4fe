"""Mask secrets in anything the playground shares: the exchange log, the API, the live log, HAR.

A field is found by the name the parsers decode, not by the raw text: ``pass%77ord=`` in a form or a
query, ``name*=UTF-8''password`` in a multipart part and ``"pass\\u0077ord"`` in JSON all reach a
view as ``password``, so all of them are masked. Headers that carry secrets are masked by name.
"""

import json
import re
from urllib.parse import unquote_plus

from werkzeug.http import parse_options_header

MASK = "••••••"


def masked(value: str) -> str:
    """What stands for a secret: dots and its length, never its characters."""
    return f"{MASK} ({len(value)} chars)"


def is_secret_field(name: str) -> bool:
    """A form, query or JSON field whose value is a password, by its decoded name."""
    return "password" in name.lower()


SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie"}
SECRET_HEADER_WORDS = ("token", "secret", "key", "password")


def is_secret_header(name: str) -> bool:
    lower = name.lower()
    return lower in SECRET_HEADERS or any(word in lower for word in SECRET_HEADER_WORDS)


def mask_form(text: str) -> str:
    """Mask password fields in a query string or urlencoded body, by the names a parser decodes."""
    if "=" not in text:
        return text
    pairs = text.split("&")
    for index, pair in enumerate(pairs):
        name, equals, value = pair.partition("=")
        if equals and is_secret_field(unquote_plus(name)):
            pairs[index] = f"{name}={masked(unquote_plus(value))}"
    return "&".join(pairs)


# A part's headers, the blank line, and its value up to the next boundary (or the end of a cut body).
_MULTIPART_PART = re.compile(
    r"(?is)(content-disposition:([^\r\n]*)\r?\n(?:[^\r\n]+\r?\n)*\r?\n)(.*?)(?=\r?\n--|\Z)"
)
# A JSON member whose key is any string, and whose value is a string or another scalar.
_JSON_PAIR = re.compile(r'("(?:[^"\\]|\\.)*")(\s*:\s*)(?:"((?:[^"\\]|\\.)*)"|([-\w.+]+))')


def _multipart_part(match: re.Match[str]) -> str:
    _, options = parse_options_header(match[2].strip())
    if not is_secret_field(options.get("name") or ""):
        return match[0]
    return match[1] + masked(match[3])


def _json_string(token: str) -> str:
    try:
        return json.loads(f'"{token}"')
    except ValueError:
        return token


def _json_member(match: re.Match[str]) -> str:
    if not is_secret_field(_json_string(match[1][1:-1])):
        return match[0]
    value = _json_string(match[3]) if match[3] is not None else match[4]
    return match[1] + match[2] + json.dumps(masked(value), ensure_ascii=False)


def mask_body(text: str) -> str:
    """Mask password values in a body of any encoding a learner can send."""
    text = _MULTIPART_PART.sub(_multipart_part, text)
    text = _JSON_PAIR.sub(_json_member, text)
    return mask_form(text)


def mask_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, masked(value) if is_secret_header(name) else value) for name, value in headers]

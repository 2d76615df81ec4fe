"""Mask password values in anything the playground shares: the exchange log, the API, the live log."""

import json
import re
from urllib.parse import unquote_plus

MASK = "••••••"


def masked(value: str) -> str:
    """What stands for a password: dots and its length, never its characters."""
    return f"{MASK} ({len(value)} chars)"


_FORM_PAIR = re.compile(r"(?i)(^|&)(password=)([^&]*)")
_MULTIPART_PART = re.compile(
    r'(?is)(content-disposition:[^\r\n]*\bname="?password"?[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n)(.*?)(?=\r?\n--|\Z)'
)
# A JSON "password" member, string or any other scalar: masked in place, the rest kept byte for byte.
_JSON_PAIR = re.compile(r'(?i)("password"\s*:\s*)(?:"((?:[^"\\]|\\.)*)"|([-\w.+]+))')


def _json_member(match: re.Match[str]) -> str:
    raw = match[2] if match[2] is not None else match[3]
    try:
        value = json.loads(f'"{raw}"') if match[2] is not None else raw
    except ValueError:
        value = raw
    return match[1] + json.dumps(masked(value), ensure_ascii=False)


def mask_form(text: str) -> str:
    """Mask ``password=...`` in a query string or urlencoded body."""
    if "password" not in text.lower():
        return text
    return _FORM_PAIR.sub(lambda m: m[1] + m[2] + masked(unquote_plus(m[3])), text)


def mask_body(text: str) -> str:
    """Mask password values in a body of any encoding a learner can send."""
    if "password" not in text.lower():
        return text
    text = _MULTIPART_PART.sub(lambda m: m[1] + masked(m[2]), text)
    text = _JSON_PAIR.sub(_json_member, text)
    return mask_form(text)


SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie"}


def mask_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, masked(value) if name.lower() in SECRET_HEADERS else value) for name, value in headers]

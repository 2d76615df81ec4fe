"""The response builder's form: the values a /respond view answers with, validated before any view
runs. Bad values get a clear 400 naming the field and why; a header that would act beyond the one
answer (a cookie, a redirect off this server, a script type, a program to save) is refused by name.
"""

import re
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from werkzeug.exceptions import default_exceptions
from werkzeug.http import parse_options_header
from wtforms import Field, SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.widgets import TextArea

from ..forms import METHODS

# -- The return styles --------------------------------------------------------------------------

RESPONSE_STYLES = [
    SelectChoice("tuple2", "tuple2: return body, status"),
    SelectChoice("tuple3", "tuple3: return body, status, headers"),
    SelectChoice("body_headers", "body_headers: return body, headers"),
    SelectChoice("make_response", "make_response(body, status, headers)"),
    SelectChoice("status_code", "status_code: response.status_code = ..."),
    SelectChoice("response", "response: Response(body, status=..., headers=...)"),
    SelectChoice("jsonify", "jsonify: return jsonify(...), status"),
    SelectChoice("dict", "dict: return {...}, status, headers"),
    SelectChoice("abort", "abort: abort(code)"),
    SelectChoice("redirect", "redirect: redirect(location, code)"),
    SelectChoice("status_string", 'status_string: return body, "299 Custom Reason"'),
]
# Headers a view may not set: the server owns the framing of the connection (PEP 3333).
SERVER_HEADERS = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
# And a Content-Length that disagrees with the body would leave the client waiting.
REFUSED_HEADERS = SERVER_HEADERS | {"content-length"}
# Headers that would let a shared link act on the learner's browser beyond this one answer: the
# playground refuses them, and says why (see sandbox.py for what it adds to every answer instead).
UNSAFE_HEADERS = {
    "set-cookie": "a cookie set here would reach every page of the playground (and enough of them "
    "lock a browser out with 431 answers)",
    "set-cookie2": "a cookie set here would reach every page of the playground",
    "refresh": "browsers follow it to any site, like a redirect nobody checks",
    "clear-site-data": "it would wipe the learner's storage for the whole playground",
    "strict-transport-security": "it would bind this host to HTTPS in the learner's browser",
    "service-worker-allowed": "it would widen what a service worker may control on this site",
}
# The types an answer built here may declare: what a lesson on status codes needs, and none a
# browser runs as script (the WHATWG MIME Sniffing standard's JavaScript MIME types, such as
# text/livescript or application/x-ecmascript) or applies as a stylesheet. An allow-list, so a
# type nobody thought of is refused too.
TEACHING_TYPES = frozenset(
    {
        "text/plain",
        "text/html",
        "text/csv",
        "text/markdown",
        "text/xml",
        "application/json",
        "application/problem+json",
        "application/xml",
        "application/problem+xml",
        "application/octet-stream",
        "application/x-www-form-urlencoded",
    }
)
# The file names a Content-Disposition may suggest: data a learner opens to read, never a program.
TEACHING_EXTENSIONS = frozenset({"txt", "json", "csv", "md", "xml", "html", "htm", "log"})
_MEDIA_TYPE = re.compile(
    r"""\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+/[!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*"""
    r"""(?:;\s*[!#$%&'*+\-.^_`|~0-9A-Za-z]+=(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"[^"\\]*")\s*)*"""
)
MAX_HEADERS = 30
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_STATUS = re.compile(r"([0-9]{3})(?: (.*))?")


def stays_on_this_server(location: str) -> bool:
    """Whether a redirect target is a path on this server (not //host, not a scheme, no backslash)."""
    parts = urlsplit(location)
    return (
        location.startswith("/")
        and not location.startswith("//")
        and "\\" not in location
        and not parts.scheme
        and not parts.netloc
        # Browsers drop tabs and line breaks from a URL: "/\t/evil.example" would become "//evil.example".
        and not re.search(r"[\x00-\x1f\x7f]", location)
    )


@dataclass(frozen=True)
class ResponseSpec:
    """The validated values a /respond view answers with."""

    status_code: int
    reason: str | None
    headers: list[tuple[str, str]]
    body: str
    location: str

    def as_record(self) -> dict:
        """The spec as plain data a store keeps with the exchange: its headers masked as the record's."""
        from ..recording.masking import mask_headers

        return {
            "status_code": self.status_code,
            "reason": self.reason,
            "headers": [list(pair) for pair in mask_headers(self.headers)],
            "body": self.body,
            "location": self.location,
        }

    @classmethod
    def from_record(cls, record: dict) -> "ResponseSpec":
        return cls(**{**record, "headers": [tuple(pair) for pair in record["headers"]]})

    @property
    def status_line(self) -> str:
        """The status as a string: the code and its reason (given, or HTTP's own)."""
        if self.reason:
            return f"{self.status_code} {self.reason}"
        try:
            return f"{self.status_code} {HTTPStatus(self.status_code).phrase}"
        except ValueError:
            return str(self.status_code)

    @property
    def status(self) -> int | str:
        """What a view returns as its status: the int, or the string when a reason was given."""
        return self.status_line if self.reason else self.status_code


class HeaderLinesField(Field):
    """Header lines, ``Name: value``: one per repeated ``header`` value or per line of a textarea."""

    widget = TextArea()

    def _value(self) -> str:
        return "\n".join(f"{name}: {value}" for name, value in self.data or [])

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = []
        self.raw_lines = [line.rstrip("\r") for value in valuelist for line in value.split("\n")]
        for line in self.raw_lines:
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            if not colon:
                raise ValueError(f"{line!r} is not a header line: write it as Name: value.")
            self.data.append((name, value.strip()))

    def pre_validate(self, form: "FlaskForm") -> None:
        if len(self.data or []) > MAX_HEADERS:
            raise ValidationError(f"At most {MAX_HEADERS} headers.")
        for name, value in self.data or []:
            if not _TOKEN.fullmatch(name):
                raise ValidationError(f"{name!r} is not a header name: letters, digits and -, no spaces.")
            if _CONTROL.search(value):
                raise ValidationError(f"The value of {name} has a line break or control character.")
            lower = name.lower()
            if lower in REFUSED_HEADERS:
                raise ValidationError(f"{name} is set by the server, not by a view.")
            if lower in UNSAFE_HEADERS:
                raise ValidationError(f"{name} is refused by the playground: {UNSAFE_HEADERS[lower]}.")
            if lower == "location" and not stays_on_this_server(value):
                raise ValidationError(
                    f"Location {value!r} is refused: a redirect stays on this server, so give a path "
                    "starting with /, such as /status/200."
                )
            if lower == "content-type" and (why := refused_content_type(value)):
                raise ValidationError(why)
            if lower == "content-disposition" and (why := refused_disposition(value)):
                raise ValidationError(why)
        if sum(name.lower() == "content-type" for name, _ in self.data or []) > 1:
            raise ValidationError("Give one Content-Type: with two, a browser picks one of them itself.")


def refused_content_type(value: str) -> str | None:
    """Why a Content-Type is refused (not one of the teaching types, or not one type), or None."""
    match = _MEDIA_TYPE.fullmatch(value)
    if not match:
        # A comma makes a list, and a browser takes the last type of a list: one type, one value.
        return f"Content-Type {value!r} is refused: give one type, such as text/plain; charset=utf-8."
    essence = match[1].lower()
    if essence not in TEACHING_TYPES:
        kinds = ", ".join(sorted(TEACHING_TYPES))
        return (
            f"Content-Type {essence} is refused: an answer built here may be one of {kinds}, so that no "
            "page of this site could run it as a script or use it as a stylesheet."
        )
    return None


def refused_disposition(value: str) -> str | None:
    """Why a Content-Disposition is refused (it names a file that is not data), or None."""
    disposition, options = parse_options_header(value)
    if "," in value or disposition.lower() not in ("inline", "attachment"):
        return f"Content-Disposition {value!r} is refused: give inline or attachment, with one filename."
    for name in ("filename", "filename*"):
        filename = options.get(name)
        if filename is None:
            continue
        extension = filename.rpartition(".")[2].lower() if "." in filename else ""
        if (
            extension not in TEACHING_EXTENSIONS
            or not filename.isprintable()
            or "/" in filename
            or "\\" in filename
        ):
            kinds = ", ".join(f".{ext}" for ext in sorted(TEACHING_EXTENSIONS))
            return (
                f"Content-Disposition filename {filename!r} is refused: a shared link could make a learner "
                f"save a program from this server. Name a file ending in one of {kinds}."
            )
    return None


class RespondForm(FlaskForm):
    """The values of a response a /respond view sends; also the response builder page's form."""

    status = StringField(
        "Status", default="200", description="a code from 200 to 599, or a status string: 299 Custom Reason"
    )
    header = HeaderLinesField("Headers", description="one per line, Name: value")
    body = TextAreaField("Body", default="Hello from Flask")
    location = StringField("Location", description="for redirect: a path on this server, such as /status/200")
    style = SelectField("Return style", choices=RESPONSE_STYLES, default="tuple3")
    method = SelectField("Method", choices=METHODS, default="GET")

    def validate_status(self, field: StringField) -> None:
        match = _STATUS.fullmatch((field.data or "").strip())
        if not match:
            raise ValidationError(
                "Give a code of three digits, optionally followed by a reason: 299 Custom Reason."
            )
        code, reason = int(match[1]), match[2]
        if not 200 <= code <= 599:
            raise ValidationError(f"{code} is out of range: a view answers with a code from 200 to 599.")
        if reason is not None and (not reason.strip() or _CONTROL.search(reason) or not reason.isascii()):
            raise ValidationError("The reason must be plain ASCII text on one line.")
        style = self.style.data
        if style == "abort" and code not in default_exceptions:
            raise ValidationError(f"abort() needs an error code Werkzeug knows (400 to 505), not {code}.")
        if style == "redirect" and not 300 <= code <= 399:
            raise ValidationError(f"redirect() needs a 3xx code, not {code}.")
        if style in ("abort", "redirect", "status_code") and reason is not None:
            raise ValidationError(f"{style} takes a bare code: drop the reason.")

    def validate_location(self, field: StringField) -> None:
        location = field.data or ""
        if self.style.data != "redirect" and not location:
            return
        if not stays_on_this_server(location):
            raise ValidationError(
                "A redirect stays on this server: give a path starting with /, such as /status/200."
            )

    def spec(self) -> ResponseSpec:
        match = _STATUS.fullmatch(self.status.data.strip())
        assert match is not None  # validated
        return ResponseSpec(
            status_code=int(match[1]),
            reason=match[2],
            headers=list(self.header.data or []),
            body=self.body.data or "",
            location=self.location.data or "",
        )

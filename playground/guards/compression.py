"""gzip for the playground's own pages, API and static files, never for the endpoints.

The home page's first load is mostly text (HTML, CSS, JavaScript modules) that gzip shrinks to a
third or less. The endpoints' answers must stay exactly the tutorial's, so only the playground's own
blueprints and static files are compressed; the live log's stream is left alone (it must flush each
event as it comes). A streamed answer (the HAR export) is compressed as it streams, never read whole.
"""

import gzip
import zlib
from collections.abc import Iterable, Iterator

from flask import Flask, Response, request

MIN_SIZE = 512
"""Smaller answers are sent as they are: gzip's own header would eat most of the saving."""
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")


def init_app(app: Flask, own_blueprints: Iterable[str]) -> None:
    own = set(own_blueprints)

    @app.after_request
    def compress(response: Response) -> Response:
        """gzip a page, an API answer or a static file for a browser that accepts it."""
        if request.blueprint not in own and request.endpoint != "static":
            return response
        if (
            response.status_code != 200
            or response.mimetype == "text/event-stream"
            or "Content-Encoding" in response.headers
            or not (response.mimetype or "").startswith(COMPRESSIBLE)
            or "gzip" not in request.accept_encodings
        ):
            return response
        if response.is_streamed and not response.direct_passthrough:
            # Compressed piece by piece: reading it whole would hold the whole export in memory.
            response.response = _gzipped(response.response)
            response.headers.pop("Content-Length", None)
            response.headers["Content-Encoding"] = "gzip"
            response.vary.add("Accept-Encoding")
            return response
        response.direct_passthrough = False  # a static file: read it, to compress it
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        response.set_data(gzip.compress(data, compresslevel=6))
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        etag, weak = response.get_etag()
        if etag and not weak:
            # The same validator for both encodings, as a weak one: equal in meaning, not in bytes.
            response.set_etag(etag, weak=True)
        return response


def _gzipped(chunks: Iterable[str | bytes]) -> Iterator[bytes]:
    """gzip a streamed body as it comes, and close what it came from when the server closes this."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: the gzip wrapper
    try:
        for chunk in chunks:
            data = compressor.compress(chunk.encode() if isinstance(chunk, str) else chunk)
            if data:
                yield data
        yield compressor.flush()
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()

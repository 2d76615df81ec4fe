"""What a classmate reads of an exchange: the API, the HAR export and the live log's stream."""

import json
import re
from typing import Any

from flask.testing import FlaskClient

STUDENT = {"REMOTE_ADDR": "127.0.0.9"}
"""Another laptop than the sender's (127.0.0.1): what a classmate reads."""
MULTIPART = "multipart/form-data; boundary=bnd"


def what_a_student_reads(client: FlaskClient, exchange_id: int, reader: dict | None = None) -> dict[str, str]:
    """The exchange as a classmate (or `reader`) gets it from the API, the HAR export and the live
    log's stream, each decoded (JSON escapes undone, NULs dropped: UTF-16 and UTF-32 show as text)."""
    reader = reader or STUDENT

    def decoded(data: Any) -> str:
        return json.dumps(data, ensure_ascii=False).replace("\\u0000", "")

    api = client.get(f"/api/exchanges?after={exchange_id - 1}&limit=1", environ_base=reader).json
    har = client.get(f"/api/exchanges.har?after={exchange_id - 1}", environ_base=reader).json
    stream = client.get(f"/api/stream?after={exchange_id - 1}", buffered=False, environ_base=reader)
    received = ""
    for chunk in stream.response:
        received += chunk.decode() if isinstance(chunk, bytes) else chunk
        if f"id: {exchange_id}\n" in received and received.endswith("\n\n"):
            break
    stream.close()
    events = [json.loads(data) for data in re.findall(r"^data: (\{.*\})$", received, re.M)]
    return {"api": decoded(api), "har": decoded(har), "stream": decoded(events)}

"""Reading an event stream (the live log's /api/stream) from the test client."""


def events(response, count: int) -> list[str]:
    """The first `count` events (not comments) of an event stream."""
    found = []
    for chunk in response.response:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        if text.startswith("id: "):
            found.append(text)
        if len(found) == count:
            break
    return found

"""A pipeline to Redis: commands written on the request's thread, their replies read by another.

Writing an exchange must not make the endpoint wait for Redis, yet a page that asks for it right
after its answer (from any worker) should find it. So the request's thread writes the command to
this connection without blocking and without waiting for the reply, before the answer is sent:
Redis has the command before the client has the answer. The writer thread reads the replies, sends
what a full socket buffer held back, and hands anything unacknowledged back to be written again
when the connection fails.

Plain TCP only (redis://): with TLS or a Unix socket the store uses its writer thread alone.
"""

import contextlib
import select
import socket
import threading
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from redis.connection import parse_url

BUFFER_LIMIT = 4 * 1024 * 1024
"""Bytes held back for a Redis that reads nothing (frozen); beyond them, writes go to the queue."""


def command(*args: bytes | str | int) -> bytes:
    """One command in Redis's protocol (RESP)."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def parse_reply(buffer: bytearray, start: int = 0) -> tuple[Any, int] | None:
    """The reply that starts at `start`, and where it ends; None while it is incomplete.

    Enough of RESP for what this pipe sends: integers, simple strings, errors, bulk strings and
    arrays of them. An error is returned as a RedisReplyError instance.
    """
    end = buffer.find(b"\r\n", start)
    if end < 0:
        return None
    kind, line = buffer[start : start + 1], bytes(buffer[start + 1 : end])
    after = end + 2
    if kind == b":":
        return int(line), after
    if kind == b"+":
        return line.decode(), after
    if kind == b"-":
        return RedisReplyError(line.decode(errors="replace")), after
    if kind == b"$":
        size = int(line)
        if size < 0:
            return None, after
        if len(buffer) < after + size + 2:
            return None
        return bytes(buffer[after : after + size]), after + size + 2
    if kind == b"*":
        count = int(line)
        items = []
        for _ in range(max(count, 0)):
            parsed = parse_reply(buffer, after)
            if parsed is None:
                return None
            item, after = parsed
            items.append(item)
        return items, after
    raise ValueError(f"not a Redis reply: {bytes(buffer[start : start + 20])!r}")


class RedisReplyError(Exception):
    pass


class Pipe:
    """One connection commands are written to without waiting; the writer thread reads the replies."""

    def __init__(
        self,
        url: str,
        timeout: float,
        acknowledged: Callable[[Any, Any], None],
        lost: Callable[[list[Any]], None],
    ) -> None:
        self.usable = urlsplit(url).scheme == "redis"
        self._settings = parse_url(url) if self.usable else {}
        self._timeout = timeout
        self._acknowledged = acknowledged
        """Called with what was sent and Redis's reply to it."""
        self._lost = lost
        """Called with what was sent but never acknowledged, when the connection fails."""
        self._lock = threading.Condition()
        self._sock: socket.socket | None = None
        self._out = bytearray()
        self._replies = bytearray()
        self._inflight: deque[Any] = deque()
        self._sent = 0
        self._done = 0
        """Commands sent, and commands acknowledged or handed back: settle() waits on these."""

    @property
    def connected(self) -> bool:
        return self._sock is not None

    def connect(self, node: tuple[str, int] | None = None) -> None:
        """Open the connection (AUTH and SELECT answered first), then make it non-blocking.

        `node`: on a Redis Cluster, the node that holds the keys written here (the URL names any).
        """
        if not self.usable or self._sock is not None:
            return
        settings = self._settings
        address = node or (settings.get("host", "localhost"), settings.get("port", 6379))
        sock = socket.create_connection(address, self._timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        setup = []
        if settings.get("password"):
            user = settings.get("username")
            setup.append(command("AUTH", *([user] if user else []), settings["password"]))
        if settings.get("db"):
            setup.append(command("SELECT", settings["db"]))
        buffer = bytearray()
        for request in setup:
            sock.sendall(request)
            while (parsed := parse_reply(buffer)) is None:
                chunk = sock.recv(4096)
                if not chunk:
                    raise ConnectionError("Redis closed the connection")
                buffer += chunk
            reply, used = parsed
            del buffer[:used]
            if isinstance(reply, RedisReplyError):
                sock.close()
                raise ConnectionError(str(reply))
        sock.setblocking(False)
        with self._lock:
            self._sock = sock

    def send(self, payload: bytes, what: Any) -> bool:
        """Write a command now, without blocking; False if it cannot go this way (then queue it)."""
        with self._lock:
            if self._sock is None or len(self._out) > BUFFER_LIMIT:
                return False
            self._inflight.append(what)
            self._sent += 1
            if not self._out:
                try:
                    sent = self._sock.send(payload)
                except BlockingIOError:
                    sent = 0
                except OSError:
                    self._fail_locked()
                    return True  # handed back through `lost`, to be written again
                payload = payload[sent:]
            self._out += payload
            return True

    def pump(self, timeout: float) -> None:
        """The writer thread's part: read replies, and write what the socket held back."""
        sock = self._sock
        if sock is None:
            return
        try:
            readable, writable, _ = select.select([sock], [sock] if self._out else [], [], timeout)
            if writable:
                with self._lock:
                    if self._out:
                        with contextlib.suppress(BlockingIOError):
                            del self._out[: sock.send(self._out)]
            if readable:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("Redis closed the connection")
                self._replies += chunk
                self._acknowledge()
        except (OSError, ValueError):
            with self._lock:
                self._fail_locked()

    def _acknowledge(self) -> None:
        while (parsed := parse_reply(self._replies)) is not None:
            reply, used = parsed
            del self._replies[:used]
            with self._lock:
                what = self._inflight.popleft()
            if isinstance(reply, RedisReplyError):
                self._lost([what])  # written again through the queue
            else:
                self._acknowledged(what, reply)
            with self._lock:
                self._done += 1
                self._lock.notify_all()
                if isinstance(reply, RedisReplyError) and str(reply).startswith(("MOVED", "ASK")):
                    # A cluster moved the keys' slot to another node: closed, the pipe opens again
                    # on the node that holds them now (what follows is written again meanwhile).
                    self._fail_locked()
                    return

    def settle(self, timeout: float) -> bool:
        """Wait until Redis acknowledged what this process had sent when it was called (a read in
        this process then sees it); what is sent meanwhile is not waited for. False on timeout."""
        with self._lock:
            target = self._sent
            return self._lock.wait_for(lambda: self._done >= target or self._sock is None, timeout)

    def _fail_locked(self) -> None:
        if self._sock is not None:
            self._sock.close()
        self._sock = None
        self._out.clear()
        self._replies.clear()
        lost = list(self._inflight)
        self._inflight.clear()
        self._done = self._sent
        self._lock.notify_all()
        if lost:
            self._lost(lost)

    def forget(self) -> None:
        """After a fork: the connection is the parent's; this process opens its own."""
        with self._lock:
            self._sock = None
            self._out.clear()
            self._replies.clear()
            self._inflight.clear()
            self._done = self._sent

    def close(self) -> None:
        with self._lock:
            if self._sock is not None:
                self._sock.close()
            self._sock = None

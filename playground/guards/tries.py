"""Failed tries per client address, so that a secret typed into a page cannot be guessed by trying.

The page for making classes (classes/page.py) counts each wrong class-making key against the address
that sent it; once an address has failed `limit` times within `window` seconds, every try from it is
refused (even one with the right key, so the limit tells a guesser nothing) until the window that
began with its first failure ends. Addresses count as ``request.remote_addr`` reads them, so behind
a proxy only with FLASK_PROXY_HOPS.

Two counters, as there are two stores: with FLASK_REDIS_URL one Redis key per address (its count, and
a time to live that ends the window), shared by every worker, so four workers do not give four times
the tries; without it, a table in this process, bounded in addresses (the oldest window goes first).
"""

import threading
import time
from collections import OrderedDict
from typing import Any, Protocol

TRIES = 5
"""Wrong keys an address may send within a window (FLASK_CLASS_KEY_TRIES)."""
WINDOW_SECONDS = 15 * 60
"""How long an address's failures count, from the first one."""
ADDRESSES = 10_000
"""Addresses the in-memory table remembers at most: the oldest is forgotten first."""


class Tries(Protocol):
    limit: int
    window: float

    def wait(self, client: str) -> float:
        """Seconds until `client` may try again: 0 when it may now."""
        ...

    def fail(self, client: str) -> None:
        """Count one failed try from `client`."""
        ...

    def take(self, client: str) -> float:
        """Count this try as failed before it is judged, in one step, so that tries sent together
        cannot all pass the check before any is counted; the seconds to wait when it is one too many
        (then it is not counted), else 0."""
        ...

    def forgive(self, client: str) -> None:
        """Take back the try `take` counted: it turned out not to be a wrong key."""
        ...


class MemoryTries:
    """Failed tries in this process's memory (the in-memory store: one process serves everyone)."""

    def __init__(
        self, limit: int = TRIES, window: float = WINDOW_SECONDS, addresses: int = ADDRESSES
    ) -> None:
        self.limit = limit
        self.window = window
        self.addresses = addresses
        self._lock = threading.Lock()
        self._failed: OrderedDict[str, tuple[float, int]] = OrderedDict()  # address -> (first, count)

    def wait(self, client: str) -> float:
        now = time.monotonic()
        with self._lock:
            first, count = self._failed.get(client, (now, 0))
            left = first + self.window - now
            if left <= 0:
                self._failed.pop(client, None)
                return 0.0
            return left if count >= self.limit else 0.0

    def fail(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._count(client, now)

    def take(self, client: str) -> float:
        now = time.monotonic()
        with self._lock:
            first, count = self._failed.get(client, (now, 0))
            if count >= self.limit and now - first < self.window:
                return first + self.window - now
            self._count(client, now)
            return 0.0

    def forgive(self, client: str) -> None:
        with self._lock:
            found = self._failed.get(client)
            if found is not None and found[1] > 0:
                self._failed[client] = (found[0], found[1] - 1)

    def _count(self, client: str, now: float) -> None:
        first, count = self._failed.pop(client, (now, 0))
        if now - first >= self.window:
            first, count = now, 0
        self._failed[client] = (first, count + 1)
        while len(self._failed) > self.addresses:
            self._failed.popitem(last=False)


FORGIVE = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end return 0"


class RedisTries:
    """Failed tries in Redis, one key per address that lives as long as its window: every worker counts
    into it."""

    def __init__(self, client: Any, prefix: str, limit: int = TRIES, window: float = WINDOW_SECONDS) -> None:
        self.redis = client
        self.prefix = prefix
        self.limit = limit
        self.window = window

    def _key(self, client: str) -> str:
        return f"{self.prefix}{client}"

    def wait(self, client: str) -> float:
        with self.redis.pipeline(transaction=False) as pipe:
            count, left_ms = pipe.get(self._key(client)).pttl(self._key(client)).execute()
        if count is None or int(count) < self.limit or left_ms <= 0:
            return 0.0
        return left_ms / 1000

    def fail(self, client: str) -> None:
        self._incr(client)

    def take(self, client: str) -> float:
        count, left_ms = self._incr(client)
        return left_ms / 1000 if count > self.limit and left_ms > 0 else 0.0

    def forgive(self, client: str) -> None:
        # Only while its window lasts: a DECR after the key expired would make a key of -1 with no
        # expiry (an extra try for that address, and a key Redis keeps for ever).
        self.redis.eval(FORGIVE, 1, self._key(client))

    def _incr(self, client: str) -> tuple[int, int]:
        """One more try counted, in one transaction: the count now, and ms left in its window."""
        key = self._key(client)
        with self.redis.pipeline(transaction=True) as pipe:
            # The window starts with the first failure (SET NX EX) and is not stretched by later ones.
            _set, count, left_ms = (
                pipe.set(key, 0, ex=max(1, int(self.window)), nx=True).incr(key).pttl(key).execute()
            )
        return int(count), int(left_ms)

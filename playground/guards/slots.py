"""Slots for what holds a server thread while it runs (a live log's stream, an export of the log):
at most so many at once in all, and so many per client address. Each user of it says, in its own
sentence, which limit refused a request."""

import threading
from collections import Counter


class Slots:
    """How many are open now, in all and per client address, and how many were refused."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.open = 0
        self.per_client: Counter[str] = Counter()
        self.refused = 0

    def take(self, client: str, limit: int, per_client: int) -> str | None:
        """Take one slot for `client`, or name the limit that refuses it: "client" (checked first) or
        "all"."""
        with self._lock:
            if self.per_client[client] >= per_client:
                refused = "client"
            elif self.open >= limit:
                refused = "all"
            else:
                self.open += 1
                self.per_client[client] += 1
                return None
            self.refused += 1
            return refused

    def give_back(self, client: str) -> bool:
        """Give a slot back; whether it was the last one open."""
        with self._lock:
            self.open -= 1
            self.per_client[client] -= 1
            if self.per_client[client] <= 0:
                del self.per_client[client]
            return self.open == 0

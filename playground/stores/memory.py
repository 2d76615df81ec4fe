"""The in-memory store: one process holds the log, the tally, the class's challenge and the teacher's key.

The default: `make run` and `make serve` need nothing else. Each exchange is kept the moment its
answer is ready, under one lock, so the log is in id order and a page finds its exchange at once.
"""

import itertools
import secrets
import threading
from collections import Counter, OrderedDict, deque
from typing import TYPE_CHECKING, Any

from flask import Flask

from . import ChallengeLimits, TallyLimits, challenge_results, tally_row

if TYPE_CHECKING:
    from ..recording.exchange import Exchange


class MemoryLog:
    """The newest exchanges, at most `capacity` of them and at most `max_bytes` of what they hold:
    memory stays flat however many arrive, and however large each one is."""

    available = True

    def __init__(self, capacity: int, max_bytes: int) -> None:
        self._exchanges: deque[Exchange] = deque()
        self.capacity = capacity
        self.max_bytes = max_bytes
        self.stored_bytes = 0
        self._ids = itertools.count(1)
        self.recorded = 0
        """How many exchanges were ever recorded (the log keeps the newest)."""
        self.cleared_through = 0
        """The newest exchange the teacher's last Clear emptied (0: never cleared)."""
        self.resets = 0
        """How many times the teacher reset the predictions: each open live log is told."""
        self._changed = threading.Condition()

    def add(self, exchange: "Exchange") -> None:
        """Number the exchange and keep it: under one lock, so the log stays in id order."""
        size = exchange.stored_bytes
        with self._changed:
            self.recorded = exchange.id = next(self._ids)
            self._exchanges.append(exchange)
            self.stored_bytes += size
            while len(self._exchanges) > 1 and (
                len(self._exchanges) > self.capacity or self.stored_bytes > self.max_bytes
            ):
                self.stored_bytes -= self._exchanges.popleft().stored_bytes
            self._changed.notify_all()

    def clear(self) -> int:
        """Empty the log; every live log waiting is woken to say so. Returns the newest id it emptied."""
        with self._changed:
            self._exchanges.clear()
            self.stored_bytes = 0
            self.cleared_through = self.recorded
            self._changed.notify_all()
            return self.cleared_through

    def predictions_reset(self) -> None:
        """Note that the teacher reset the predictions: every live log waiting is woken to say so."""
        with self._changed:
            self.resets += 1
            self._changed.notify_all()

    def marks(self) -> tuple[int, int]:
        """What the teacher did last, as live logs compare it: (cleared through, resets)."""
        with self._changed:
            return self.cleared_through, self.resets

    def after(self, last_id: int = 0, limit: int | None = None) -> list["Exchange"]:
        """The exchanges newer than `last_id`, oldest first (the first `limit` of them).

        Ids are consecutive, so the newer ones are the last (newest - last_id) of the log: taking them
        from the right costs what is returned, not the whole log (each open stream asks often).
        """
        with self._changed:
            if not self._exchanges:
                return []
            count = min(len(self._exchanges), self._exchanges[-1].id - last_id)
            if count <= 0:
                return []
            newest = list(itertools.islice(reversed(self._exchanges), count))
        newest.reverse()
        return newest if limit is None else newest[:limit]

    def fresh(self, last_id: int) -> list["Exchange"]:
        """What a live log sends next: the same as after(), here."""
        return self.after(last_id)

    def newest(self, limit: int) -> list["Exchange"]:
        """The newest `limit` exchanges, oldest first."""
        with self._changed:
            found = list(itertools.islice(reversed(self._exchanges), limit))
        found.reverse()
        return found

    def get(self, exchange_id: int) -> "Exchange | None":
        with self._changed:
            return next((e for e in self._exchanges if e.id == exchange_id), None)

    def tagged(self, tag: str, wait: float = 0) -> list["Exchange"]:
        """The exchanges a page tagged, oldest first. Kept before their answer left, so no waiting."""
        return [e for e in self.after(0) if e.tagged(tag)]

    def wait(self, last_id: int, timeout: float, marks: tuple[int, int] | None = None) -> list["Exchange"]:
        """Block until an exchange newer than `last_id` arrives, the teacher's marks move on from
        `marks` (a Clear, a reset of the predictions), or the timeout passes."""
        with self._changed:
            self._changed.wait_for(
                lambda: (
                    (bool(self._exchanges) and self._exchanges[-1].id > last_id)
                    or (marks is not None and (self.cleared_through, self.resets) != marks)
                ),
                timeout,
            )
        return self.after(last_id)

    def stats(self) -> dict[str, int]:
        with self._changed:
            return {
                "exchanges_kept": len(self._exchanges),
                "exchanges_bytes": self.stored_bytes,
                "exchanges_recorded": self.recorded,
            }

    def __len__(self) -> int:
        return len(self._exchanges)


class MemoryTally:
    """How the class predicted, per request shape."""

    def __init__(self, limits: TallyLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._shapes: dict[str, dict[str, Any]] = {}
        self._seen: OrderedDict[tuple[int, str], None] = OrderedDict()
        self._per_exchange: Counter[int] = Counter()

    def add(
        self, exchange_id: int, browser: str, address: str, shape: str, predicted: int, actual: int
    ) -> str | None:
        """Count one prediction, or say why not (the reason for a 409 or 429)."""
        with self._lock:
            limits = self.limits
            if (exchange_id, browser) in self._seen:
                return limits.already(exchange_id)
            entry = self._shapes.get(shape)
            if entry is not None and address in entry["voters"]:
                return limits.address_already(exchange_id)
            if self._per_exchange[exchange_id] >= limits.per_exchange:
                return limits.exchange_full(exchange_id)
            if entry is None and len(self._shapes) >= limits.shapes:
                return limits.tally_full()
            if entry is not None and len(entry["voters"]) >= limits.per_shape:
                return limits.shape_full(shape)
            self._seen[(exchange_id, browser)] = None
            if len(self._seen) > limits.remembered:
                old_id, _ = self._seen.popitem(last=False)[0]
                self._per_exchange.pop(old_id, None)
            self._per_exchange[exchange_id] += 1
            if entry is None:
                entry = self._shapes[shape] = {"predicted": Counter(), "right": 0, "voters": set()}
            entry["actual"] = actual
            entry["voters"].add(address)
            entry["predicted"][predicted] += 1
            entry["right"] += predicted == actual
            return None

    def clear(self) -> None:
        with self._lock:
            self._shapes.clear()
            self._seen.clear()
            self._per_exchange.clear()

    def rows(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                tally_row(shape, e["actual"], e["predicted"], e["right"])
                for shape, e in sorted(self._shapes.items())
            ]


class MemoryChallenge:
    """The challenge the teacher set and one record per browser of how it went (stores.ClassChallenge)."""

    def __init__(self, limits: ChallengeLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._challenge: str | None = None
        self._round = 0
        self._records: dict[str, tuple[bool, list[str]]] = {}
        self._per_address: Counter[str] = Counter()

    def set(self, challenge_id: str | None) -> int:
        with self._lock:
            self._challenge = challenge_id
            self._round += 1
            self._records.clear()
            self._per_address.clear()
            return self._round

    def current(self) -> tuple[str | None, int]:
        with self._lock:
            return self._challenge, self._round

    def report(
        self, challenge_id: str, browser: str, address: str, solved: bool, mistakes: list[str]
    ) -> str | None:
        limits = self.limits
        with self._lock:
            if self._challenge is None or challenge_id != self._challenge:
                return limits.not_set(challenge_id)
            before = self._records.get(browser)
            if before is None:
                if self._per_address[address] >= limits.per_address:
                    return limits.address_full()
                if len(self._records) >= limits.browsers:
                    return limits.full()
                self._per_address[address] += 1
            solved = solved or (before is not None and before[0])
            self._records[browser] = (solved, [] if solved else limits.kept(mistakes))
            return None

    def results(self) -> dict[str, Any]:
        with self._lock:
            return challenge_results(
                self._challenge, self._round, list(self._records.values()), self.limits.shown
            )


class MemoryStore:
    """Everything in this process: the embedded default."""

    kind = "memory"

    def __init__(self, app: Flask) -> None:
        self.log = MemoryLog(app.config["EXCHANGE_LOG_SIZE"], app.config["EXCHANGE_LOG_BYTES"])
        self.tally = MemoryTally(TallyLimits.of(app.config))
        self.challenge = MemoryChallenge(ChallengeLimits.of(app.config))
        # Generated at start unless set (FLASK_TEACHER_KEY): printed by make run and make serve.
        self._teacher_key = app.config.get("TEACHER_KEY") or secrets.token_urlsafe(18)

    def teacher_key(self) -> str:
        return self._teacher_key

    def close(self) -> None:
        """Nothing to let go: the log goes with the process."""

    def health(self) -> dict[str, Any]:
        return {"store": self.kind, "store_available": True, **self.log.stats()}

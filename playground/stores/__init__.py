"""Where the playground keeps what a class shares: the exchange log, the prediction tally, the
challenge the teacher set with how the class does on it, and the teacher's secret.

Two stores, one interface:

- the in-memory store (memory.py), the default: one process holds everything, and `make run` and
  `make serve` need no other service;
- the Redis store (redis_store.py), chosen by setting FLASK_REDIS_URL: every worker of every host
  shares one log, in one order, which is how a school deploys it (gunicorn with several workers).

Each store has `log` (add, after, newest, get, tagged, wait, clear, recorded, stats), `tally` (add,
clear, rows), `challenge` (a ClassChallenge: set, current, report, results) and `teacher_key()`. A
tally counts one prediction per exchange per browser and one per request shape per client address,
so a row never counts more predictions than addresses voted. The class's challenge keeps one record
per browser, a bounded number per address and in all. A store that cannot be read raises
LogUnavailable, which the pages and the API turn into one sentence; the endpoints never wait on a
store.
"""

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask


@dataclass(frozen=True)
class TallyLimits:
    """What bounds the prediction tally (each settable: FLASK_PREDICTION_SHAPES and so on)."""

    shapes: int = 200
    """Request shapes the tally holds until the teacher resets it."""
    per_exchange: int = 200
    """Predictions any one exchange can get."""
    per_shape: int = 200
    """Predictions (so addresses) any one request shape can get: a row's voters are remembered."""
    remembered: int = 20_000
    """How many (exchange, browser) pairs the tally remembers, to refuse a second prediction."""

    @classmethod
    def of(cls, config: Any) -> "TallyLimits":
        return cls(
            shapes=config.get("PREDICTION_SHAPES", cls.shapes),
            per_exchange=config.get("PREDICTIONS_PER_EXCHANGE", cls.per_exchange),
            per_shape=config.get("PREDICTIONS_PER_SHAPE", cls.per_shape),
            remembered=config.get("REMEMBERED_PREDICTIONS", cls.remembered),
        )

    def already(self, exchange_id: int) -> str:
        return f"This browser already predicted exchange {exchange_id}."

    def address_already(self, exchange_id: int) -> str:
        return (
            f"This address already predicted exchange {exchange_id} or another request of its shape: "
            "the tally counts each address once per shape."
        )

    def shape_full(self, shape: str) -> str:
        return f"The request shape {shape} has {self.per_shape} predictions already."

    def exchange_full(self, exchange_id: int) -> str:
        return f"Exchange {exchange_id} has {self.per_exchange} predictions already."

    def tally_full(self) -> str:
        return f"The tally is full ({self.shapes} request shapes): the teacher can reset it."


def tally_row(shape: str, actual: int, predicted: dict[int, int], right: int) -> dict[str, Any]:
    """One row of "How the class predicted", whichever store holds it."""
    return {
        "shape": shape,
        "actual": actual,
        "count": sum(predicted.values()),
        "right": right,
        "predicted": dict(sorted(predicted.items())),
    }


@dataclass(frozen=True)
class ChallengeLimits:
    """What bounds the class's records of the challenge the teacher set (FLASK_CHALLENGE_BROWSERS, ...)."""

    browsers: int = 500
    """Browsers (so records) one round of a challenge holds; a browser's later Checks replace its record."""
    per_address: int = 4
    """Browsers one client address can add to a round: fresh cookies don't make a new student each."""
    mistakes: int = 8
    """Mistakes one record keeps (a challenge has at most a few checks)."""
    mistake_chars: int = 160
    """Characters one mistake may have; longer ones are not kept."""
    shown: int = 10
    """The most common mistakes /log shows."""

    @classmethod
    def of(cls, config: Any) -> "ChallengeLimits":
        return cls(
            browsers=config.get("CHALLENGE_BROWSERS", cls.browsers),
            per_address=config.get("CHALLENGE_BROWSERS_PER_ADDRESS", cls.per_address),
        )

    def kept(self, mistakes: list[str]) -> list[str]:
        """The mistakes a record keeps: distinct, short enough, at most `mistakes` of them."""
        return sorted({mistake for mistake in mistakes if len(mistake) <= self.mistake_chars})[
            : self.mistakes
        ]

    def not_set(self, challenge_id: str) -> str:
        return f"The teacher has not set the challenge {challenge_id!r}: only the set challenge is reported."

    def address_full(self) -> str:
        return f"This address already reported for {self.per_address} browsers on this challenge."

    def full(self) -> str:
        return f"This challenge already has {self.browsers} browsers' results: the teacher can set it again."


class ClassChallenge(Protocol):
    """The challenge the teacher set (one at a time) and one record per browser of how it went.

    Setting a challenge, or stopping it, starts a new round: the records of the last one are dropped.
    A record is the browser's latest Check (its mistakes), except that solved stays solved.
    """

    limits: ChallengeLimits

    def set(self, challenge_id: str | None) -> int:
        """Set the class's challenge (None: stop it) and start a round afresh; returns its number."""
        ...

    def current(self) -> tuple[str | None, int]:
        """(the challenge set, or None; the round's number, 0 before any)."""
        ...

    def report(
        self, challenge_id: str, browser: str, address: str, solved: bool, mistakes: list[str]
    ) -> str | None:
        """Keep a browser's outcome, or say why not (the reason for a 409 or 429)."""
        ...

    def results(self) -> dict[str, Any]:
        """How the class does on the set challenge (challenge_results)."""
        ...


def challenge_results(
    challenge: str | None, round_: int, records: list[tuple[bool, list[str]]], shown: int
) -> dict[str, Any]:
    """The class's progress on one round, whichever store holds it: "Solved by N of M" and the most
    common mistakes, each counted once per browser whose latest Check made it, most common first."""
    mistakes: dict[str, int] = {}
    for _solved, made in records:
        for mistake in set(made):
            mistakes[mistake] = mistakes.get(mistake, 0) + 1
    common = sorted(mistakes.items(), key=lambda item: (-item[1], item[0]))[:shown]
    return {
        "challenge": challenge,
        "round": round_,
        "checked": len(records),
        "solved": sum(solved for solved, _ in records),
        "mistakes": [{"mistake": mistake, "count": count} for mistake, count in common],
    }


TAG_WAIT_SECONDS = 2.0
"""How long a look-up by tag waits for its exchange to reach a shared log (a page asks right after
its answer came, and another worker may still be handing the exchange over)."""


class UnsafeConfiguration(RuntimeError):
    """A configuration the playground refuses to start with; the message says why, in one line.

    An exception, not an exit: a server (gunicorn) then stops for good instead of restarting the
    worker again and again.
    """


class LogUnavailable(Exception):
    """The shared log cannot be read or written now; the message says so in one sentence."""


class Store(Protocol):
    kind: str
    log: Any
    tally: Any
    challenge: ClassChallenge

    def teacher_key(self) -> str: ...

    def health(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


def refusal(config: Mapping[str, Any]) -> str | None:
    """Why the playground must not start with this configuration, in one line; None if it may.

    create_app raises it, and gunicorn.conf.py says it before any worker starts.
    """
    if not config.get("REDIS_URL"):
        return None
    if not config.get("SECRET_KEY"):
        # Each worker would sign sessions and CSRF tokens with a key of its own: a form sent to one
        # worker and checked by another would fail.
        return (
            "FLASK_REDIS_URL is set but FLASK_SECRET_KEY is not: every worker must sign sessions "
            "with the same key, so set FLASK_SECRET_KEY (for example to the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`)."
        )
    if importlib.util.find_spec("redis") is None:
        return (
            "FLASK_REDIS_URL is set, but the Redis client is not installed: run `pip install -r "
            "requirements-deploy.txt` (or `pip install 'flask-status-playground[deploy]'`)."
        )
    return None


def open_store(app: Flask) -> Store:
    """The store the configuration asks for: Redis with REDIS_URL (FLASK_REDIS_URL), memory otherwise."""
    url = app.config.get("REDIS_URL")
    if url:
        from .redis_store import RedisStore

        return RedisStore(app, url)
    from .memory import MemoryStore

    return MemoryStore(app)

"""Where the playground keeps what a class shares: the exchange log, the prediction tally and the
teacher's secret.

Two stores, one interface:

- the in-memory store (memory.py), the default: one process holds everything, and `make run` and
  `make serve` need no other service;
- the Redis store (redis_store.py), chosen by setting FLASK_REDIS_URL: every worker of every host
  shares one log, in one order, which is how a school deploys it (gunicorn with several workers).

Each store has `log` (add, after, newest, get, tagged, wait, clear, recorded, stats), `tally` (add,
clear, rows) and `teacher_key()`. A tally counts one prediction per exchange per browser and one per
request shape per client address, so a row never counts more predictions than addresses voted. A
store that cannot be read raises LogUnavailable, which the pages and the API turn into one sentence;
the endpoints never wait on a store.
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

"""Which classes exist: their codes, names and teacher keys, and when each was last used.

A class code is the only thing between one class and another's log, so it is unguessable: 80 random
bits (secrets.token_bytes), written in lower-case base32 (16 letters and digits, nothing a phone
keyboard or a projector mangles). A code that does not have that shape is refused before any store
is asked.

Two registries, as there are two stores: with FLASK_REDIS_URL the classes live in Redis, one hash per
class (``<prefix>{<code>}:class``, under the class's own hash tag, beside its log) and one sorted set
of codes by last use (``<prefix>classes``), so that every worker and the ``flask class`` commands see
the same classes; without it, in this process's memory. A class unused for FLASK_CLASS_IDLE_DAYS is
gone: its hash expires on its own, and a sweep (on every create and list) deletes its log, tally and
teacher key, so Redis does not grow with every class ever made.

At most FLASK_CLASS_LIMIT classes exist at once: both registries refuse the next one
(ClassLimitReached), whether the ``flask class create`` command or the page for making classes asks,
so neither a script nor a leaked class-making key can fill Redis.
"""

import base64
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

CODE_BYTES = 10
"""80 random bits: at a thousand guesses a second, finding one of 1,000 classes takes 38,000 years."""
CODE = re.compile(r"[a-z2-7]{16}")
IDLE_DAYS = 30
"""A class nobody opened for this many days is deleted with everything it holds (FLASK_CLASS_IDLE_DAYS)."""
NAME_CHARS = 80
"""A class's name is at most this long (it is shown on its pages and in ``class list``)."""
LIMIT = 500
"""At most this many classes exist at once (FLASK_CLASS_LIMIT); idle ones are swept before counting."""


class ClassLimitReached(ValueError):
    """The deployment has as many classes as FLASK_CLASS_LIMIT allows."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"This deployment has {limit} classes, its limit (FLASK_CLASS_LIMIT): delete one that is "
            "no longer used (`flask --app playground class delete CODE`) or raise the limit."
        )
        self.limit = limit


def new_code() -> str:
    """A fresh class code: 80 random bits in lower-case base32, 16 characters."""
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode().lower()


def is_code(text: str) -> bool:
    """Whether `text` has a class code's shape (the store is never asked about anything else)."""
    return CODE.fullmatch(text) is not None


ENLIST = """
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return -1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
"""
"""Add a class's code to the index unless it is there already (-1) or the index is full (0)."""


@dataclass(frozen=True)
class ClassInfo:
    code: str
    name: str
    teacher_key: str
    created: float
    last_used: float


class Registry(Protocol):
    idle_seconds: float
    limit: int

    def create(self, name: str) -> ClassInfo: ...

    def get(self, code: str) -> ClassInfo | None: ...

    def touch(self, code: str) -> None: ...

    def every(self) -> list[ClassInfo]: ...

    def delete(self, code: str) -> bool: ...


def _name(name: str) -> str:
    name = " ".join(name.split())
    # Control characters and invisible format marks (bidi overrides, zero-width ones) would reach
    # the operator's terminal in ``class list``, or turn a name around on the class's pages.
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in name):
        raise ValueError(
            "A class's name can't hold control characters or invisible marks (such as a change of "
            "text direction): type it again as plain text."
        )
    if not name:
        raise ValueError('A class needs a name, for example "Period 3".')
    if len(name) > NAME_CHARS:
        raise ValueError(f"A class's name is at most {NAME_CHARS} characters; this one has {len(name)}.")
    return name


class MemoryRegistry:
    """The classes of this process (the in-memory store): gone when it stops."""

    def __init__(self, idle_seconds: float, limit: int = LIMIT) -> None:
        self.idle_seconds = idle_seconds
        self.limit = limit
        self._lock = threading.Lock()
        self._classes: dict[str, ClassInfo] = {}

    def create(self, name: str) -> ClassInfo:
        now = time.time()
        info = ClassInfo(new_code(), _name(name), secrets.token_urlsafe(18), now, now)
        with self._lock:
            self._sweep(now)
            if len(self._classes) >= self.limit:
                raise ClassLimitReached(self.limit)
            self._classes[info.code] = info
        return info

    def get(self, code: str) -> ClassInfo | None:
        if not is_code(code):
            return None
        with self._lock:
            self._sweep(time.time())
            return self._classes.get(code)

    def touch(self, code: str) -> None:
        with self._lock:
            info = self._classes.get(code)
            if info is not None:
                self._classes[code] = ClassInfo(
                    info.code, info.name, info.teacher_key, info.created, time.time()
                )

    def every(self) -> list[ClassInfo]:
        with self._lock:
            self._sweep(time.time())
            return sorted(self._classes.values(), key=lambda info: info.created)

    def delete(self, code: str) -> bool:
        with self._lock:
            return self._classes.pop(code, None) is not None

    def _sweep(self, now: float) -> None:
        for code, info in list(self._classes.items()):
            if now - info.last_used > self.idle_seconds:
                del self._classes[code]


class RedisRegistry:
    """The classes in Redis: every worker of every host, and the ``flask class`` commands, share them."""

    def __init__(
        self,
        client: Any,
        prefix: str,
        idle_seconds: float,
        class_keys: Iterable[str],
        limit: int = LIMIT,
    ) -> None:
        self.redis = client
        self.prefix = prefix
        self.idle_seconds = idle_seconds
        self.limit = limit
        self.index = f"{prefix}classes"
        self._class_keys = tuple(class_keys)
        self._enlist = client.register_script(ENLIST)

    def class_prefix(self, code: str) -> str:
        """Where a class's keys live: its code as a Redis Cluster hash tag, so one node holds them all."""
        return f"{self.prefix}{{{code}}}:"

    def _meta(self, code: str) -> str:
        return f"{self.class_prefix(code)}class"

    def create(self, name: str) -> ClassInfo:
        now = time.time()
        info = ClassInfo(new_code(), _name(name), secrets.token_urlsafe(18), now, now)
        self.sweep()
        # The index first, counted and added by one script (every worker and the command at once
        # cannot pass the limit together); it touches the index alone, so it runs on a cluster too.
        enlisted = self._enlist(keys=[self.index], args=[info.code, repr(now), self.limit])
        if enlisted == 0:
            raise ClassLimitReached(self.limit)
        meta = self._meta(info.code)
        # NX: two codes never collide in practice (80 bits), and a collision must not take a class over.
        if enlisted < 0 or not self.redis.hsetnx(meta, "teacher", info.teacher_key):
            raise RuntimeError("A class with this code exists already; try again.")
        self.redis.hset(meta, mapping={"name": info.name, "created": repr(now)})
        self.redis.expire(meta, int(self.idle_seconds))
        return info

    def get(self, code: str) -> ClassInfo | None:
        if not is_code(code):
            return None
        with self.redis.pipeline(transaction=False) as pipe:
            fields, last_used = pipe.hgetall(self._meta(code)).zscore(self.index, code).execute()
        if not fields or b"teacher" not in fields or b"name" not in fields:
            return None
        last_used = float(last_used or fields.get(b"created") or 0)
        if time.time() - last_used > self.idle_seconds:
            return None
        created = float(fields.get(b"created") or last_used)
        return ClassInfo(code, fields[b"name"].decode(), fields[b"teacher"].decode(), created, last_used)

    def touch(self, code: str) -> None:
        """The class was used now: its idle time starts again (its hash's expiry and its index score)."""
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.expire(self._meta(code), int(self.idle_seconds)).zadd(
                self.index, {code: time.time()}, xx=True
            )
            pipe.execute()

    def every(self) -> list[ClassInfo]:
        self.sweep()
        found = [self.get(member.decode()) for member in self.redis.zrange(self.index, 0, -1)]
        return sorted((info for info in found if info is not None), key=lambda info: info.created)

    def delete(self, code: str) -> bool:
        """Delete the class and everything it holds (one DEL: its keys share one hash slot)."""
        if not is_code(code):
            return False
        keys = [self._meta(code), *(f"{self.class_prefix(code)}{name}" for name in self._class_keys)]
        removed = self.redis.delete(*keys)
        return bool(self.redis.zrem(self.index, code)) or bool(removed)

    def sweep(self) -> list[str]:
        """Delete every class idle longer than the idle time, with its log and tally; returns their codes."""
        idle = [
            m.decode() for m in self.redis.zrangebyscore(self.index, "-inf", time.time() - self.idle_seconds)
        ]
        for code in idle:
            self.delete(code)
        return idle

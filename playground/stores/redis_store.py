"""The Redis store: one log for every worker of every host, in one order (FLASK_REDIS_URL).

The shape request-capture tools use (RequestBin, webhook.site), kept in a few keys under one prefix:

- ``log``: a Redis Stream, one entry per exchange, its entry id ``<exchange id>-0``. Ids come from
  ``ids`` (INCR) inside the same Lua script that adds the entry, so they are in one order across
  processes. The script trims the log to EXCHANGE_LOG_SIZE entries and EXCHANGE_LOG_BYTES bytes
  (``bytes``), as the in-memory log is trimmed. The teacher's actions leave markers in it, ids
  ``<last id>-<n>`` (after the newest exchange, before the next): a Clear (``clear``: the newest id
  it emptied, also kept in ``cleared``) and a reset of the predictions (``reset``: the count of
  resets, also in ``resets``). Each process's tail turns a marker into an event on its live logs.
- ``tags``: a sorted set of ``<tag>\\0<id>``, to find a page's own exchanges without a scan.
- ``pred:*``: the prediction tally, changed by one Lua script, so its limits hold across workers
  (``pred:voters`` holds each row's addresses: a row counts an address once).
- ``challenge:*``: the challenge the teacher set (``challenge:current``, its id and round) and one
  record per browser of how it went (``challenge:records``; ``challenge:addresses`` counts each
  address's browsers), changed by Lua scripts, so their limits hold across workers.
- ``teacher``: the teacher's key, set once by whichever process asks first.

Every one of these keys carries one Redis Cluster hash tag (key_prefix(): ``{main}`` for the
deployment at ``/``, the class's code for a class), so one node holds all of a class's keys and each
script touches keys of one slot. With FLASK_REDIS_CLUSTER the store speaks to a Redis Cluster
(connect()): a school's classes are spread over its nodes, and each class's keys live on one.

Nothing here is on an endpoint's path. The recorder hands each exchange to a writer thread, which
sends what has piled up in one script call: the answer never waits on Redis. If Redis is down or
slow, the writer keeps what it holds (up to a bound) and tries again; the pages say the log is
unavailable; recording resumes when Redis answers. Each process also follows the stream with one
blocking read (the tail), so its open live logs wait on a local condition, not on Redis, and the
events they send are rendered once per process.

Exchanges are stored masked (Exchange.record()): a password a learner sent never reaches Redis.
"""

import atexit
import json
import logging
import os
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import redis  # requirements-deploy.txt; stores.refusal says what to run when it is missing
from flask import Flask
from redis.exceptions import RedisClusterException

from ..recording.exchange import Exchange
from . import TAG_WAIT_SECONDS, ChallengeLimits, LogUnavailable, TallyLimits, challenge_results, tally_row
from .pipe import Pipe, command

logger = logging.getLogger(__name__)

WRITE_BATCH = 100
"""At most this many exchanges in one script call."""
PENDING_LIMIT = 2000
"""Exchanges a process holds while Redis is away; beyond it the oldest are dropped (and counted)."""
TAIL_SIZE = 200
"""Exchanges each process keeps from following the stream: what its live logs read."""
TAIL_BLOCK_MS = 2000
"""How long the tail's blocking read waits before it asks again."""
READ_TIMEOUT = 1.0
"""Seconds a page's read waits on Redis before it says the log is unavailable."""
RETRY_SECONDS = 0.5
"""How soon the writer and the tail try again after Redis failed them."""
TAIL_IDLE_SECONDS = 10.0
"""The tail stops reading the stream once no live log of its process has waited for this long."""
TAG_POLL_SECONDS = 0.05
"""How often a look-up by tag that found nothing asks again, until TAG_WAIT_SECONDS have passed."""
FAST_FAIL_SECONDS = 1.0
"""After a failure, reads fail at once for this long instead of each waiting READ_TIMEOUT."""
ERRORS = (redis.RedisError, RedisClusterException)
"""What a Redis, or a Redis Cluster with a node away, raises (the cluster's own errors are no RedisError)."""
MAIN_TAG = "main"
"""The hash tag of the deployment's own keys (those of the class at ``/``)."""

ADD = """
local ids, log, bytes, tags = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local cap, max_bytes = tonumber(ARGV[1]), tonumber(ARGV[2])
local given = {}
for i = 3, #ARGV, 3 do
  local id = redis.call('INCR', ids)
  local record, size, tag = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if tag ~= '' then
    redis.call('XADD', log, id .. '-0', 'x', record, 's', size, 't', tag)
    redis.call('ZADD', tags, 0, tag .. '\\0' .. id)
  else
    redis.call('XADD', log, id .. '-0', 'x', record, 's', size)
  end
  redis.call('INCRBY', bytes, size)
  given[#given + 1] = id
end
local total = tonumber(redis.call('GET', bytes) or '0')
local length = redis.call('XLEN', log)
while length > 1 and (length > cap or total > max_bytes) do
  local oldest = redis.call('XRANGE', log, '-', '+', 'COUNT', 1)[1]
  local fields, size, tag = oldest[2], 0, nil
  for j = 1, #fields, 2 do
    if fields[j] == 's' then size = tonumber(fields[j + 1]) end
    if fields[j] == 't' then tag = fields[j + 1] end
  end
  redis.call('XDEL', log, oldest[1])
  if tag then redis.call('ZREM', tags, tag .. '\\0' .. string.match(oldest[1], '^(%d+)')) end
  total = total - size
  length = length - 1
end
redis.call('SET', bytes, total)
return given
"""

CLEAR = """
local ids, log, bytes, tags, cleared = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
-- Trimmed, not deleted: the stream remembers its last id, so the marker comes after every entry
-- a tail has read (a reset's marker included), and each tail reads it.
redis.call('XTRIM', log, 'MAXLEN', 0)
redis.call('DEL', bytes, tags)
local last = tonumber(redis.call('GET', ids) or '0')
redis.call('SET', cleared, last)
redis.call('XADD', log, last .. '-*', 'clear', last)
return last
"""

RESET = """
local ids, log, resets = KEYS[1], KEYS[2], KEYS[3]
local count = redis.call('INCR', resets)
local last = tonumber(redis.call('GET', ids) or '0')
redis.call('XADD', log, last .. '-*', 'reset', count)
return count
"""

PREDICT = """
local seen, per, shapes, seq, voters = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local exchange, browser, address, shape, predicted = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local actual = tonumber(ARGV[6])
local per_exchange, max_shapes, remembered = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local per_shape = tonumber(ARGV[10])
local pair = exchange .. ':' .. browser
local voter = shape .. '\\0' .. address
if redis.call('ZSCORE', seen, pair) then return 'already' end
if redis.call('SISMEMBER', voters, voter) == 1 then return 'address-already' end
if tonumber(redis.call('HGET', per, exchange) or '0') >= per_exchange then return 'exchange-full' end
local entry = redis.call('HGET', shapes, shape)
if not entry and redis.call('HLEN', shapes) >= max_shapes then return 'tally-full' end
local e = entry and cjson.decode(entry) or {predicted = {}, right = 0, count = 0}
if (e.count or 0) >= per_shape then return 'shape-full' end
redis.call('ZADD', seen, redis.call('INCR', seq), pair)
if redis.call('ZCARD', seen) > remembered then
  local oldest = redis.call('ZPOPMIN', seen)
  redis.call('HDEL', per, string.match(oldest[1], '^(%d+):'))
end
redis.call('HINCRBY', per, exchange, 1)
redis.call('SADD', voters, voter)
e.actual = actual
e.count = (e.count or 0) + 1
e.predicted[predicted] = (e.predicted[predicted] or 0) + 1
if tonumber(predicted) == actual then e.right = e.right + 1 end
redis.call('HSET', shapes, shape, cjson.encode(e))
return 'ok'
"""


KEY_NAMES = (
    "ids",
    "log",
    "bytes",
    "tags",
    "teacher",
    "cleared",
    "resets",
    "pred:seen",
    "pred:per",
    "pred:shapes",
    "pred:seq",
    "pred:voters",
    "challenge:current",
    "challenge:records",
    "challenge:addresses",
)
"""Every key the store keeps under its prefix: deleting them all deletes a class (classes/registry.py)."""


def hash_tag(key: str) -> str | None:
    """The part of `key` Redis Cluster hashes, as Redis finds it: between the first ``{`` and the
    first ``}`` after it, when that is not empty; None when the whole key is hashed."""
    start = key.find("{")
    end = key.find("}", start + 1) if start >= 0 else -1
    return key[start + 1 : end] if end > start + 1 else None


def key_prefix(prefix: str) -> str:
    """Where a store keeps its keys: under `prefix`, with a hash tag of their own unless `prefix`
    has one (a class's: its code), so that a Redis Cluster keeps them all on one node."""
    return prefix if hash_tag(prefix) is not None else f"{prefix}{{{MAIN_TAG}}}:"


def connect(url: str, cluster: bool, socket_timeout: float) -> "redis.Redis":
    """A client for the Redis at `url`, or for the Redis Cluster `url` names one node of.

    A cluster's client asks that node for the others and their slots at once, so it raises
    LogUnavailable, in one sentence, when no node answers.
    """
    options = {"socket_timeout": socket_timeout, "socket_connect_timeout": READ_TIMEOUT, "protocol": 2}
    if not cluster:
        return redis.Redis.from_url(url, **options)
    try:
        return redis.RedisCluster.from_url(url, **options)  # type: ignore[return-value]
    except ERRORS as error:
        raise LogUnavailable(
            f"The Redis Cluster at {where(url)} does not answer ({error}): start its nodes (and join "
            "them once with `redis-cli --cluster create`), or unset FLASK_REDIS_CLUSTER for one Redis."
        ) from error


def where(url: str) -> str:
    """The Redis address to name in a message: host and port, never a password."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}" if parts.scheme != "unix" else parts.path


Entry = tuple[str, int, str]
"""An exchange as the ADD script takes it: its record (JSON, ASCII), the record's size, its tag."""


def _entry(exchange: Exchange) -> Entry:
    record = json.dumps(exchange.record(), separators=(",", ":"), default=str)
    return record, len(record), exchange.tag or ""


def _id_of(entry_id: bytes) -> int:
    return int(entry_id.split(b"-")[0])


def _restore(entry_id: bytes, fields: dict[bytes, bytes]) -> Exchange:
    record = json.loads(fields[b"x"])
    record["id"] = _id_of(entry_id)
    exchange = Exchange.restored(record)
    tag = fields.get(b"t")
    exchange.__dict__["tag"] = tag.decode() if tag is not None else None
    return exchange


def _marks(values: list[bytes | None]) -> tuple[int, int]:
    """(cleared through, resets) from the two keys that keep them."""
    return int(values[0] or 0), int(values[1] or 0)


def _exchanges(entries: list[tuple[bytes, dict[bytes, bytes]]]) -> list[Exchange]:
    """The exchanges among a stream's entries (a clear leaves a marker, which is no exchange)."""
    return [_restore(entry_id, fields) for entry_id, fields in entries if b"x" in fields]


class RedisLog:
    """The exchange log in a Redis Stream, with the same methods as the in-memory log."""

    def __init__(self, store: "RedisStore", capacity: int, max_bytes: int) -> None:
        self.store = store
        self.capacity = capacity
        self.max_bytes = max_bytes
        keys = store.keys
        self._log_keys = [keys["ids"], keys["log"], keys["bytes"], keys["tags"]]
        self._add = store.redis.register_script(ADD)
        self._pipe = Pipe(store.url, READ_TIMEOUT, self._acknowledged, self._requeue)
        self._clear = store.redis.register_script(CLEAR)
        self._reset = store.redis.register_script(RESET)
        self._pending: deque[Entry] = deque()
        self._wake = threading.Event()
        self.dropped = 0
        """Exchanges dropped because Redis stayed away while more than PENDING_LIMIT piled up."""
        # The tail: what this process has read of the stream, newest last.
        self._changed = threading.Condition()
        self._tail: OrderedDict[int, Exchange] = OrderedDict()
        self._floor = 1
        """The tail holds every exchange from this id on (older ones are read from Redis)."""
        self._latest = 0
        self._marks = (0, 0)
        """(cleared through, resets) as the tail last read them: what its live logs compare."""
        self._following = False
        self._tail_failed = False
        self._waiters = 0
        """Live logs of this process waiting for news now: the tail follows the stream only for them."""
        self._last_waited = 0.0
        self._pid = 0
        self._flushing = threading.Lock()
        self._closed = threading.Event()

    # -- Writing: off the request's path ------------------------------------------------------

    def add(self, exchange: Exchange) -> None:
        """Write the exchange without waiting for Redis: no round trip on the endpoint's answer.

        Down the pipe when it is open (Redis has it before the client has the answer), else to the
        writer thread's queue (Redis away, or the queue not yet drained: the order is kept).
        """
        if self._pid != os.getpid():
            self.start()
        # Serialized now, once: what waits is a few strings, not the exchange's objects (a queue of
        # them would slow every garbage collection of the worker while Redis is away).
        entry = _entry(exchange)
        if not self._pending and self._pipe.connected:
            keys = self._log_keys
            payload = command("EVALSHA", self._add.sha, len(keys), *keys, *self._args([entry]))
            if self._pipe.send(payload, [entry]):
                return
        if len(self._pending) >= PENDING_LIMIT:
            self._pending.popleft()
            self.dropped += 1
        self._pending.append(entry)
        self._wake.set()

    def start(self, connect: bool = False) -> None:
        """The writer and the tail threads, in this process (again after a fork: threads don't follow).

        `connect` opens the pipe first, so that the first exchange already goes down it: at start
        (create_app, in each gunicorn worker), never on a request's path.
        """
        with self._changed:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._following = False
        self._pipe.forget()  # a pipe opened before a fork belongs to the parent
        if connect:
            self._open_pipe()
        threading.Thread(target=self._write_forever, name="playground-redis-writer", daemon=True).start()
        threading.Thread(target=self._follow_forever, name="playground-redis-tail", daemon=True).start()
        atexit.register(self.close)

    def close(self) -> None:
        """Send what is pending, and let this process's threads end (a test's app, a worker's exit)."""
        self._pipe.settle(READ_TIMEOUT)
        self.flush()
        self._closed.set()
        self._wake.set()
        self._pipe.close()

    def _write_forever(self) -> None:
        while not self._closed.is_set():
            try:
                self._write_once()
            except Exception:
                # The writer must outlive anything: a lost exchange is better than a lost recorder.
                if self._closed.is_set():
                    return
                logger.exception("The shared log's writer failed; it carries on")
                time.sleep(RETRY_SECONDS)

    def _write_once(self) -> None:
        if self._pipe.connected:
            # Replies to what the request threads wrote, and what a full socket held back.
            self._pipe.pump(timeout=0.2)
            if self._pending:
                self.flush()
            return
        if self.flush() and not self._closed.is_set():
            self._open_pipe()  # Redis answers: from now on, exchanges go down the pipe
            if self._pipe.connected:
                return
        self._wake.wait(timeout=RETRY_SECONDS)
        self._wake.clear()

    def _open_pipe(self) -> None:
        """Redis answers again (or for the first time): open the pipe, the script loaded first."""
        if not self._pipe.usable:
            return
        try:
            self.store.redis.script_load(ADD)
            self._pipe.connect(self.store.node())
        except (*ERRORS, OSError) as error:
            self.store.failed(error)

    def flush(self) -> bool:
        """Send what is pending, in batches; False if Redis failed (what was not sent stays pending).

        The writer thread calls it, and so does a read in this process (read your own writes), under
        one lock, so batches go in the order they came.
        """
        with self._flushing:
            return self._flush()

    def _args(self, batch: list[Entry]) -> list[Any]:
        """The ADD script's arguments: the log's bounds, then each exchange's record, size and tag."""
        return [self.capacity, self.max_bytes, *(part for entry in batch for part in entry)]

    def _flush(self) -> bool:
        while self._pending:
            batch = [self._pending.popleft() for _ in range(min(WRITE_BATCH, len(self._pending)))]
            try:
                self._add(keys=self._log_keys, args=self._args(batch))
            except ERRORS as error:
                self._pending.extendleft(reversed(batch))
                self.store.failed(error)
                return False
            self.store.recovered()
        return True

    def _acknowledged(self, batch: list[Entry], reply: Any) -> None:
        """Redis took what the pipe sent (its reply: the ids given); the store answers."""
        self.store.recovered()

    def _requeue(self, batches: list[list[Entry]]) -> None:
        """What the pipe sent but Redis never acknowledged: first in the queue, to be written again."""
        self._pending.extendleft(reversed([entry for batch in batches for entry in batch]))
        self._wake.set()

    # -- Following the stream: one blocking read per process ----------------------------------

    def _follow_forever(self) -> None:
        while not self._closed.is_set():
            try:
                # A cluster's client asks its nodes for the slots now: it fails while they are away.
                client = self.store.client(socket_timeout=TAIL_BLOCK_MS / 1000 + 3)
            except LogUnavailable as error:
                self._stop_following(error)
                self._closed.wait(RETRY_SECONDS)
                continue
            try:
                self._follow(client)
            finally:
                client.close()

    def _follow(self, client: "redis.Redis") -> None:
        last: bytes | None = None
        while not self._closed.is_set():
            if not self._wanted():
                last = None  # idle: nothing of the stream is read until a live log opens
                continue
            try:
                if last is None:
                    newest = client.xrevrange(self.store.keys["log"], count=1)
                    last = newest[0][0] if newest else b"0-0"
                    marks = _marks(client.mget(self.store.keys["cleared"], self.store.keys["resets"]))
                    with self._changed:
                        self._tail.clear()
                        self._marks = marks
                        self._latest = _id_of(last)
                        self._floor = self._latest + 1
                        self._following = True
                        self._tail_failed = False
                        self._changed.notify_all()
                    self.store.recovered()
                reply = client.xread({self.store.keys["log"]: last}, count=TAIL_SIZE, block=TAIL_BLOCK_MS)
            except Exception as error:
                if self._closed.is_set():
                    return
                if not isinstance(error, ERRORS):
                    logger.exception("The shared log's tail failed; it starts again")
                self._stop_following(error)
                last = None
                time.sleep(RETRY_SECONDS)
                continue
            for _stream, entries in reply or []:
                self._take(entries)
                last = entries[-1][0]

    def _take(self, entries: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        with self._changed:
            for entry_id, fields in entries:
                if b"clear" in fields:
                    # Cleared: what the tail holds is gone; newer exchanges start after the marker.
                    self._tail.clear()
                    self._floor = _id_of(entry_id) + 1
                    self._marks = (max(self._marks[0], _id_of(entry_id)), self._marks[1])
                    continue
                if b"reset" in fields:
                    self._marks = (self._marks[0], max(self._marks[1], int(fields[b"reset"])))
                    continue
                exchange = _restore(entry_id, fields)
                self._tail[exchange.id] = exchange
                self._latest = max(self._latest, exchange.id)
            while len(self._tail) > TAIL_SIZE:
                oldest, _ = self._tail.popitem(last=False)
                self._floor = oldest + 1
            self._changed.notify_all()

    def _wanted(self) -> bool:
        """Whether a live log of this process waited lately; if none, the tail stops reading (an
        endpoint's worker then spends nothing on the stream) and waits, a second at a time, for one."""
        with self._changed:
            if self._waiters or time.monotonic() - self._last_waited < TAIL_IDLE_SECONDS:
                return True
            if self._following:
                self._following = False
                self._tail.clear()
            self._changed.wait_for(lambda: self._waiters > 0 or self._closed.is_set(), timeout=1.0)
            return False

    def _stop_following(self, error: Exception) -> None:
        with self._changed:
            self._following = False
            self._tail_failed = True
            self._changed.notify_all()
        self.store.failed(error)

    def _from_tail(self, last_id: int) -> list[Exchange] | None:
        """The exchanges after last_id from the tail (all of them from its floor to the newest it
        read, in order); None when the tail does not reach back so far."""
        self._ready(settle=False)
        with self._changed:
            if not self._following or last_id + 1 < self._floor:
                return None
            return [exchange for exchange_id, exchange in self._tail.items() if exchange_id > last_id]

    # -- Reading ------------------------------------------------------------------------------

    def _ready(self, settle: bool = True) -> None:
        """Before a read: this process's threads running, its own exchanges written, and (settle)
        what any worker sent before this read began executed by Redis.

        The last takes one round trip: Redis runs every command that reached it before a PING
        before it answers the PING (it answers a batch of ready connections after running them
        all), so a read sent after that answer sees an exchange another worker wrote just before
        its endpoint answered, even when Redis was busy (an fsync) and both arrived together.
        """
        if self._pid != os.getpid():
            self.start()
        if not settle:
            return  # a live log: the tail wakes it for whatever arrives, in order
        # Always through the lock: the writer may have taken the last batch and be sending it now.
        self.flush()
        self._pipe.settle(READ_TIMEOUT)
        self.store.read(self.store.ping)

    def after(self, last_id: int = 0, limit: int | None = None) -> list[Exchange]:
        """The exchanges after `last_id`, read from Redis: what every worker wrote until now."""
        self._ready()
        count = limit if limit is not None else self.capacity + 1
        entries = self.store.read(
            lambda r: r.xrange(self.store.keys["log"], f"{last_id + 1}-0", "+", count=count)
        )
        return _exchanges(entries)

    def fresh(self, last_id: int) -> list[Exchange]:
        """What a live log sends next: from this process's tail, which woke it (Redis if the tail
        does not reach back to `last_id`: at most a page of the log, the rest on its next turn)."""
        found = self._from_tail(last_id)
        if found is not None:
            return found
        key = self.store.keys["log"]
        return _exchanges(self.store.read(lambda r: r.xrange(key, f"{last_id + 1}-0", "+", count=TAIL_SIZE)))

    def newest(self, limit: int) -> list[Exchange]:
        self._ready()
        entries = self.store.read(lambda r: r.xrevrange(self.store.keys["log"], count=limit + 1))
        return _exchanges(entries[::-1])[-limit:]

    def get(self, exchange_id: int) -> Exchange | None:
        self._ready()
        found = self._read_ids([exchange_id])
        return found[0] if found else None

    def _read_ids(self, ids: list[int]) -> list[Exchange]:
        """The exchanges with these ids that the log still holds, in one round trip."""

        def read(r: "redis.Redis") -> list[Any]:
            with r.pipeline(transaction=False) as pipe:
                for exchange_id in ids:
                    pipe.xrange(self.store.keys["log"], f"{exchange_id}-0", f"{exchange_id}-0")
                return pipe.execute()

        return [exchange for entries in self.store.read(read) for exchange in _exchanges(entries)]

    def tagged(self, tag: str, wait: float = TAG_WAIT_SECONDS) -> list[Exchange]:
        """A page's own exchanges, oldest first. Another worker may still be handing the newest one
        over, so a look-up that finds nothing waits for it a little (until `wait` has passed)."""
        ends = time.monotonic() + wait
        self._ready()
        low, high = b"[" + tag.encode() + b"\0", b"(" + tag.encode() + b"\1"
        while True:
            members = self.store.read(lambda r: r.zrangebylex(self.store.keys["tags"], low, high))
            if members:
                return self._read_ids(sorted(int(member.rsplit(b"\0", 1)[1]) for member in members))
            left = ends - time.monotonic()
            if left <= 0:
                return []
            time.sleep(min(left, TAG_POLL_SECONDS))

    def wait(self, last_id: int, timeout: float, marks: tuple[int, int] | None = None) -> list[Exchange]:
        """Block until an exchange newer than `last_id` arrives, the teacher's marks move on from
        `marks` (the tail wakes us for both), or the timeout passes."""
        self._ready(settle=False)

        def news() -> bool:
            moved = marks is not None and self._following and self._marks != marks
            return self._latest > last_id or self._tail_failed or moved

        with self._changed:
            self._waiters += 1
            self._last_waited = time.monotonic()
            self._changed.notify_all()  # an idle tail starts following
            try:
                self._changed.wait_for(news, timeout)
                failed = self._tail_failed
            finally:
                self._waiters -= 1
                self._last_waited = time.monotonic()
        if failed:
            raise LogUnavailable(self.store.unavailable)
        return self.fresh(last_id)

    def clear(self) -> int:
        """Empty the log for every worker; returns the newest id it emptied."""
        self._ready()
        keys = [*self._log_keys, self.store.keys["cleared"]]
        return int(self.store.read(lambda r: self._clear(keys=keys, client=r)))

    def predictions_reset(self) -> None:
        """Note in the stream that the teacher reset the predictions: every worker's live logs say so."""
        keys = [self.store.keys["ids"], self.store.keys["log"], self.store.keys["resets"]]
        self.store.read(lambda r: self._reset(keys=keys, client=r))

    def marks(self) -> tuple[int, int]:
        """What the teacher did last, (cleared through, resets): from the tail when it follows."""
        with self._changed:
            if self._following:
                return self._marks
        keys = self.store.keys
        return _marks(self.store.read(lambda r: r.mget(keys["cleared"], keys["resets"])))

    @property
    def recorded(self) -> int:
        """The newest id given, by any process."""
        self._ready()
        return int(self.store.read(lambda r: r.get(self.store.keys["ids"])) or 0)

    def stats(self) -> dict[str, int]:
        self._ready()
        keys = self.store.keys

        def read(r: "redis.Redis") -> list[Any]:
            with r.pipeline(transaction=False) as pipe:
                return pipe.xlen(keys["log"]).get(keys["bytes"]).get(keys["ids"]).execute()

        kept, size, recorded = self.store.read(read)
        return {
            "exchanges_kept": int(kept),
            "exchanges_bytes": int(size or 0),
            "exchanges_recorded": int(recorded or 0),
        }


class RedisTally:
    """The prediction tally in Redis: one script changes it, so its limits hold across workers."""

    def __init__(self, store: "RedisStore", limits: TallyLimits) -> None:
        self.store = store
        self.limits = limits
        keys = store.keys
        self._keys = [
            keys["pred:seen"],
            keys["pred:per"],
            keys["pred:shapes"],
            keys["pred:seq"],
            keys["pred:voters"],
        ]
        self._predict = store.redis.register_script(PREDICT)

    def add(
        self, exchange_id: int, browser: str, address: str, shape: str, predicted: int, actual: int
    ) -> str | None:
        limits = self.limits
        args = [
            exchange_id,
            browser,
            address,
            shape,
            predicted,
            actual,
            limits.per_exchange,
            limits.shapes,
            limits.remembered,
            limits.per_shape,
        ]
        outcome = self.store.read(lambda r: self._predict(keys=self._keys, args=args, client=r))
        if outcome == b"ok":
            return None
        refusals = {
            b"already": limits.already(exchange_id),
            b"address-already": limits.address_already(exchange_id),
            b"exchange-full": limits.exchange_full(exchange_id),
            b"shape-full": limits.shape_full(shape),
        }
        return refusals.get(outcome, limits.tally_full())

    def clear(self) -> None:
        self.store.read(lambda r: r.delete(*self._keys))

    def rows(self) -> list[dict[str, Any]]:
        shapes = self.store.read(lambda r: r.hgetall(self.store.keys["pred:shapes"]))
        rows = []
        for shape, value in sorted(shapes.items()):
            entry = json.loads(value)
            predicted = {int(code): count for code, count in (entry.get("predicted") or {}).items()}
            rows.append(tally_row(shape.decode(), entry["actual"], predicted, entry["right"]))
        return rows


SET_CHALLENGE = """
local current, records, addresses = KEYS[1], KEYS[2], KEYS[3]
redis.call('DEL', records, addresses)
local round = redis.call('HINCRBY', current, 'round', 1)
if ARGV[1] == '' then redis.call('HDEL', current, 'id') else redis.call('HSET', current, 'id', ARGV[1]) end
return round
"""

REPORT = """
local current, records, addresses = KEYS[1], KEYS[2], KEYS[3]
local challenge, browser, address, solved, mistakes = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local browsers, per_address = tonumber(ARGV[6]), tonumber(ARGV[7])
if redis.call('HGET', current, 'id') ~= challenge then return 'not-set' end
local before = redis.call('HGET', records, browser)
if not before then
  if tonumber(redis.call('HGET', addresses, address) or '0') >= per_address then return 'address-full' end
  if redis.call('HLEN', records) >= browsers then return 'full' end
  redis.call('HINCRBY', addresses, address, 1)
elseif cjson.decode(before).s == 1 then
  solved = '1'
end
if solved == '1' then mistakes = '[]' end
redis.call('HSET', records, browser, '{"s":' .. solved .. ',"m":' .. mistakes .. '}')
return 'ok'
"""


class RedisChallenge:
    """The class's challenge in Redis (stores.ClassChallenge): one script changes it, for every worker."""

    def __init__(self, store: "RedisStore", limits: ChallengeLimits) -> None:
        self.store = store
        self.limits = limits
        keys = store.keys
        self._keys = [keys["challenge:current"], keys["challenge:records"], keys["challenge:addresses"]]
        self._set = store.redis.register_script(SET_CHALLENGE)
        self._report = store.redis.register_script(REPORT)

    def set(self, challenge_id: str | None) -> int:
        args = [challenge_id or ""]
        return int(self.store.read(lambda r: self._set(keys=self._keys, args=args, client=r)))

    def current(self) -> tuple[str | None, int]:
        found = self.store.read(lambda r: r.hmget(self._keys[0], "id", "round"))
        return (found[0].decode() if found[0] else None), int(found[1] or 0)

    def report(
        self, challenge_id: str, browser: str, address: str, solved: bool, mistakes: list[str]
    ) -> str | None:
        limits = self.limits
        args = [
            challenge_id,
            browser,
            address,
            int(solved),
            json.dumps(limits.kept(mistakes)),
            limits.browsers,
            limits.per_address,
        ]
        outcome = self.store.read(lambda r: self._report(keys=self._keys, args=args, client=r))
        refusals = {
            b"ok": None,
            b"not-set": limits.not_set(challenge_id),
            b"address-full": limits.address_full(),
        }
        return refusals.get(outcome, limits.full())

    def results(self) -> dict[str, Any]:
        def read(r: "redis.Redis") -> list[Any]:
            with r.pipeline(transaction=True) as pipe:
                return pipe.hmget(self._keys[0], "id", "round").hvals(self._keys[1]).execute()

        (challenge, round_), values = self.store.read(read)
        records = [(bool(record["s"]), list(record["m"])) for record in map(json.loads, values)]
        return challenge_results(
            challenge.decode() if challenge else None, int(round_ or 0), records, self.limits.shown
        )


class RedisStore:
    """The shared store: every worker of every host reads and writes the same keys."""

    kind = "redis"

    def __init__(self, app: Flask, url: str) -> None:
        self.url = url
        self.cluster = bool(app.config.get("REDIS_CLUSTER"))
        prefix = key_prefix(app.config.get("REDIS_PREFIX", "playground:"))
        self.keys = {name: f"{prefix}{name}" for name in KEY_NAMES}
        self.redis = self.client(socket_timeout=READ_TIMEOUT)
        self.unavailable = (
            f"The shared log is unavailable: Redis at {where(url)} does not answer. The endpoints still "
            "answer as before; recording resumes when Redis is back."
        )
        self._failed_at: float | None = None
        self._teacher_key: str | None = app.config.get("TEACHER_KEY") or None
        self.log = RedisLog(self, app.config["EXCHANGE_LOG_SIZE"], app.config["EXCHANGE_LOG_BYTES"])
        self.tally = RedisTally(self, TallyLimits.of(app.config))
        self.challenge = RedisChallenge(self, ChallengeLimits.of(app.config))
        self.log.start(connect=True)

    def client(self, socket_timeout: float) -> "redis.Redis":
        return connect(self.url, self.cluster, socket_timeout)

    def node(self) -> tuple[str, int] | None:
        """On a Redis Cluster, the node that holds this store's keys (host, port); None on one Redis."""
        if not self.cluster:
            return None
        node = self.redis.get_node_from_key(self.keys["log"])  # type: ignore[attr-defined]
        return node.host, node.port

    def ping(self, client: "redis.Redis") -> None:
        """One round trip to the node that holds this store's keys (every node would answer on a cluster)."""
        if self.cluster:
            client.ping(target_nodes=client.get_node_from_key(self.keys["log"]))  # type: ignore[attr-defined]
        else:
            client.ping()

    def read(self, call: Callable[["redis.Redis"], Any]) -> Any:
        """One call to Redis for a page or the API; LogUnavailable, at once, if Redis just failed."""
        if self._failed_at is not None and time.monotonic() - self._failed_at < FAST_FAIL_SECONDS:
            raise LogUnavailable(self.unavailable)
        try:
            result = call(self.redis)
        except ERRORS as error:
            self.failed(error)
            raise LogUnavailable(self.unavailable) from error
        self._failed_at = None
        return result

    def failed(self, error: Exception) -> None:
        if self._failed_at is None:
            logger.warning("%s (%s)", self.unavailable, error)
        self._failed_at = time.monotonic()

    def recovered(self) -> None:
        self._failed_at = None

    def teacher_key(self) -> str:
        """FLASK_TEACHER_KEY if set; else one key for every process, made by whichever asks first."""
        if self._teacher_key is None:
            self._teacher_key = self.read(lambda r: shared_teacher_key(r, self.keys["teacher"]))
        return self._teacher_key

    def close(self) -> None:
        self.log.close()
        self.redis.close()

    def health(self) -> dict[str, Any]:
        health: dict[str, Any] = {
            "store": self.kind,
            "store_available": True,
            "pending_writes": len(self.log._pending),
            "dropped_writes": self.log.dropped,
        }
        try:
            health.update(self.log.stats())
        except LogUnavailable:
            health["store_available"] = False
        return health


def deployment_teacher_key(url: str, cluster: bool, prefix: str) -> str | None:
    """The teacher key of the deployment at ``/`` as its workers share it (for the start-up message);
    None when Redis does not answer."""
    try:
        client = connect(url, cluster, READ_TIMEOUT)
    except LogUnavailable:
        return None
    try:
        return shared_teacher_key(client, f"{key_prefix(prefix)}teacher")
    except ERRORS:
        return None
    finally:
        client.close()


def shared_teacher_key(client: "redis.Redis", key: str) -> str:
    """The teacher's key in Redis: set once (SET NX), then read by every process."""
    client.set(key, secrets.token_urlsafe(18), nx=True)
    return client.get(key).decode()

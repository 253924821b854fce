"""Page-cache storage: entries, purge markers, the tag index, single-flight locks and refresh back-off.

Two implementations with one interface:
- ``RedisStore`` (when ``REDIS_URL`` is set): shared by every worker and node, so a purge is seen
  everywhere at once and one render per key happens across the whole fleet. Layout, under ``<prefix>:pc:``:
  ``e:<key>`` pickled Entry and ``m:<key>`` its creation time (both expire after the entry's ttl),
  ``p:<key>`` soft-purge time, ``t:<tag>`` set of keys, ``l:<key>`` lock owner token (expires after the lock
  timeout), ``b:<key>`` back-off marker, ``events`` the pub/sub channel every put and purge is announced on.
  Each process keeps copies of the bodies it fetched. While its subscription to ``events`` is live it serves
  them without asking Redis (a put or purge anywhere reaches it within milliseconds); while it is not, it
  re-reads ``m:`` and ``p:`` on every request, so a new render or a purge is never missed. The copies' size
  is published as ``storefront_pagecache_local_copy_bytes`` (per worker), so memory can be told apart from it.
- ``LocalStore`` (embedded default): the same in process memory, bounded, for one worker with threads.

Rules: this module does I/O only — no HTTP, no rendering decisions. A Redis failure never raises to the
caller: reads answer "nothing cached", writes and purges are skipped and logged (the shop stays up, uncached).
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from storefront import metrics
from storefront.pagecache.entry import Entry, clock

log = logging.getLogger("storefront.pagecache")
TAG_INDEX_TTL = 8 * 24 * 3600
REDIS_RETRY_AFTER = 5.0


class PageStore(Protocol):
    def get(self, key: str) -> tuple[Entry | None, float | None]: ...
    def put(self, key: str, entry: Entry) -> None: ...
    def purge_tags(self, tags: Iterable[str], *, hard: bool, now: float) -> int: ...
    def acquire(self, key: str, timeout: float) -> str | None: ...
    def release(self, key: str, owner: str) -> None: ...
    def is_locked(self, key: str) -> bool: ...
    def set_backoff(self, key: str, seconds: float) -> None: ...
    def in_backoff(self, key: str) -> bool: ...
    def clear(self) -> None: ...


class LocalStore:
    """In-process store for the embedded default (one worker process)."""

    def __init__(self, max_entries: int = 5000) -> None:
        self._entries: OrderedDict[str, tuple[Entry, float]] = OrderedDict()  # key -> (entry, expires_at)
        self._purged: dict[str, float] = {}
        self._tags: dict[str, set[str]] = {}
        self._locks: dict[str, tuple[str, float]] = {}
        self._backoff: dict[str, float] = {}
        self._mutex = threading.Lock()
        self._max = max_entries

    def get(self, key: str) -> tuple[Entry | None, float | None]:
        now = clock.now()
        with self._mutex:
            found = self._entries.get(key)
            if found is None:
                return None, None
            entry, expires_at = found
            if expires_at <= now:
                del self._entries[key]
                return None, None
            self._entries.move_to_end(key)
            return entry, self._purged.get(key)

    def put(self, key: str, entry: Entry) -> None:
        with self._mutex:
            self._entries[key] = (entry, entry.created_at + entry.windows.ttl)
            self._entries.move_to_end(key)
            self._purged.pop(key, None)
            for tag in entry.tags:
                self._tags.setdefault(tag, set()).add(key)
            while len(self._entries) > self._max:
                old, _ = self._entries.popitem(last=False)
                self._purged.pop(old, None)

    def purge_tags(self, tags: Iterable[str], *, hard: bool, now: float) -> int:
        count = 0
        with self._mutex:
            for tag in set(tags):
                for key in self._tags.pop(tag, set()) if hard else self._tags.get(tag, set()):
                    if key not in self._entries:
                        continue
                    count += 1
                    if hard:
                        del self._entries[key]
                        self._purged.pop(key, None)
                    else:
                        self._purged[key] = max(now, self._purged.get(key, 0.0))
        return count

    def acquire(self, key: str, timeout: float) -> str | None:
        now = time.monotonic()
        with self._mutex:
            held = self._locks.get(key)
            if held is not None and held[1] > now:
                return None
            owner = uuid.uuid4().hex
            self._locks[key] = (owner, now + timeout)
            return owner

    def release(self, key: str, owner: str) -> None:
        with self._mutex:
            held = self._locks.get(key)
            if held is not None and held[0] == owner:
                del self._locks[key]

    def is_locked(self, key: str) -> bool:
        with self._mutex:
            held = self._locks.get(key)
            return held is not None and held[1] > time.monotonic()

    def set_backoff(self, key: str, seconds: float) -> None:
        with self._mutex:
            self._backoff[key] = time.monotonic() + seconds

    def in_backoff(self, key: str) -> bool:
        with self._mutex:
            until = self._backoff.get(key)
            return until is not None and until > time.monotonic()

    def clear(self) -> None:
        with self._mutex:
            self._entries.clear()
            self._purged.clear()
            self._tags.clear()
            self._locks.clear()
            self._backoff.clear()


class LocalCopies:
    """This process's copies of entries fetched from Redis, with their soft-purge marks, bounded by size.

    The copies are kept honest by ``Invalidations`` (every put and purge anywhere is published): a message
    about a key bumps a sequence number, and a copy fetched before that message is never inserted afterwards.
    """

    def __init__(self, max_bytes: int) -> None:
        self._items: OrderedDict[str, tuple[Entry, float | None]] = OrderedDict()
        # key -> (sequence number of its last message, creation time it announced when that was a put)
        self._touched: OrderedDict[str, tuple[int, float | None]] = OrderedDict()
        self._bytes = 0
        self._max = max_bytes
        self._seq = 0
        self._cleared_at = 0
        self._mutex = threading.Lock()

    @staticmethod
    def _size(entry: Entry) -> int:
        return len(entry.body) + len(entry.gzip or b"") + len(entry.br or b"")

    def snapshot(self) -> int:
        with self._mutex:
            return self._seq

    def lookup(self, key: str) -> tuple[Entry, float | None] | None:
        with self._mutex:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def copy_of(self, key: str, created_at: float) -> Entry | None:
        with self._mutex:
            found = self._items.get(key)
            return found[0] if found is not None and found[0].created_at == created_at else None

    def insert(self, key: str, entry: Entry, purged_at: float | None, since: int) -> None:
        """Keep a copy fetched when the sequence number was ``since`` — unless news about the key came since."""
        size = self._size(entry)
        if size > self._max // 8:
            return
        with self._mutex:
            seq, announced = self._touched.get(key, (-1, None))
            # News about the key after the fetch began makes the copy suspect — unless the news was the
            # announcement of this very entry.
            if since < self._cleared_at or (seq > since and announced != entry.created_at):
                return
            self._drop(key)
            self._items[key] = (entry, purged_at)
            self._bytes += size
            while self._bytes > self._max and self._items:
                old_key, _ = next(iter(self._items.items()))
                self._drop(old_key)
            metrics.set_local_copy_bytes(self._bytes)

    def _drop(self, key: str) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= self._size(old[0])

    def _touch(self, key: str, announced: float | None = None) -> None:
        self._touched[key] = (self._seq, announced)
        self._touched.move_to_end(key)
        while len(self._touched) > 100_000:
            self._touched.popitem(last=False)

    def on_put(self, key: str, created_at: float) -> None:
        with self._mutex:
            self._seq += 1
            self._touch(key, created_at)
            found = self._items.get(key)
            if found is not None and found[0].created_at != created_at:
                self._drop(key)
                metrics.set_local_copy_bytes(self._bytes)

    def on_soft_purge(self, keys: list[str], at: float) -> None:
        with self._mutex:
            self._seq += 1
            for key in keys:
                self._touch(key)
                found = self._items.get(key)
                if found is not None:
                    self._items[key] = (found[0], max(at, found[1] or 0.0))

    def on_delete(self, keys: list[str]) -> None:
        with self._mutex:
            self._seq += 1
            for key in keys:
                self._touch(key)
                self._drop(key)
            metrics.set_local_copy_bytes(self._bytes)

    def clear(self) -> None:
        with self._mutex:
            self._seq += 1
            self._cleared_at = self._seq
            self._items.clear()
            self._touched.clear()
            self._bytes = 0
            metrics.set_local_copy_bytes(0)


def subscriber_client(url: str) -> Any:
    """The invalidation feed's own client (a subscription holds its connection). Through the sentinels when
    ``REDIS_SENTINELS`` names them, like the cache itself: after a failover the broken subscription
    reconnects to the new primary."""
    import redis
    from django.conf import settings
    from redis.sentinel import Sentinel

    options: dict[str, Any] = {"socket_connect_timeout": 1.0, "health_check_interval": 10}
    if not settings.REDIS_SENTINELS:
        return redis.Redis.from_url(url, **options)
    parts = urlsplit(url)
    sentinels = Sentinel(
        settings.REDIS_SENTINELS, sentinel_kwargs=settings.REDIS_SENTINEL_KWARGS, socket_connect_timeout=1.0
    )
    return sentinels.master_for(
        parts.hostname or "",
        db=int(parts.path.strip("/") or 0),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        ssl=parts.scheme == "rediss",
        **options,
    )


class Invalidations:
    """A Redis pub/sub subscription that tells this process about every put and purge on any node.

    While it is live (``healthy``), local copies are served without asking Redis; when it is not (starting,
    Redis restarting, a network fault), the store validates every read against Redis instead. Copies are
    dropped whenever the subscription (re)starts, and a generation key detects a flushed Redis (which
    publishes nothing) within ``GENERATION_CHECK`` seconds.
    """

    GENERATION_CHECK = 1.0

    def __init__(self, url: str, channel: str, generation_key: str, local: LocalCopies, client: object) -> None:
        self.url, self.channel, self.generation_key = url, channel, generation_key
        self.local = local
        self.r = client
        self.healthy = False
        self._generation: bytes | None = None
        self._checked_at = 0.0
        self._pid = 0
        self._lock = threading.Lock()
        self._closed = False

    def ensure_started(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()  # a forked worker starts its own subscription
            self.healthy = False
            threading.Thread(target=self._run, name="pagecache-invalidations", daemon=True).start()

    def _run(self) -> None:
        while not self._closed:
            try:
                client = subscriber_client(self.url)
                pubsub = client.pubsub()
                pubsub.subscribe(self.channel)
                while not self._closed:
                    message = pubsub.get_message(timeout=1.0)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":
                        self.local.clear()  # whatever happened while we were not listening is unknown
                        self._generation = None
                        self.healthy = True
                    elif message["type"] == "message":
                        self.apply(message["data"])
            except Exception as exc:
                self.healthy = False
                self.local.clear()
                log.warning("page-cache invalidation feed interrupted: %r; validating every read meanwhile", exc)
                time.sleep(1.0)
        self.healthy = False

    def close(self) -> None:
        self._closed = True
        self.healthy = False

    def apply(self, data: bytes) -> None:
        head, _, rest = data.decode().partition("\n")
        kind, _, arg = head.partition(" ")
        keys = [k for k in rest.split("\n") if k]
        if kind == "P" and keys:
            self.local.on_put(keys[0], float(arg))
        elif kind == "S":
            self.local.on_soft_purge(keys, float(arg))
        elif kind == "D":
            self.local.on_delete(keys)
        elif kind == "C":
            self.local.clear()

    def trusted(self) -> bool:
        """May local copies be served without asking Redis? (Checks the generation once a second.)"""
        self.ensure_started()
        if not self.healthy:
            return False
        now = time.monotonic()
        if now - self._checked_at >= self.GENERATION_CHECK:
            self._checked_at = now
            current = self.r.get(self.generation_key)  # type: ignore[attr-defined]
            if current is None:
                current = uuid.uuid4().hex.encode()
                self.r.set(self.generation_key, current, nx=True)  # type: ignore[attr-defined]
                current = self.r.get(self.generation_key) or current  # type: ignore[attr-defined]
            if self._generation is not None and current != self._generation:
                self.local.clear()  # Redis was flushed or replaced: our copies may describe nothing
            self._generation = current
        return True


# Compare-and-delete: only the owner releases its lock (a slow owner must not free a lock someone else took
# after it expired).
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""


class RedisStore:
    """Shared store over Redis (the raw client django-redis manages), with per-process copies of bodies."""

    def __init__(self, client: object, prefix: str, local_bytes: int = 64 * 1024 * 1024, url: str = "") -> None:
        self.r = client
        self.p = f"{prefix}:pc:"
        self._down_until = 0.0
        self._local = LocalCopies(local_bytes)
        self._feed = Invalidations(url, self.p + "events", self.p + "generation", self._local, client) if url else None
        self._release = self.r.register_script(_RELEASE)  # type: ignore[attr-defined]

    def _safe(self, what: str, fn, default=None):  # type: ignore[no-untyped-def]
        # After a failure, leave Redis alone for a few seconds: every page would otherwise wait for the
        # connect timeout several times over while Redis is down.
        if self._down_until > time.monotonic():
            return default
        try:
            return fn()
        except Exception as exc:  # a Redis outage must not take the shop down
            self._down_until = time.monotonic() + REDIS_RETRY_AFTER
            log.warning("page cache %s skipped, Redis unavailable for %.0f s: %r", what, REDIS_RETRY_AFTER, exc)
            return default

    def close(self) -> None:
        if self._feed is not None:
            self._feed.close()

    def _publish(self, message: str) -> None:
        self.r.publish(self.p + "events", message)  # type: ignore[attr-defined]

    def get(self, key: str) -> tuple[Entry | None, float | None]:
        def read() -> tuple[Entry | None, float | None]:
            if self._feed is not None and self._feed.trusted():
                found = self._local.lookup(key)
                if found is not None:
                    return found
                since = self._local.snapshot()
                raw, purged = self.r.mget(self.p + "e:" + key, self.p + "p:" + key)  # type: ignore[attr-defined]
                if raw is None:
                    return None, None
                entry, purged_at = pickle.loads(raw), (float(purged) if purged else None)  # noqa: S301
                self._local.insert(key, entry, purged_at, since)
                return entry, purged_at
            # No live invalidation feed: validate against Redis (creation time + purge mark) on every read,
            # and fetch the body only when this process does not already hold that very entry.
            created, purged = self.r.mget(self.p + "m:" + key, self.p + "p:" + key)  # type: ignore[attr-defined]
            if created is None:
                return None, None
            entry = self._local.copy_of(key, float(created))
            if entry is None:
                since = self._local.snapshot()
                raw = self.r.get(self.p + "e:" + key)  # type: ignore[attr-defined]
                if raw is None:
                    return None, None
                entry = pickle.loads(raw)  # noqa: S301 - our own Redis
                self._local.insert(key, entry, None, since)
            return entry, (float(purged) if purged else None)

        return self._safe("read", read, (None, None))

    def put(self, key: str, entry: Entry) -> None:
        def write() -> None:
            ttl = max(1, int(entry.windows.ttl))
            pipe = self.r.pipeline(transaction=False)  # type: ignore[attr-defined]
            pipe.set(self.p + "e:" + key, pickle.dumps(entry, protocol=5), ex=ttl)
            pipe.set(self.p + "m:" + key, repr(entry.created_at), ex=ttl)
            pipe.delete(self.p + "p:" + key)
            for tag in entry.tags:
                pipe.sadd(self.p + "t:" + tag, key)
                pipe.expire(self.p + "t:" + tag, TAG_INDEX_TTL)
            pipe.publish(self.p + "events", f"P {entry.created_at!r}\n{key}")
            since = self._local.snapshot()
            pipe.execute()
            self._local.insert(key, entry, None, since)  # this process knows at once; others via the feed

        self._safe("write", write)

    def purge_tags(self, tags: Iterable[str], *, hard: bool, now: float) -> int:
        def purge() -> int:
            tag_keys = [self.p + "t:" + t for t in set(tags)]
            if not tag_keys:
                return 0
            keys = self.r.sunion(tag_keys)  # type: ignore[attr-defined]
            names = [k.decode() if isinstance(k, bytes) else k for k in keys]
            if not names:
                return 0
            existing = self.r.exists(*[self.p + "e:" + k for k in names])  # type: ignore[attr-defined]
            pipe = self.r.pipeline(transaction=False)  # type: ignore[attr-defined]
            if hard:
                pipe.delete(
                    *[self.p + "e:" + k for k in names],
                    *[self.p + "m:" + k for k in names],
                    *[self.p + "p:" + k for k in names],
                )
                pipe.delete(*tag_keys)
            else:
                for k in names:
                    pipe.set(self.p + "p:" + k, repr(now), ex=TAG_INDEX_TTL)
            for start in range(0, len(names), 500):  # every node's local copies learn of it at once
                chunk = "\n".join(names[start : start + 500])
                pipe.publish(self.p + "events", f"D\n{chunk}" if hard else f"S {now!r}\n{chunk}")
            pipe.execute()
            if hard:  # this process knows at once; others via the feed
                self._local.on_delete(names)
            else:
                self._local.on_soft_purge(names, now)
            return int(existing)

        return self._safe("purge", purge, 0)

    def acquire(self, key: str, timeout: float) -> str | None:
        owner = uuid.uuid4().hex

        def take() -> str | None:
            ok = self.r.set(self.p + "l:" + key, owner, nx=True, px=int(timeout * 1000))  # type: ignore[attr-defined]
            return owner if ok else None

        # Without Redis nobody can coordinate: render (uncached) rather than wait for nothing.
        return self._safe("lock", take, owner)

    def release(self, key: str, owner: str) -> None:
        self._safe("unlock", lambda: self._release(keys=[self.p + "l:" + key], args=[owner]))

    def is_locked(self, key: str) -> bool:
        return bool(self._safe("lock check", lambda: self.r.exists(self.p + "l:" + key), 0))  # type: ignore[attr-defined]

    def set_backoff(self, key: str, seconds: float) -> None:
        self._safe(
            "backoff",
            lambda: self.r.set(self.p + "b:" + key, "1", px=max(1, int(seconds * 1000))),  # type: ignore[attr-defined]
        )

    def in_backoff(self, key: str) -> bool:
        return bool(self._safe("backoff check", lambda: self.r.exists(self.p + "b:" + key), 0))  # type: ignore[attr-defined]

    def clear(self) -> None:
        def wipe() -> None:
            for name in self.r.scan_iter(match=self.p + "*", count=500):  # type: ignore[attr-defined]
                self.r.delete(name)  # type: ignore[attr-defined]
            self._publish("C")

        self._safe("clear", wipe)
        self._local.clear()


_store: PageStore | None = None
_store_lock = threading.Lock()


def get_store() -> PageStore:
    """The process-wide store: Redis when ``REDIS_URL`` is set, else in-process memory."""
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                from django.conf import settings

                if settings.REDIS_URL:
                    from django_redis import get_redis_connection

                    prefix = settings.CACHES["default"]["KEY_PREFIX"]
                    _store = RedisStore(
                        get_redis_connection("default"), prefix, settings.PAGECACHE_LOCAL_BYTES, url=settings.REDIS_URL
                    )
                else:
                    _store = LocalStore()
    return _store


def reset_store() -> None:
    """Forget the process-wide store (tests switch between local and Redis)."""
    global _store
    with _store_lock:
        if isinstance(_store, RedisStore):
            _store.close()
        _store = None

"""Page-cache storage: entries, purge markers, the tag index, single-flight locks and refresh back-off.

Two implementations with one interface:
- ``RedisStore`` (when ``REDIS_URL`` is set): shared by every worker and node, so a purge is seen
  everywhere at once and one render per key happens across the whole fleet. Layout, under ``<prefix>:pc:``:
  ``e:<key>`` pickled Entry and ``m:<key>`` its creation time (both expire after the entry's ttl),
  ``p:<key>`` soft-purge time, ``t:<tag>`` set of keys, ``l:<key>`` lock owner token (expires after the lock
  timeout), ``b:<key>`` back-off marker. Each process keeps copies of the bodies it fetched; per request it
  re-reads only ``m:`` and ``p:``, so a new render or a purge anywhere is still seen at once.
- ``LocalStore`` (embedded default): the same in process memory, bounded, for one worker with threads.

Rules: this module does I/O only — no HTTP, no rendering decisions. A Redis failure never raises to the
caller: reads answer "nothing cached", writes and purges are skipped and logged (the shop stays up, uncached).
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from typing import Protocol

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
    """This process's copies of entries it fetched from Redis, bounded by size (least recently used go first).

    A copy is only ever used when Redis says the entry with that exact creation time is still the current one.
    """

    def __init__(self, max_bytes: int) -> None:
        self._items: OrderedDict[str, Entry] = OrderedDict()
        self._bytes = 0
        self._max = max_bytes
        self._mutex = threading.Lock()

    @staticmethod
    def _size(entry: Entry) -> int:
        return len(entry.body) + len(entry.gzip or b"") + len(entry.br or b"")

    def get(self, key: str, created_at: float) -> Entry | None:
        with self._mutex:
            entry = self._items.get(key)
            if entry is None or entry.created_at != created_at:
                return None
            self._items.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        size = self._size(entry)
        if size > self._max // 8:
            return
        with self._mutex:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= self._size(old)
            self._items[key] = entry
            self._bytes += size
            while self._bytes > self._max and self._items:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= self._size(evicted)

    def clear(self) -> None:
        with self._mutex:
            self._items.clear()
            self._bytes = 0


# Compare-and-delete: only the owner releases its lock (a slow owner must not free a lock someone else took
# after it expired).
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""


class RedisStore:
    """Shared store over Redis (the raw client django-redis manages)."""

    def __init__(self, client: object, prefix: str, local_bytes: int = 64 * 1024 * 1024) -> None:
        self.r = client
        self.p = f"{prefix}:pc:"
        self._down_until = 0.0
        self._local = LocalCopies(local_bytes)
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

    def get(self, key: str) -> tuple[Entry | None, float | None]:
        def read() -> tuple[Entry | None, float | None]:
            # A small read first: the entry's creation time and the purge marker. When this process already
            # holds that very entry, the body is not fetched again; a purge or a new render is still seen at
            # once, because the marker and the creation time come from Redis on every request.
            created, purged = self.r.mget(self.p + "m:" + key, self.p + "p:" + key)  # type: ignore[attr-defined]
            if created is None:
                return None, None
            entry = self._local.get(key, float(created))
            if entry is None:
                raw = self.r.get(self.p + "e:" + key)  # type: ignore[attr-defined]
                if raw is None:
                    return None, None
                entry = pickle.loads(raw)  # noqa: S301 - our own Redis
                self._local.put(key, entry)
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
            pipe.execute()

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
            pipe.execute()
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
                    _store = RedisStore(get_redis_connection("default"), prefix, settings.PAGECACHE_LOCAL_BYTES)
                else:
                    _store = LocalStore()
    return _store


def reset_store() -> None:
    """Forget the process-wide store (tests switch between local and Redis)."""
    global _store
    with _store_lock:
        _store = None

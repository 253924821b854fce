"""A cached page and the rules that decide what to do with it (DESIGN.md §5).

States, by age (now - created_at) against the page type's windows:

    HIT     age < fresh                          serve the cached body
    STALE   fresh <= age < fresh + swr           serve it now, refresh in the background (single-flight)
            (or soft-purged, within fresh + swr)
    MISS    no entry, or age >= fresh + swr      render now; concurrent requests wait for that one render
    ERROR   a render or refresh failed           serve the entry while age < fresh + sie, else the 503 page

An entry is kept in the store for ``fresh + max(swr, sie)`` seconds: past that it can serve nothing.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from enum import StrEnum


class Clock:
    """Wall-clock seconds for every page-cache decision; tests move ``offset`` to age entries."""

    offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset


clock = Clock()


class State(StrEnum):
    HIT = "HIT"
    STALE = "STALE"
    MISS = "MISS"
    ERROR = "ERROR"
    BYPASS = "BYPASS"


@dataclass(frozen=True)
class Windows:
    fresh: int
    swr: int
    sie: int

    @classmethod
    def parse(cls, values: list[str] | tuple[str, ...]) -> Windows:
        fresh, swr, sie = (int(v) for v in values)
        if min(fresh, swr, sie) < 0:
            raise ValueError("page-cache windows cannot be negative")
        return cls(fresh, swr, sie)

    @property
    def ttl(self) -> int:
        return self.fresh + max(self.swr, self.sie)


@dataclass(frozen=True)
class UpstreamTiming:
    operation: str
    ms: float
    bytes: int


@dataclass
class Entry:
    body: bytes
    status: int
    content_type: str
    created_at: float
    windows: Windows
    tags: tuple[str, ...]
    page_type: str
    render_ms: float = 0.0
    upstream: tuple[UpstreamTiming, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()  # extra headers to replay (Location for redirects, …)
    gzip: bytes | None = None
    br: bytes | None = None
    etag: str = field(default="")

    def __post_init__(self) -> None:
        if not self.etag:
            self.etag = '"' + hashlib.blake2b(self.body, digest_size=12).hexdigest() + '"'

    def age(self, now: float) -> float:
        return max(0.0, now - self.created_at)

    def state(self, now: float, purged_at: float | None = None) -> State:
        age = self.age(now)
        if age >= self.windows.fresh + self.windows.swr:
            return State.MISS
        if age < self.windows.fresh and not (purged_at is not None and purged_at >= self.created_at):
            return State.HIT
        return State.STALE

    def can_serve_on_error(self, now: float) -> bool:
        return self.age(now) < self.windows.fresh + self.windows.sie

    @property
    def magento_ms(self) -> float:
        return sum(u.ms for u in self.upstream)

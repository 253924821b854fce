"""Purges at the edge: after the storefront purges its own cache, every Varnish in ``VARNISH_PURGE_URLS`` drops
the same tags.

Rules:
- This module is the only one that knows the wire format (deploy/varnish/default.vcl answers it):
  ``PURGE <url>`` with ``xkey-purge: <tags separated by spaces>`` and ``xkey-mode: soft|hard``; the answer is
  200 with ``X-Purged: <objects>``. Soft marks objects stale (Varnish keeps serving them within grace and
  refreshes in the background), hard deletes them — the same meaning as the storefront's own purge.
- An edge that is down, slow or refusing never fails or stalls a purge: all edges are asked at once, each with
  a short timeout (``VARNISH_PURGE_TIMEOUT``); a failure is logged and counted, never raised.
- Long tag lists are sent in several requests so no header exceeds ``MAX_HEADER`` bytes (Varnish refuses
  request headers over ``http_req_hdr_len``, 8 KB by default).
- Tags that cannot travel in a header (non-ASCII, control characters) are left out and logged; the
  storefront's own ``xkey`` response header could not have carried them either.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
from django.conf import settings

log = logging.getLogger("storefront.pagecache.edge")
MAX_HEADER = 4000


@dataclass(frozen=True)
class EdgeResult:
    edges: int  # edges asked
    failed: int  # edges that did not confirm every request
    objects: int  # objects the edges reported purged

    def as_dict(self) -> dict[str, int]:
        return {"edges": self.edges, "failed": self.failed, "objects": self.objects}


NOTHING = EdgeResult(edges=0, failed=0, objects=0)


def edge_urls() -> list[str]:
    return [u for u in settings.VARNISH_PURGE_URLS if u]


def _sendable(name: str) -> bool:
    return name.isascii() and name.isprintable() and name.strip() != ""


def batches(names: Iterable[str], limit: int = MAX_HEADER) -> list[str]:
    """Space-separated header values, each at most ``limit`` bytes (a longer single tag travels alone)."""
    out: list[str] = []
    current = ""
    for name in names:
        if current and len(current) + 1 + len(name) > limit:
            out.append(current)
            current = ""
        current = f"{current} {name}" if current else name
    if current:
        out.append(current)
    return out


def _purge_one(
    url: str, values: Sequence[str], hard: bool, timeout: float, transport: httpx.BaseTransport | None
) -> int:
    objects = 0
    with httpx.Client(timeout=timeout, transport=transport) as client:
        for value in values:
            response = client.request(
                "PURGE", url, headers={"xkey-purge": value, "xkey-mode": "hard" if hard else "soft"}
            )
            if response.status_code != 200:
                raise RuntimeError(f"answered {response.status_code}")
            count = response.headers.get("X-Purged", "0").strip()
            objects += int(count) if count.isdigit() else 0  # a purge that worked but did not count still worked
    return objects


def purge_edges(
    names: Sequence[str],
    *,
    hard: bool,
    urls: Sequence[str] | None = None,
    timeout: float | None = None,
    transport: httpx.BaseTransport | None = None,
) -> EdgeResult:
    """Ask every edge to purge ``names``; never raises. ``transport`` is for tests."""
    targets = list(urls) if urls is not None else edge_urls()
    if not targets or not names:
        return NOTHING
    kept = [n for n in dict.fromkeys(names) if _sendable(n)]
    if len(kept) < len(set(names)):
        log.warning("edge purge: left out %d tag(s) that cannot travel in a header", len(set(names)) - len(kept))
    values = batches(kept)
    if not values:
        return NOTHING
    limit = timeout if timeout is not None else settings.VARNISH_PURGE_TIMEOUT

    def attempt(url: str) -> int | None:
        try:
            return _purge_one(url, values, hard, limit, transport)
        except Exception as exc:  # down, slow, refusing, or garbage: log and count, never fail the caller
            log.warning("edge purge at %s failed: %s %s", url, exc.__class__.__name__, exc)
            return None

    with ThreadPoolExecutor(max_workers=min(len(targets), 8), thread_name_prefix="edge-purge") as pool:
        answers = list(pool.map(attempt, targets))
    failed = sum(1 for a in answers if a is None)
    return EdgeResult(edges=len(targets), failed=failed, objects=sum(a for a in answers if a is not None))

"""On-demand revalidation: purge by Magento tag, by path, by store, or everything.

Rules:
- Soft purge is the default: entries are marked stale, keep being served, and refresh in the background on
  their next request — a burst of Magento saves can never empty the cache. ``hard`` deletes them.
- Marking is idempotent, so a burst of purges for the same tags coalesces into one refresh per page (the
  refresh is single-flight per key); duplicate tags within one request are purged once.
- Every purge is passed on to the Varnish edges in ``VARNISH_PURGE_URLS`` (``edge.py``) after our own store
  is purged — never before, or an edge could refetch the old page from us — with the same names and mode.
  An edge that is down is counted in the result, never an error.
- The webhook is signed: ``X-Storefront-Signature`` = hex HMAC-SHA256(secret, timestamp + "." + body), with
  ``X-Storefront-Timestamp`` within ±300 s of our clock; a signature is accepted once (replays are refused)
  while the shared cache can remember it — with Redis down, signature and timestamp alone.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.cache import cache

from storefront.pagecache import edge
from storefront.pagecache.entry import clock
from storefront.pagecache.store import get_store

log = logging.getLogger("storefront.pagecache")
MAX_SKEW = 300
MAX_ITEMS = 1000


@dataclass(frozen=True)
class PurgeResult:
    tags: int
    paths: int
    entries: int
    hard: bool
    edge: edge.EdgeResult = edge.NOTHING

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"tags": self.tags, "paths": self.paths, "entries": self.entries, "hard": self.hard}
        if self.edge.edges:  # only when edges are configured: the answer stays the same without Varnish
            out["edge"] = self.edge.as_dict()
        return out


def path_tag(path: str) -> str:
    """'https://shop/men.html?x=1' or '/men.html' → 'path:/men.html' (all query variants and currencies)."""
    parts = urlsplit(path)
    clean = parts.path or "/"
    return f"path:{clean if clean.startswith('/') else '/' + clean}"


def purge(
    *,
    tags: list[str] | tuple[str, ...] = (),
    paths: list[str] | tuple[str, ...] = (),
    stores: list[str] | tuple[str, ...] = (),
    everything: bool = False,
    hard: bool = False,
) -> PurgeResult:
    names = list(dict.fromkeys(tags))
    names += [path_tag(p) for p in dict.fromkeys(paths)]
    names += [f"store:{s}" for s in dict.fromkeys(stores)]
    if everything:
        names.append("all")
    entries = get_store().purge_tags(names, hard=hard, now=clock.now()) if names else 0
    at_edge = edge.purge_edges(names, hard=hard)
    return PurgeResult(tags=len(set(tags)), paths=len(set(paths)), entries=entries, hard=hard, edge=at_edge)


class SignatureError(Exception):
    pass


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, timestamp: str | None, signature: str | None, body: bytes) -> None:
    if not timestamp or not signature:
        raise SignatureError("missing signature headers")
    try:
        sent_at = int(timestamp)
    except ValueError as exc:
        raise SignatureError("timestamp is not a whole number of seconds") from exc
    if abs(time.time() - sent_at) > MAX_SKEW:
        raise SignatureError("timestamp outside the allowed window")
    expected = sign(secret, timestamp, body)
    given = signature.strip().removeprefix("sha256=")
    if not given.isascii() or not hmac.compare_digest(expected, given):  # compare_digest refuses non-ASCII str
        raise SignatureError("signature does not match")
    # Accept each signature once while its timestamp is valid: a captured request cannot be replayed.
    first_time = cache.add(f"revalidate:seen:{expected}", 1, timeout=2 * MAX_SKEW + 5)
    if first_time is None:
        # The shared cache is down (django-redis ignores the error and answers None): the guard cannot
        # remember. Magento's purges must still reach the edges; the timestamp bounds a replay to MAX_SKEW
        # seconds, and a replayed purge costs one refresh per page, nothing more.
        log.warning("revalidation replay guard unavailable (cache down): accepted on signature and timestamp")
    elif not first_time:
        raise SignatureError("this request was already processed")


@dataclass(frozen=True)
class PurgeRequest:
    tags: list[str]
    paths: list[str]
    hard: bool


def parse_body(body: bytes) -> PurgeRequest:
    """Validate the webhook's JSON body; ValueError with a message a sender can act on."""
    try:
        data = json.loads(body or b"")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError('body must be JSON: {"tags": [...], "paths": [...], "hard": false}') from exc
    if not isinstance(data, dict):
        raise ValueError("body must be a JSON object")
    unknown = set(data) - {"tags", "paths", "hard"}
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
    tags, paths, hard = data.get("tags", []), data.get("paths", []), data.get("hard", False)
    for name, value in (("tags", tags), ("paths", paths)):
        if not isinstance(value, list) or not all(isinstance(v, str) and 0 < len(v) <= 500 for v in value):
            raise ValueError(f"{name} must be a list of non-empty strings")
        if len(value) > MAX_ITEMS:
            raise ValueError(f"at most {MAX_ITEMS} {name} per request")
    if not isinstance(hard, bool):
        raise ValueError("hard must be true or false")
    if not tags and not paths:
        raise ValueError("name at least one tag or path")
    return PurgeRequest(tags=tags, paths=paths, hard=hard)

"""Page-cache keys: readable, purgeable, and blind to tracking parameters.

Rules:
- A key is ``page:<store>:<currency>:<path>[?<query>]`` — a person can read it and purge by path.
- Tracking parameters (``utm_*``, ``gclid``, ``fbclid`` and the like) never reach the key, so a campaign link
  hits the same entry as the plain URL.
- The remaining parameters are sorted; only names that look like real parameters (lower-case words) with
  short values count, and a request with more than ``MAX_PARAMS`` of them is not cached at all (``None``):
  random query strings must not be able to fill the cache.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, urlencode

TRACKING_PREFIXES = ("utm_", "_ga", "mc_", "pk_", "hsa_", "matomo_")
TRACKING_NAMES = frozenset(
    {
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "fbclid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "li_fat_id",
        "epik",
        "srsltid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref",
        "ref_src",
        "cmpid",
    }
)
_PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
MAX_PARAMS = 12
MAX_VALUE = 200


def is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_NAMES or lowered.startswith(TRACKING_PREFIXES)


def normalised_query(items: Iterable[tuple[str, str]]) -> str | None:
    """The key's query part, or None when the request should not be cached."""
    kept: list[tuple[str, str]] = []
    for name, value in items:
        if is_tracking(name):
            continue
        if not _PARAM_NAME.match(name) or len(value) > MAX_VALUE:
            return None
        kept.append((name, value))
    if len(kept) > MAX_PARAMS:
        return None
    kept.sort()
    return urlencode(kept)


def page_key(store: str, currency: str, path: str, query_items: Iterable[tuple[str, str]]) -> str | None:
    query = normalised_query(query_items)
    if query is None:
        return None
    safe_path = quote(path, safe="/-._~!$&'()*+,;=:@%")
    return f"page:{store}:{currency}:{safe_path}" + (f"?{query}" if query else "")


def path_prefix(store: str, currency: str, path: str) -> str:
    """The key of ``path`` without query, for purge-by-path (all query variants share it)."""
    return f"page:{store}:{currency}:{quote(path, safe="/-._~!$&'()*+,;=:@%")}"

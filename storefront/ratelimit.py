"""Rate limits in the shared cache (Redis in production), for login, registration, password reset, coupons
and place-order (DESIGN.md §6).

Rules: fixed windows counted in the cache, so every worker and node shares them; a limit is checked per
client IP and per account (the caller passes both keys); an exhausted limit answers 429 with ``Retry-After``
and a page or JSON that says when to try again. A cache outage never blocks anyone (fail open, logged).
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

log = logging.getLogger("storefront.ratelimit")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


def client_ip(request: HttpRequest) -> str:
    """The client address.

    gunicorn never rewrites REMOTE_ADDR from X-Forwarded-For, so behind nginx or Varnish it is the proxy's
    address — every shopper would share one rate-limit bucket. With ``FORWARDED_FOR_HOPS`` = the number of
    proxies in front of gunicorn (each appends its peer), the client is that many entries from the right of
    X-Forwarded-For; entries further left are whatever the client sent and are never trusted.
    """
    hops = settings.FORWARDED_FOR_HOPS
    if hops > 0:
        chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if chain:
            return chain[-hops] if len(chain) >= hops else chain[0]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, key: str, *, limit: int, window: int) -> Verdict:
    """Count one attempt for ``key`` in ``scope``; refuse once more than ``limit`` happened in the window."""
    now = int(time.time())
    start = now - now % window
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:24]  # no e-mail addresses in cache keys
    name = f"rl:{scope}:{digest}:{start}"
    try:
        count = 1 if cache.add(name, 1, timeout=window + 1) else cache.incr(name)
    except Exception as exc:  # fail open: a cache outage must not lock shoppers out
        log.warning("rate limit %s not checked: %s", scope, exc.__class__.__name__)
        return Verdict(True, 0)
    if count is None:  # django-redis answers None when it ignored a Redis error
        return Verdict(True, 0)
    if count > limit:
        return Verdict(False, max(1, start + window - now))
    return Verdict(True, 0)


def check(scope: str, keys: list[str], *, limit: int, window: int) -> Verdict:
    """All keys must be within the limit (e.g. ``[ip, email]``); the longest wait wins."""
    verdicts = [hit(scope, k, limit=limit, window=window) for k in keys if k]
    refused = [v for v in verdicts if not v.allowed]
    return Verdict(False, max(v.retry_after for v in refused)) if refused else Verdict(True, 0)


def too_many_requests(request: HttpRequest, verdict: Verdict, what: str) -> HttpResponse:
    response = render(request, "429.html", {"what": what, "retry_after": verdict.retry_after}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    response["Cache-Control"] = "private, no-store"
    return response

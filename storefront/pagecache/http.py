"""HTTP semantics of cached pages: headers for downstream caches, ETag/304, content negotiation.

Rules:
- Cacheable pages: ``Cache-Control: public, max-age=0, s-maxage=<fresh>, stale-while-revalidate=<swr>,
  stale-if-error=<sie>``, ``ETag``, ``Age``, ``X-Cache``, ``Surrogate-Key`` and ``xkey`` (the tags),
  ``Vary: Accept-Encoding, HX-Request`` and ``Server-Timing`` (cache state, render ms, Magento ms).
- Bodies are compressed once, when stored; a request gets brotli, gzip or identity by ``Accept-Encoding``,
  never a per-request recompression. Each encoding has its own strong ETag.
- A cached response never carries ``Set-Cookie``.
"""

from __future__ import annotations

import gzip

import brotli
from django.http import HttpRequest, HttpResponse

from storefront.pagecache.entry import Entry, State

MIN_COMPRESS = 512


def compress(entry: Entry) -> Entry:
    if len(entry.body) >= MIN_COMPRESS:
        entry.gzip = gzip.compress(entry.body, compresslevel=6, mtime=0)
        entry.br = brotli.compress(entry.body, quality=5)
    return entry


def accepted_encodings(header: str) -> set[str]:
    accepted: set[str] = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name and q > 0:
            accepted.add(name)
    return accepted


def _etag_matches(header: str, etags: set[str]) -> bool:
    if header.strip() == "*":
        return True
    for candidate in header.split(","):
        tag = candidate.strip().removeprefix("W/")
        if tag in etags:
            return True
    return False


def cache_control(entry: Entry) -> str:
    w = entry.windows
    return f"public, max-age=0, s-maxage={w.fresh}, stale-while-revalidate={w.swr}, stale-if-error={w.sie}"


def server_timing(state: State, entry: Entry, extra_ms: float | None = None) -> str:
    parts = [
        f'cache;desc="{state.value}"',
        f"render;dur={entry.render_ms:.1f}",
        f"magento;dur={entry.magento_ms:.1f}",
    ]
    if extra_ms is not None:
        parts.append(f"app;dur={extra_ms:.1f}")
    return ", ".join(parts)


def respond(request: HttpRequest, entry: Entry, state: State, now: float) -> HttpResponse:
    encodings = accepted_encodings(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    body, encoding, etag = entry.body, None, entry.etag
    if entry.br is not None and "br" in encodings:
        body, encoding, etag = entry.br, "br", entry.etag[:-1] + '-br"'
    elif entry.gzip is not None and "gzip" in encodings:
        body, encoding, etag = entry.gzip, "gzip", entry.etag[:-1] + '-gz"'

    inm = request.META.get("HTTP_IF_NONE_MATCH")
    if inm and entry.status == 200 and _etag_matches(inm, {entry.etag, etag}):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(
            body if request.method != "HEAD" else b"", status=entry.status, content_type=entry.content_type
        )
        if encoding:
            response["Content-Encoding"] = encoding
        response["Content-Length"] = str(len(body))
    for name, value in entry.headers:
        response[name] = value
    response["ETag"] = etag
    response["Cache-Control"] = cache_control(entry)
    response["Age"] = str(int(entry.age(now)))
    response["X-Cache"] = state.value
    tags = " ".join(entry.tags)
    response["Surrogate-Key"] = tags
    response["xkey"] = tags
    response["Vary"] = "Accept-Encoding, HX-Request"
    response["Server-Timing"] = server_timing(state, entry)
    return response


def bypass_headers(response: HttpResponse) -> HttpResponse:
    """An uncached render of a cacheable page type (preview, never-cache, junk query)."""
    response["X-Cache"] = "BYPASS"
    response["Cache-Control"] = "private, no-store"
    return response

"""The page cache: HIT / STALE / MISS / ERROR as DESIGN.md §5 specifies, with single-flight renders.

How a GET for a cacheable page type is answered (``PageCacheMiddleware`` sits right after the request-id
middleware, so a HIT skips sessions, CSRF, auth and messages entirely):

- HIT: the stored body, as it is.
- STALE: the stored body now; one background refresh per key (single-flight across workers and nodes
  through the store's lock; a failed refresh keeps the entry and backs off).
- MISS: one request renders (it holds the key's lock); concurrent requests for the key wait for that
  render and are served its result, or the stale copy — they never call Magento themselves.
- ERROR: the render failed because Magento is unavailable: the stale copy while within stale-if-error,
  else the friendly 503 page.

Cached renders run on a scrubbed request (``scrub.py``): nothing about the visitor reaches the shared copy.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, ResolverMatch, resolve

from storefront import metrics
from storefront.magento import calls
from storefront.magento.errors import MagentoError, MagentoNotFound, MagentoRateLimited, MagentoUnavailable
from storefront.middleware import unavailable_response
from storefront.pagecache import flash, preview
from storefront.pagecache.entry import Entry, State, UpstreamTiming, Windows, clock
from storefront.pagecache.http import bypass_headers, compress, respond
from storefront.pagecache.keys import page_key
from storefront.pagecache.scrub import PASSED_HEADERS, scrubbed_request
from storefront.pagecache.store import PageStore, get_store
from storefront.stores import default_store

log = logging.getLogger("storefront.pagecache")
CACHEABLE_STATUS = frozenset({200, 301, 302, 404})
REPLAYED_HEADERS = ("Location", "Content-Language", "X-Robots-Tag", "Link")
CURRENCY_COOKIE = "currency"


def windows_for(page_type: str) -> Windows | None:
    raw = settings.PAGECACHE_WINDOWS.get(page_type)
    if raw is None:
        return None
    return _parse_windows(tuple(raw))


@lru_cache(maxsize=64)
def _parse_windows(raw: tuple[str, ...]) -> Windows | None:
    return None if [v.lower() for v in raw] == ["never"] else Windows.parse(list(raw))


@lru_cache(maxsize=4096)
def _resolve(urlconf: str, path: str) -> ResolverMatch | None:
    """URL resolution, remembered per path: on a HIT it is most of the routing cost.

    The match keeps no ``tried`` list (every pattern tried before this one, which Django only needs for its
    debug 404 page): 4096 remembered paths would otherwise hold a copy of it each.
    """
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    match.tried = None
    return match


def lock_timeout() -> float:
    return settings.PAGECACHE_LOCK_TIMEOUT


def request_currency(request: HttpRequest) -> str:
    """The shopper's currency choice (a plain cookie, not the session: it must be readable on a HIT)."""
    value = request.COOKIES.get(CURRENCY_COOKIE, "")
    return value if len(value) == 3 and value.isalpha() and value.isupper() else "-"


def cache_key(request: HttpRequest, match: ResolverMatch) -> str | None:
    store = match.kwargs.get("store_code") or default_store()
    items = list(request.GET.items()) if request.META.get("QUERY_STRING") else []
    if request.META.get("HTTP_HX_REQUEST") == "true":
        items.append(("_hx", request.META.get("HTTP_HX_TARGET", "") or "1"))
    return page_key(store, request_currency(request), request.path_info, items)


# --- rendering ---------------------------------------------------------------------------------------


def render_view(scrubbed: HttpRequest, match: ResolverMatch) -> HttpResponse:
    """Run the view on the scrubbed request; Magento's "not found" becomes the (cacheable) 404 page.

    Every other ``MagentoError`` propagates and is a failed render (the ERROR state): the caller serves the
    stale copy or the friendly 503. Besides Magento being down or rate limiting, that is an answer the page
    cannot be built from: an "internal" GraphQL error without data, a 403 from a firewall in front of Magento,
    an unexpected 4xx. Those are logged as errors (``unexpected_failure``): they point at a bug or a setup
    problem, not at load.
    """
    try:
        response = match.func(scrubbed, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
            response = response.render()
    except (MagentoNotFound, Http404):
        response = render(scrubbed, "404.html", {"search_query": ""}, status=404)
    return response


def unexpected_failure(request: HttpRequest, exc: MagentoError) -> None:
    """Log a render that failed for another reason than Magento being down or rate limiting."""
    if not isinstance(exc, MagentoUnavailable | MagentoRateLimited):
        log.error(
            "render failed: %s from Magento (operation=%s status=%s) on %s",
            type(exc).__name__,
            exc.operation,
            exc.status,
            request.path_info,
        )


def build_entry(scrubbed: HttpRequest, match: ResolverMatch, page_type: str) -> tuple[HttpResponse, Entry | None]:
    """Render and turn the response into an Entry (None when the response must not be cached)."""
    token = calls.start_recording()
    started = time.perf_counter()
    try:
        response = render_view(scrubbed, match)
    finally:
        upstream = calls.recorded_calls()
        calls.stop_recording(token)
        # Keep them in the outer request's record (logs, Server-Timing) — above all when the render failed:
        # the calls that timed out are what the operator is looking for.
        for call in upstream:
            calls.record_call(call)
    render_ms = (time.perf_counter() - started) * 1000

    page_type = getattr(response, "page_type", page_type)
    windows = windows_for(page_type)
    if windows is None or response.status_code not in CACHEABLE_STATUS or response.cookies or response.streaming:
        return response, None
    store = match.kwargs.get("store_code") or default_store()
    tags: list[str] = []
    for call in upstream:
        tags.extend(t for t in call.tags if t not in tags)
    tags.extend([f"type:{page_type}", f"store:{store}", f"path:{scrubbed.path_info}", "all"])
    entry = Entry(
        body=response.content,
        status=response.status_code,
        content_type=response.get("Content-Type", "text/html; charset=utf-8"),
        created_at=clock.now(),
        windows=windows,
        tags=tuple(tags),
        page_type=page_type,
        render_ms=max(render_ms - sum(c.ms for c in upstream), 0.0),
        upstream=tuple(UpstreamTiming(c.operation, c.ms, c.bytes) for c in upstream),
        headers=tuple((h, response[h]) for h in REPLAYED_HEADERS if response.has_header(h)),
    )
    return response, compress(entry)


# --- background refresh --------------------------------------------------------------------------------


class Refresher:
    """A small per-process pool that refreshes STALE entries without delaying any response."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:  # created lazily: after gunicorn forks, in the worker that uses it
            workers = settings.PAGECACHE_REFRESH_WORKERS
            self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pagecache-refresh")
        return self._pool

    def schedule(self, key: str, scrubbed: HttpRequest, match: ResolverMatch, page_type: str) -> bool:
        limit = settings.PAGECACHE_REFRESH_QUEUE
        with self._lock:
            if key in self._pending or len(self._pending) >= limit:
                return False
            self._pending.add(key)
        self._executor().submit(self._run, key, scrubbed, match, page_type)
        return True

    def _run(self, key: str, scrubbed: HttpRequest, match: ResolverMatch, page_type: str) -> None:
        store = get_store()
        try:
            if store.in_backoff(key):
                metrics.count_refresh("skipped")
                return
            owner = store.acquire(key, lock_timeout())
            if owner is None:
                metrics.count_refresh("skipped")
                return  # another worker or node is refreshing it
            try:
                # Double-check under the lock: another worker or node may have refreshed it since we saw it stale.
                current, purged_at = store.get(key)
                if current is not None and current.state(clock.now(), purged_at) is State.HIT:
                    metrics.count_refresh("skipped")
                    return
                _, entry = build_entry(scrubbed, match, page_type)
                if entry is not None:
                    store.put(key, entry)
                metrics.count_refresh("ok")
            except Exception as exc:  # a failed refresh keeps the stale entry and backs off
                store.set_backoff(key, settings.PAGECACHE_REFRESH_BACKOFF)
                metrics.count_refresh("failed")
                log.warning("background refresh of %s failed: %s", key, exc.__class__.__name__)
            finally:
                store.release(key, owner)
        finally:
            with self._lock:
                self._pending.discard(key)
                self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """For tests and warm-up commands: wait until no refresh is pending."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True


refresher = Refresher()


# --- the state machine -------------------------------------------------------------------------------


def _wait_for_render(store: PageStore, key: str, older_than: Entry | None) -> Entry | None:
    """Wait for the lock holder's result. None when it finished (or timed out) without one."""
    poll = settings.PAGECACHE_WAIT_POLL
    deadline = time.monotonic() + lock_timeout()
    while time.monotonic() < deadline:
        time.sleep(poll)
        entry, _ = store.get(key)
        if entry is not None and (older_than is None or entry.created_at > older_than.created_at):
            return entry
        if not store.is_locked(key):
            entry, _ = store.get(key)
            if entry is not None and (older_than is None or entry.created_at > older_than.created_at):
                return entry
            return None
    return None


def _serve_error(request: HttpRequest, stale: Entry | None, exc: Exception) -> HttpResponse:
    now = clock.now()
    if stale is not None and stale.can_serve_on_error(now):
        response = respond(request, stale, State.STALE, now)
        response["Server-Timing"] = response["Server-Timing"].replace('desc="STALE"', 'desc="ERROR"')
    else:
        response = unavailable_response(request, exc)  # Server-Timing: app and Magento time, by the middleware
    # Downstream caches see X-Cache STALE (or nothing); logs and metrics count the failed render as ERROR.
    response.cache_state = State.ERROR.value  # type: ignore[attr-defined]
    return response


def serve(request: HttpRequest, match: ResolverMatch, page_type: str) -> HttpResponse:
    windows = windows_for(page_type)
    key = cache_key(request, match) if settings.PAGECACHE_ENABLED else None
    if windows is None or key is None:
        scrubbed = scrubbed_request(request)
        try:
            return bypass_headers(render_view(scrubbed, match))
        except MagentoError as exc:
            unexpected_failure(request, exc)
            return unavailable_response(scrubbed, exc)

    store = get_store()
    now = clock.now()
    stale, purged_at = store.get(key)
    if stale is not None:
        state = stale.state(now, purged_at)
        if state is State.HIT:
            return respond(request, stale, State.HIT, now)
        if state is State.STALE:
            refresher.schedule(key, scrubbed_request(request), match, page_type)
            return respond(request, stale, State.STALE, now)

    scrubbed = scrubbed_request(request)

    for _attempt in range(2):
        owner = store.acquire(key, lock_timeout())
        if owner is None:
            waited = time.perf_counter()
            fresh = _wait_for_render(store, key, stale)
            metrics.observe_single_flight_wait(time.perf_counter() - waited, served=fresh is not None)
            if fresh is not None:
                return respond(request, fresh, State.HIT, clock.now())
            if store.in_backoff(key):  # the render failed because Magento did: do not pile on
                return _serve_error(request, stale, MagentoUnavailable("page render failed upstream", reason="status"))
            continue  # the holder produced nothing cacheable (or died): try to render ourselves
        # Double-check under the lock: another worker may have stored the page between our read and our lock.
        current, purged_at = store.get(key)
        if current is not None and current.state(clock.now(), purged_at) is State.HIT:
            store.release(key, owner)
            return respond(request, current, State.HIT, clock.now())
        try:
            response, entry = build_entry(scrubbed, match, page_type)
            if entry is not None:
                store.put(key, entry)  # stored before the lock goes, so nobody renders it twice
        except MagentoError as exc:
            unexpected_failure(request, exc)
            store.set_backoff(key, settings.PAGECACHE_ERROR_BACKOFF)
            return _serve_error(request, stale, exc)
        finally:
            store.release(key, owner)
        if entry is None:
            return _private(response)
        return respond(request, entry, State.MISS, clock.now())
    return _serve_error(request, stale, MagentoUnavailable("page render did not finish", reason="busy"))


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Cache"] = "BYPASS"
    return response


def refresh_path(request: HttpRequest, path: str) -> bool:
    """Render ``path`` now and store it as the public copy (the inspector's "refresh this page").

    The request supplies host, scheme and the currency cookie; nothing else of it reaches the render.
    """
    base, _, query = path.partition("?")
    synthetic = HttpRequest()
    synthetic.method = "GET"
    synthetic.path = synthetic.path_info = base
    synthetic.META = {k: v for k, v in request.META.items() if k in PASSED_HEADERS}
    synthetic.META["QUERY_STRING"] = query
    synthetic.GET = QueryDict(query)
    synthetic.COOKIES = {k: v for k, v in request.COOKIES.items() if k == CURRENCY_COOKIE}
    try:
        match = resolve(base)
    except Resolver404:
        return False
    page_type = getattr(match.func, "page_type", None)
    key = cache_key(synthetic, match) if page_type else None
    if key is None:
        return False
    store = get_store()
    owner = store.acquire(key, lock_timeout())
    if owner is None:
        return False
    try:
        _, entry = build_entry(scrubbed_request(synthetic), match, page_type)
        if entry is not None:
            store.put(key, entry)
        return entry is not None
    except MagentoError as exc:
        unexpected_failure(synthetic, exc)
        return False
    finally:
        store.release(key, owner)


class PageCacheMiddleware:
    """Answers GET/HEAD for views marked ``@cacheable`` from the page cache; everything else passes."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        match = _resolve(getattr(request, "urlconf", None) or settings.ROOT_URLCONF, request.path_info)
        if match is None:
            return self.get_response(request)
        page_type = getattr(match.func, "page_type", None)
        if page_type is None:
            return self.get_response(request)
        # Django sets this itself for the views it calls; pages answered here need it for logs and metrics.
        request.resolver_match = match
        if preview.COOKIE in request.COOKIES:
            who = preview.previewer(request)
            if who is not None:
                return preview.serve_preview(request, match, page_type, who)
        if not flash.pending(request):
            return serve(request, match, page_type)
        flash.prepare(request)
        return flash.show(request, serve(request, match, page_type))

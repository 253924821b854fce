"""Request-wide infrastructure: request id, upstream-call recording, Server-Timing, and the one place
where Magento failures become what the shopper sees (DESIGN.md §4).

Rules:
- Every response carries a ``Server-Timing`` header (app time and Magento time; a page served from the page
  cache carries the cache's own: state, render and Magento time of the stored copy; static files and https
  redirects, answered above the request middleware, their app time) and all but those an ``X-Request-ID``.
- Every response is measured once, here (``storefront.metrics``): by URL pattern name, cache state and status
  class — the page cache sits inside this middleware, so HITs are counted too.
- Views never catch Magento outages themselves: ``MagentoUnavailable`` becomes the friendly 503 page with
  ``Retry-After`` here; ``MagentoNotFound`` becomes the 404 page; ``MagentoAuthError`` drops the customer's
  token and sends them to log in again with the page they wanted kept in ``next``. Any other Magento error a
  view did not handle (an "internal" GraphQL error, a 403 from a firewall in front of Magento, an unexpected
  4xx) is logged as an error and also gets the friendly 503, never a 500.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from storefront import customer_session, logs, metrics
from storefront.magento import calls
from storefront.magento.errors import (
    MagentoAuthError,
    MagentoError,
    MagentoNotFound,
    MagentoRateLimited,
    MagentoUnavailable,
)

log = logging.getLogger("storefront.magento")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class OuterServerTimingMiddleware:
    """Server-Timing for the responses ``RequestContextMiddleware`` never sees: static files (WhiteNoise answers
    them above it) and ``SecurityMiddleware``'s https redirects. First in the list; everything else already
    carries its own, more detailed header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if not response.has_header("Server-Timing"):
            response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response


class RequestContextMiddleware:
    """Request id in and out, upstream calls recorded per request, Server-Timing on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        id_token = calls.set_request_id(request_id)
        rec_token = calls.start_recording()
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            upstream = calls.recorded_calls()
        finally:
            calls.stop_recording(rec_token)
            calls.reset_request_id(id_token)
        elapsed = time.perf_counter() - started
        total_ms = elapsed * 1000
        response["X-Request-ID"] = request_id
        if not response.has_header("Server-Timing"):
            response["Server-Timing"] = server_timing(total_ms, upstream)
        cache = cache_state(response)
        metrics.observe_request(
            metrics.route_label(getattr(request, "resolver_match", None)), cache, response.status_code, elapsed
        )
        logs.log_request(request, response, total_ms, upstream, cache)
        return response


def cache_state(response: HttpResponse) -> str:
    """HIT/STALE/MISS/BYPASS from ``X-Cache``; ERROR when the page cache answered a failed render (it sets
    ``cache_state`` on the response: downstream caches still see ``X-Cache: STALE``); else ``none``."""
    return metrics.cache_label(getattr(response, "cache_state", None) or response.get("X-Cache"))


def server_timing(total_ms: float, upstream: list[calls.UpstreamCall]) -> str:
    magento_ms = sum(call.ms for call in upstream)
    parts = [f"app;dur={max(total_ms - magento_ms, 0):.1f}"]
    if upstream:
        parts.append(calls.server_timing(upstream))
    return ", ".join(parts)


class MagentoErrorMiddleware:
    """Turns Magento failures raised by views into the pages DESIGN.md §4 prescribes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, MagentoUnavailable | MagentoRateLimited):
            return unavailable_response(request, exc)
        if isinstance(exc, MagentoNotFound):
            return render(request, "404.html", {"search_query": ""}, status=404)
        if isinstance(exc, MagentoAuthError):
            return session_expired_response(request)
        if isinstance(exc, MagentoError):
            log.error(
                "unhandled %s from Magento (operation=%s status=%s) on %s",
                type(exc).__name__,
                exc.operation,
                exc.status,
                request.path_info,
            )
            return unavailable_response(request, exc)
        return None


DEFAULT_RETRY_AFTER = 30
MAX_RETRY_AFTER = 3600


def unavailable_response(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The friendly 503: never cached downstream; ``Retry-After`` is Magento's own estimate when it sent one
    (429 or a maintenance 503, bounded to an hour), else 30 s."""
    retry_after = DEFAULT_RETRY_AFTER
    upstream = getattr(exc, "retry_after", None)
    if isinstance(exc, MagentoUnavailable | MagentoRateLimited) and upstream:
        retry_after = min(max(1, int(upstream)), MAX_RETRY_AFTER)
    maintenance = isinstance(exc, MagentoUnavailable) and exc.maintenance
    # "Try again" repeats a GET; after a POST (a form) it goes back to the form's page, never to the POST URL.
    posted = request.method != "GET"
    retry_url = _same_site_referer_path(request) if posted else request.get_full_path()
    context = {"maintenance": maintenance, "retry_url": retry_url, "posted": posted}
    response = render(request, "503.html", context, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def session_expired_response(request: HttpRequest) -> HttpResponse:
    if hasattr(request, "session"):
        customer_session.drop_token(request)
        try:
            from django.contrib import messages

            messages.warning(request, "Your session expired. Please sign in again.")
        except Exception:  # noqa: S110 - messages are a nicety; the redirect is what matters
            pass
    next_url = request.get_full_path() if request.method == "GET" else _same_site_referer_path(request)
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = "/"
    return HttpResponseRedirect(f"{settings.LOGIN_URL}?{urlencode({'next': next_url})}")


def _same_site_referer_path(request: HttpRequest) -> str:
    """After a POST, come back to the page the form was on — only when the Referer is this very site."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc != request.get_host() or referer.scheme not in {"http", "https"}:
        return "/"
    return referer.path + (f"?{referer.query}" if referer.query else "")


class StaticContentSecurityPolicyMiddleware:
    """Django's CSP middleware, with the header built once: our policy uses no nonces (cached HTML cannot
    carry them), so the header is the same on every response and need not be rebuilt per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.utils.csp import CSP, build_policy

        self.get_response = get_response
        self.headers = [
            (str(header), build_policy(config))
            for header, config in (
                (CSP.HEADER_ENFORCE, settings.SECURE_CSP),
                (CSP.HEADER_REPORT_ONLY, settings.SECURE_CSP_REPORT_ONLY),
            )
            if config
        ]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for header, value in self.headers:
            if header not in response:
                response.headers[header] = value
        return response

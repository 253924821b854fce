"""Infrastructure endpoints of the storefront itself (not shop pages)."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from storefront import metrics, visitor
from storefront.magento import get_client, load_document
from storefront.magento.errors import MagentoError
from storefront.pagecache import revalidate
from storefront.stores import default_store


@csrf_exempt  # server-to-server, authenticated by its HMAC signature instead of a browser token
@require_POST
def revalidate_webhook(request: HttpRequest) -> JsonResponse:
    body = request.body
    try:
        revalidate.verify_signature(
            settings.REVALIDATE_SECRET,
            request.headers.get("X-Storefront-Timestamp"),
            request.headers.get("X-Storefront-Signature"),
            body,
        )
    except revalidate.SignatureError as exc:
        return JsonResponse({"error": "unauthorized", "message": str(exc)}, status=401)
    try:
        wanted = revalidate.parse_body(body)
    except ValueError as exc:
        return JsonResponse({"error": "bad_request", "message": str(exc)}, status=400)
    result = revalidate.purge(tags=wanted.tags, paths=wanted.paths, hard=wanted.hard)
    return JsonResponse({"ok": True, **result.as_dict()})


@require_GET
def header_fragment(request: HttpRequest) -> HttpResponse:
    """The visitor's own header bits (greeting, account links, mini-cart), loaded by htmx on every page.

    Cached pages hold none of this; this small response is private and never stored by anyone. It also carries
    the visitor's pending messages (swapped out of band into ``#flash``): a redirect to a cached page — signed
    out to the home page, a refused add back to the product — would otherwise keep its message for some later
    private page. Private pages show their messages themselves, so none are left when this is fetched.
    """
    context = {"info": visitor.header_info(request)}
    body = render_to_string("partials/header_personal.html", context, request)
    response = HttpResponse(body + render_to_string("partials/flash.html", context, request))
    response["Cache-Control"] = "private, no-store"
    response["Vary"] = "Cookie"
    return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. (Readiness, with Redis and Magento checks, is /readyz.)"""
    response = JsonResponse({"ok": True})
    response["Cache-Control"] = "no-store"
    return response


@cache
def _service_worker_source() -> bytes:
    path = finders.find("js/sw.js")
    with open(str(path), "rb") as fh:
        return fh.read()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/js/sw.js at /sw.js: a worker's scope is its own folder, and the whole shop is in scope."""
    response = HttpResponse(_service_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # browsers check for a new worker on every visit
    return response


@require_GET
def offline_page(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page that was never visited when there is no network."""
    response = render(request, "offline.html")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: can this node serve? Redis (when configured) and Magento must answer. JSON body, 200 or 503."""
    checks: dict[str, str] = {"redis": "not configured", "magento": "ok"}
    ok = True
    if settings.REDIS_URL:
        try:
            from django_redis import get_redis_connection

            get_redis_connection("default").ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"down ({exc.__class__.__name__})"
            ok = False
    client = get_client()
    checks["circuit"] = client.breaker.state
    try:
        client.graphql(load_document("storefront", "Readiness"), store=default_store())
    except MagentoError as exc:
        checks["magento"] = f"down ({exc.__class__.__name__})"
        ok = False
    response = JsonResponse({"ok": ok, **checks}, status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def metrics_endpoint(request: HttpRequest) -> HttpResponse:
    """Prometheus scrape target. Not public: anyone not allowed gets the ordinary 404 (no hint it exists)."""
    if not metrics.scrape_allowed(request.META, settings.METRICS_ALLOWED_IPS, settings.METRICS_TOKEN):
        raise Http404
    response = HttpResponse(metrics.generate_latest(), content_type=metrics.CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response

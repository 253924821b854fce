"""Merchandiser preview: signed, expiring preview sessions and the page inspector.

Rules:
- A preview is a signed cookie (``sf_preview``) holding who is previewing and until when. Staff get one from
  ``/_preview/start`` after Django's admin login; anybody gets one by opening a preview link minted by staff
  (admin action or ``manage.py preview_link``). Expired or tampered cookies are ignored.
- Preview requests neither read from nor write to the shared cache: the page is rendered fresh from Magento,
  sent ``private, no-store`` with ``X-Robots-Tag: noindex``, and carries the inspector bar (the public copy's
  state, age, windows and tags; the upstream queries with timings and sizes; "refresh this page" and "purge
  these tags" buttons). Those buttons are audited (``InspectorAudit``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import ResolverMatch

from storefront.magento import calls
from storefront.magento.errors import MagentoError
from storefront.middleware import unavailable_response
from storefront.pagecache.entry import Entry, State, clock

COOKIE = "sf_preview"
SALT = "storefront.preview"


@dataclass(frozen=True)
class Previewer:
    who: str
    expires_at: float
    link_id: int | None = None


def mint(who: str, seconds: int, link_id: int | None = None) -> str:
    return signing.dumps({"who": who, "exp": int(time.time() + seconds), "link": link_id}, salt=SALT, compress=True)


def read(value: str | None) -> Previewer | None:
    if not value:
        return None
    try:
        data = signing.loads(value, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("exp"), int) or data["exp"] < time.time():
        return None
    return Previewer(who=str(data.get("who") or "unknown"), expires_at=data["exp"], link_id=data.get("link"))


def previewer(request: HttpRequest) -> Previewer | None:
    return read(request.COOKIES.get(COOKIE))


def serve_preview(request: HttpRequest, match: ResolverMatch, page_type: str, who: Previewer) -> HttpResponse:
    # Imported here: cache.py imports this module for the middleware.
    from storefront.pagecache.cache import cache_key, render_view, unexpected_failure, windows_for
    from storefront.pagecache.scrub import scrubbed_request
    from storefront.pagecache.store import get_store

    scrubbed = scrubbed_request(request)
    token = calls.start_recording()
    started = time.perf_counter()
    try:
        response = render_view(scrubbed, match)
    except MagentoError as exc:
        unexpected_failure(request, exc)
        response = unavailable_response(scrubbed, exc)
    finally:
        upstream = calls.recorded_calls()
        calls.stop_recording(token)
    render_ms = (time.perf_counter() - started) * 1000
    for call in upstream:
        calls.record_call(call)

    key = cache_key(request, match)
    public, purged_at = get_store().get(key) if key else (None, None)
    now = clock.now()
    state: State | None = public.state(now, purged_at) if public else None
    actual_type = getattr(response, "page_type", page_type)
    inspector = render_to_string(
        "pagecache/inspector.html",
        {
            "who": who,
            "path": request.get_full_path(),
            "key": key,
            "public": public,
            "state": state.value if state else "none",
            "age": int(public.age(now)) if public else None,
            "windows": windows_for(actual_type),
            "page_type": actual_type,
            "tags": _tags(public, upstream),
            "upstream": upstream,
            "render_ms": render_ms,
            "expires_in": int(who.expires_at - time.time()),
        },
    )
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        body = response.content.decode(response.charset or "utf-8")
        marker = body.rfind("</body>")
        body = body[:marker] + inspector + body[marker:] if marker >= 0 else body + inspector
        response.content = body.encode(response.charset or "utf-8")
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["X-Cache"] = "BYPASS"
    return response


def _tags(public: Entry | None, upstream: list[calls.UpstreamCall]) -> list[str]:
    tags: list[str] = []
    for call in upstream:
        tags.extend(t for t in call.tags if t not in tags)
    if public is not None:
        tags.extend(t for t in public.tags if t not in tags and ":" not in t)
    return tags


LINK_SALT = "storefront.preview-link"


def link_token(link_id: int) -> str:
    return signing.dumps({"link": link_id}, salt=LINK_SALT)


def link_url(link_id: int, path: str) -> str:
    from urllib.parse import urlencode

    return "/_preview/start?" + urlencode({"token": link_token(link_id), "next": path})


def link_id_from(token: str) -> int | None:
    try:
        data = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        return None
    link = data.get("link") if isinstance(data, dict) else None
    return link if isinstance(link, int) else None

"""Preview endpoints: start/stop a preview, and the inspector's audited "refresh" and "purge" buttons."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from storefront.models import InspectorAudit, PreviewLink
from storefront.pagecache import preview
from storefront.pagecache.cache import refresh_path
from storefront.pagecache.revalidate import purge

STAFF_PREVIEW_SECONDS = 8 * 3600


def _safe_next(value: str | None) -> str:
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


@require_GET
def preview_start(request: HttpRequest) -> HttpResponse:
    next_path = _safe_next(request.GET.get("next"))
    token = request.GET.get("token")
    if token:
        link_id = preview.link_id_from(token)
        link = PreviewLink.objects.filter(pk=link_id, expires_at__gt=timezone.now()).first() if link_id else None
        if link is None:
            return HttpResponseForbidden("This preview link is invalid or has expired. Ask for a new one.")
        who = f"link #{link.pk}" + (f" ({link.note})" if link.note else "")
        seconds = int((link.expires_at - timezone.now()).total_seconds())
        cookie = preview.mint(who, seconds, link_id=link.pk)
    elif request.user.is_authenticated and request.user.is_staff:
        seconds = STAFF_PREVIEW_SECONDS
        cookie = preview.mint(request.user.get_username(), seconds)
    else:
        here = f"/_preview/start?{urlencode({'next': next_path})}"
        return HttpResponseRedirect(f"/admin/login/?{urlencode({'next': here})}")
    response = HttpResponseRedirect(next_path)
    response.set_cookie(
        preview.COOKIE, cookie, max_age=seconds, httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
    )
    response["Cache-Control"] = "private, no-store"
    # Drop the service worker and its page cache: a previewer must see fresh renders, never a kept copy.
    response["Clear-Site-Data"] = '"storage"'
    return response


@require_GET
def preview_stop(request: HttpRequest) -> HttpResponse:
    response = HttpResponseRedirect("/")
    response.delete_cookie(preview.COOKIE, samesite="Lax")
    return response


@require_POST
def inspector_refresh(request: HttpRequest) -> HttpResponse:
    who = preview.previewer(request)
    if who is None:
        return HttpResponseForbidden("Preview has ended.")
    path = _safe_next(request.POST.get("path"))
    refreshed = refresh_path(request, path)
    InspectorAudit.objects.create(who=who.who, action="refresh", path=path, entries=int(refreshed))
    return HttpResponseRedirect(path)


@require_POST
def inspector_purge(request: HttpRequest) -> HttpResponse:
    who = preview.previewer(request)
    if who is None:
        return HttpResponseForbidden("Preview has ended.")
    path = _safe_next(request.POST.get("path"))
    tags = [t for t in request.POST.getlist("tag") if t and len(t) <= 500][:500]
    result = purge(tags=tags)
    InspectorAudit.objects.create(who=who.who, action="purge", path=path, tags=" ".join(tags), entries=result.entries)
    return HttpResponseRedirect(path)


def mint_link(path: str, *, hours: float, note: str = "", user=None) -> tuple[PreviewLink, str]:  # type: ignore[no-untyped-def]
    link = PreviewLink.objects.create(
        path=_safe_next(path), note=note, created_by=user, expires_at=timezone.now() + timedelta(hours=hours)
    )
    return link, preview.link_url(link.pk, link.path)

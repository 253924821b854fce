"""Test-only cacheable views: count their renders, report Magento calls, fail or dawdle on demand."""

from __future__ import annotations

import threading
import time

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path

from storefront import preview_views
from storefront.magento import calls
from storefront.magento.errors import MagentoNotFound, MagentoUnavailable
from storefront.pagecache.decorators import cacheable


class Behaviour:
    renders = 0
    fail = False
    delay = 0.0
    lock = threading.Lock()
    log: list = []

    @classmethod
    def reset(cls) -> None:
        cls.renders, cls.fail, cls.delay = 0, False, 0.0
        cls.log = []


@cacheable("product")
def product(request: HttpRequest, slug: str) -> HttpResponse:
    with Behaviour.lock:
        Behaviour.renders += 1
        n = Behaviour.renders
        Behaviour.log.append((threading.current_thread().name, slug, time.monotonic()))
    if Behaviour.delay:
        time.sleep(Behaviour.delay)
    calls.record_call(calls.UpstreamCall("ProductPage", "GET", 200, 12.5, 3000, tags=("cat_p", f"cat_p_{slug}")))
    if Behaviour.fail:
        raise MagentoUnavailable("down", reason="status")
    if slug == "gone":
        raise MagentoNotFound("no such product")
    return HttpResponse(f"<html><body>product {slug} render {n} " + "x" * 2000 + "</body></html>")


@cacheable("product")
def old_url(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect("/p/new/")


@cacheable("product")
def nosy(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"hello {request.session.get('name', 'stranger')}")


@cacheable("product")
def nosy_user(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"hello {request.user.is_authenticated}")


@cacheable("never_type")
def uncached(request: HttpRequest) -> HttpResponse:
    with Behaviour.lock:
        Behaviour.renders += 1
    return HttpResponse("fresh every time")


def plain(request: HttpRequest) -> HttpResponse:
    request.session["seen"] = True
    return HttpResponse("not a cached page")


urlpatterns = [
    path("admin/", __import__("django.contrib.admin", fromlist=["site"]).site.urls),
    path("p/<slug:slug>/", product),
    path("old/", old_url),
    path("nosy/", nosy),
    path("nosy-user/", nosy_user),
    path("uncached/", uncached),
    path("plain/", plain),
    path("_revalidate", __import__("storefront.views", fromlist=["x"]).revalidate_webhook),
    path("_preview/start", preview_views.preview_start),
    path("_preview/stop", preview_views.preview_stop),
    path("_preview/refresh", preview_views.inspector_refresh),
    path("_preview/purge", preview_views.inspector_purge),
]

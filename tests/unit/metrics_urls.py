"""Test-only routes for the metrics tests: named cacheable pages, a view that crashes, one that is rate
limited, and the real /metrics endpoint."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from storefront import ratelimit
from storefront import views as infra_views
from tests.unit.pagecache.views import product


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


def limited(request: HttpRequest) -> HttpResponse:
    return ratelimit.too_many_requests(request, ratelimit.Verdict(False, 30), "sign in")


urlpatterns = [
    path("p/<slug:slug>/", product, name="product"),
    path("boom/", boom, name="boom"),
    path("limited/", limited, name="limited"),
    path("metrics", infra_views.metrics_endpoint, name="metrics"),
]

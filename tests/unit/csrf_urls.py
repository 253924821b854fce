"""Test-only routes: a plain state-changing view and the real header fragment."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.views.decorators.http import require_POST

from storefront import views as infra_views


@require_POST
def change_something(request: HttpRequest) -> HttpResponse:
    return HttpResponse("changed")


def form_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(get_token(request))


def sign_in_as(request: HttpRequest, name: str) -> HttpResponse:
    request.session["customer_firstname"] = name
    request.session["cart_items_qty"] = 3
    request.session["cart_subtotal"] = "$42.00"
    return HttpResponse("ok")


urlpatterns = [
    path("change", change_something),
    path("form", form_page),
    path("sign-in-as/<str:name>", sign_in_as),
    path("_fragment/header", infra_views.header_fragment),
]

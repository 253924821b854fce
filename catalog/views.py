"""Catalog page views: thin functions (parse, call one selector, render)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog import selectors
from storefront.pagecache.decorators import cacheable
from storefront.stores import default_store


@cacheable("home")
def home_page(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = store_code or default_store()
    page = selectors.home_page(store)
    return render(request, "catalog/home.html", {"page": page, "store": page.store, "menu": page.menu})

"""View helpers shared by the cart and checkout: private responses, the store, the page chrome.

Rules: every cart/checkout response is ``Cache-Control: private, no-store`` (``@private_page``); the chrome
(header, menu, footer) comes from the catalog's selector, kept 5 minutes in the shared cache so a private
page does not cost a catalog query each time; if Magento is down the selector raises ``MagentoUnavailable``
and the error middleware renders the 503 page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from catalog import selectors as catalog_selectors
from catalog.types import Chrome
from storefront.stores import default_store

CHROME_TTL = 300


def private_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


def store_of(store_code: str | None) -> str:
    return store_code or default_store()


def shopper_currency(request: HttpRequest) -> str | None:
    from catalog.views import shopper_currency as catalog_currency

    return catalog_currency(request)


def chrome_for(request: HttpRequest, store: str) -> Chrome:
    currency = shopper_currency(request)
    key = f"cart:chrome:{store}:{currency or '-'}"
    found = cache.get(key)
    if found is None:
        found, _tags = catalog_selectors.chrome(store, currency)
        cache.set(key, found, CHROME_TTL)
    return found


def base_context(request: HttpRequest, store: str, title: str) -> dict[str, Any]:
    chrome = chrome_for(request, store)
    return {"chrome": chrome, "store": chrome.store, "menu": chrome.menu, "page_title": title, "prefix": chrome.prefix}

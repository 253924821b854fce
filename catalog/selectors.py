"""Reads for catalog pages (views call these; these call upstream).

Rules: each selector is one page's worth of data in one upstream call; the featured-products category of
the home page and the CMS identifiers come from settings with sensible defaults.
"""

from __future__ import annotations

from django.conf import settings

from catalog import upstream
from catalog.params import ListingParams
from catalog.types import Chrome, HomePage, RoutePage, SearchPage, Suggestions


def home_page(store: str, currency: str | None = None) -> HomePage:
    return upstream.fetch_home_page(
        store,
        currency,
        identifier=getattr(settings, "CATALOG_HOME_CMS_PAGE", "home"),
        featured_path=getattr(settings, "CATALOG_FEATURED_CATEGORY", "what-is-new"),
        featured_count=int(getattr(settings, "CATALOG_FEATURED_COUNT", 8)),
    )


def route_page(
    store: str, currency: str | None, url_path: str, params: ListingParams, chosen: dict[str, str]
) -> RoutePage:
    return upstream.fetch_route(store, currency, url_path, params, chosen)


def search_page(store: str, currency: str | None, params: ListingParams, path: str) -> SearchPage:
    return upstream.fetch_search(store, currency, params, path)


def chrome(store: str, currency: str | None = None) -> tuple[Chrome, tuple[str, ...]]:
    return upstream.fetch_chrome(store, currency)


def suggestions(store: str, currency: str | None, query: str) -> Suggestions:
    return upstream.fetch_suggestions(store, currency, query)[0]


def product_count(store: str) -> int:
    return upstream.fetch_product_count(store)


def product_urls(store: str, page: int, page_size: int) -> list[str]:
    return upstream.fetch_product_urls(store, page, page_size)


def category_urls(store: str) -> list[str]:
    return upstream.fetch_category_urls(store)

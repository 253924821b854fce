"""Listing parameters (filters, sort, page, page size) parsed from a query string, and the URLs built from them.

Rules:
- Only allow-listed parameter names count, and only values of the expected shape: anything else (unknown
  names, malformed values, huge numbers, repeated parameters) is ignored, never an error and never sent to
  Magento. Filter values are option ids (digits), a category uid, or a price range ``10_20``.
- Generated URLs put the parameters in one fixed order and leave out defaults (page 1, default sort and
  page size), so equal listings share one URL and one page-cache entry. Changing a filter, the sort or the
  page size goes back to page 1.
- Magento filter input is built here too: ``category_url_path`` for a category page (Magento refuses it
  together with ``category_uid``, so on a category page sub-categories are links, not a filter).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

# Filterable attributes the storefront offers (Magento adds these to ProductAttributeFilterInput at run
# time; only codes that exist there may be sent, so this is configuration, not free input).
DEFAULT_FILTER_CODES = ("color", "size", "material", "pattern", "climate", "activity", "eco_collection", "new")
SORTS: dict[str, tuple[str, str, str]] = {
    # value: (Magento sort field, direction, label)
    "position": ("position", "ASC", "Position"),
    "name": ("name", "ASC", "Name"),
    "price_asc": ("price", "ASC", "Price: low to high"),
    "price_desc": ("price", "DESC", "Price: high to low"),
}
SEARCH_SORTS: dict[str, tuple[str, str, str]] = {"relevance": ("relevance", "DESC", "Relevance"), **SORTS}
LIMITS = (12, 24, 36)
DEFAULT_LIMIT = 12
MAX_PAGE = 10_000
MAX_QUERY_LENGTH = 128

_OPTION_ID = re.compile(r"^\d{1,10}$")
_UID = re.compile(r"^[A-Za-z0-9+/]{1,40}={0,2}$")
_PRICE = re.compile(r"^(\d{1,7}(?:\.\d{1,2})?)?_(\d{1,7}(?:\.\d{1,2})?)?$")
_PAGE = re.compile(r"^\d{1,6}$")


def filter_codes() -> tuple[str, ...]:
    return tuple(getattr(settings, "CATALOG_FILTER_ATTRIBUTES", DEFAULT_FILTER_CODES))


@dataclass(frozen=True)
class ListingParams:
    filters: tuple[tuple[str, str], ...] = ()  # (code, value) in canonical order; codes: cat, price, attributes
    sort: str = ""  # "" = the listing's default
    page: int = 1
    limit: int = DEFAULT_LIMIT
    query: str = ""  # the search term (search pages only)

    def value(self, code: str) -> str:
        return next((v for c, v in self.filters if c == code), "")

    def with_filter(self, code: str, value: str) -> ListingParams:
        kept = {c: v for c, v in self.filters if c != code}
        kept[code] = value
        return replace(self, filters=_ordered(kept), page=1)

    def without(self, code: str) -> ListingParams:
        return replace(self, filters=tuple((c, v) for c, v in self.filters if c != code), page=1)

    def with_sort(self, sort: str) -> ListingParams:
        return replace(self, sort=sort, page=1)

    def with_limit(self, limit: int) -> ListingParams:
        return replace(self, limit=limit, page=1)

    def with_page(self, page: int) -> ListingParams:
        return replace(self, page=page)

    def query_items(self) -> list[tuple[str, str]]:
        """The parameters as they appear in our URLs (defaults left out)."""
        items: list[tuple[str, str]] = []
        if self.query:
            items.append(("q", self.query))
        items.extend(self.filters)
        if self.sort:
            items.append(("sort", self.sort))
        if self.limit != DEFAULT_LIMIT:
            items.append(("limit", str(self.limit)))
        if self.page > 1:
            items.append(("p", str(self.page)))
        return items

    def url(self, path: str) -> str:
        items = self.query_items()
        return f"{path}?{urlencode(items)}" if items else path


def _ordered(values: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    order = ("cat", "price", *filter_codes())
    return tuple((code, values[code]) for code in order if values.get(code))


def _first(query: Mapping[str, Any], name: str) -> str:
    getlist = getattr(query, "getlist", None)
    values = getlist(name) if getlist else [query.get(name)]
    value = values[0] if values else None
    return value.strip() if isinstance(value, str) else ""


def clean_query(raw: str) -> str:
    """A search term as we use it: whitespace collapsed, control characters dropped, capped in length."""
    text = "".join(ch for ch in raw if ch.isprintable())
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def parse_listing(query: Mapping[str, Any], *, search: bool = False) -> ListingParams:
    """Listing parameters from a request's query string; whatever does not fit is ignored."""
    values: dict[str, str] = {}
    if search and _UID.match(cat := _first(query, "cat")):
        values["cat"] = cat
    price = _first(query, "price")
    match = _PRICE.match(price)
    if match and (match.group(1) or match.group(2)):
        values["price"] = price
    for code in filter_codes():
        value = _first(query, code)
        if _OPTION_ID.match(value):
            values[code] = value
    sorts = SEARCH_SORTS if search else SORTS
    sort = _first(query, "sort")
    page_text = _first(query, "p")
    page = int(page_text) if _PAGE.match(page_text) else 1
    limit_text = _first(query, "limit")
    limit = int(limit_text) if limit_text.isdigit() and int(limit_text) in LIMITS else DEFAULT_LIMIT
    return ListingParams(
        filters=_ordered(values),
        sort=sort if sort in sorts else "",
        page=min(max(page, 1), MAX_PAGE),
        limit=limit,
        query=clean_query(_first(query, "q")) if search else "",
    )


def magento_filter(params: ListingParams, *, category_url_path: str | None = None) -> dict[str, Any]:
    """ProductAttributeFilterInput for the listing."""
    result: dict[str, Any] = {}
    if category_url_path is not None:
        result["category_url_path"] = {"eq": category_url_path}
    for code, value in params.filters:
        if code == "cat":
            if category_url_path is None:
                result["category_uid"] = {"eq": value}
        elif code == "price":
            low, _, high = value.partition("_")
            result["price"] = {k: v for k, v in (("from", low), ("to", high)) if v}
        else:
            result[code] = {"eq": value}
    return result


def magento_sort(params: ListingParams, *, search: bool = False) -> dict[str, str] | None:
    """ProductAttributeSortInput, or None for Magento's default (position; relevance for a search)."""
    if not params.sort:
        return None
    field, direction, _label = (SEARCH_SORTS if search else SORTS)[params.sort]
    return {field: direction}


def hidden_fields(params: ListingParams) -> tuple[tuple[str, str], ...]:
    """What the sort / page-size form must resubmit besides its own fields (filters and the search term)."""
    items: list[tuple[str, str]] = [("q", params.query)] if params.query else []
    items.extend(params.filters)
    return tuple(items)

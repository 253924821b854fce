"""Turns Magento's ``Products`` answer into a ``Listing``: grid, layered navigation, chips, sort, paging.

Rules: called only by ``upstream`` (it still sees Magento's JSON); every link it builds comes from
``ListingParams`` so URLs stay canonical. Layered navigation follows Magento's aggregations; an option
that is already applied links to the listing without it (a toggle), so every control works as a plain
link without JavaScript. On a category page the "Category" aggregation becomes links to the
sub-category pages (Magento refuses ``category_uid`` beside ``category_url_path``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from catalog.money import format_money
from catalog.params import LIMITS, SEARCH_SORTS, SORTS, ListingParams, filter_codes, hidden_fields
from catalog.types import (
    ActiveFilter,
    Category,
    Choice,
    Chrome,
    FilterGroup,
    FilterOption,
    Listing,
    PageLink,
    ProductCard,
)

Json = dict[str, Any]

# Layered navigation has no swatch data in Magento 2.4.7's aggregations: colour names get a fixed tone.
COLOR_NAMES = {
    "black": "#26262a",
    "blue": "#265ed6",
    "brown": "#885840",
    "gray": "#8f8f96",
    "grey": "#8f8f96",
    "green": "#2e9a4a",
    "lavender": "#b7a3e0",
    "orange": "#f08a24",
    "purple": "#7b3fa0",
    "red": "#d22f2f",
    "white": "#ffffff",
    "yellow": "#f5d327",
    "multi": "#c0a060",
}


def _price_label(value: str, chrome: Chrome) -> str:
    low, _, high = value.partition("_")
    try:
        parts = [format_money(Decimal(v), chrome.store.currency, chrome.store.locale) if v else "" for v in (low, high)]
    except InvalidOperation:
        return value
    if parts[0] and parts[1]:
        return f"{parts[0]} \u2013 {parts[1]}"
    return f"from {parts[0]}" if parts[0] else f"up to {parts[1]}"


def _groups(
    aggregations: list[Json], params: ListingParams, base: str, chrome: Chrome, category: Category | None
) -> tuple[tuple[FilterGroup, ...], dict[str, dict[str, str]]]:
    allowed = {"price", *filter_codes()}
    labels: dict[str, dict[str, str]] = {}
    groups: list[FilterGroup] = []
    ordered = sorted((a for a in aggregations if a), key=lambda a: a.get("position") or 0)
    for aggregation in ordered:
        code = aggregation.get("attribute_code") or ""
        raw_options = [o for o in aggregation.get("options") or [] if o and o.get("value") is not None]
        if code == "category_uid":
            if category is not None:
                children = {c.uid: c for c in category.children}
                options = tuple(
                    FilterOption(
                        label=o.get("label") or "",
                        value=o["value"],
                        count=int(o.get("count") or 0),
                        url=children[o["value"]].url,
                    )
                    for o in raw_options
                    if o["value"] in children
                )
                if options:
                    groups.append(FilterGroup("category", aggregation.get("label") or "Category", options))
                continue
            code = "cat"
        elif code not in allowed:
            continue
        current = params.value(code)
        options_list = []
        for option in raw_options:
            value = str(option["value"])
            label = _price_label(value, chrome) if code == "price" else (option.get("label") or value)
            labels.setdefault(code, {})[value] = label
            active = current == value
            url = (params.without(code) if active else params.with_filter(code, value)).url(base)
            color = COLOR_NAMES.get(label.lower(), "#cccccc") if code == "color" else ""
            options_list.append(FilterOption(label, value, int(option.get("count") or 0), url, active, color))
        # One option that is not applied narrows nothing: leave the group out (Magento does the same).
        if len(options_list) > 1 or current:
            groups.append(FilterGroup(code, aggregation.get("label") or code, tuple(options_list)))
    return tuple(groups), labels


def _category_name(uid: str, chrome: Chrome) -> str:
    """A category's name from the menu (a filtered search no longer aggregates the chosen category itself)."""
    stack = list(chrome.menu)
    while stack:
        node = stack.pop()
        if node.uid == uid:
            return node.name
        stack.extend(node.children)
    return "selected category"


def _active_label(
    code: str, value: str, groups: tuple[FilterGroup, ...], labels: dict[str, dict[str, str]], chrome: Chrome
) -> tuple[str, str]:
    group_label = next((g.label for g in groups if g.code == code), "")
    if code == "cat":
        return group_label or "Category", labels.get(code, {}).get(value) or _category_name(value, chrome)
    if code == "price":
        return group_label or "Price", labels.get(code, {}).get(value) or _price_label(value, chrome)
    return group_label or code.replace("_", " ").title(), labels.get(code, {}).get(value) or value


def _pages(params: ListingParams, total_pages: int, base: str) -> tuple[PageLink, ...]:
    if total_pages <= 1:
        return ()
    wanted = {1, total_pages, *range(params.page - 2, params.page + 3)}
    links: list[PageLink] = []
    previous = 0
    for number in sorted(n for n in wanted if 1 <= n <= total_pages):
        if number - previous > 1:
            links.append(PageLink(None))
        links.append(PageLink(number, params.with_page(number).url(base), number == params.page))
        previous = number
    return tuple(links)


def build(
    products: Json | None,
    params: ListingParams,
    base: str,
    chrome: Chrome,
    card: Callable[[Json, Chrome], ProductCard],
    *,
    category: Category | None = None,
    search: bool = False,
) -> Listing:
    """The listing for one page; ``products`` None means Magento refused the page number (out of range)."""
    products = products or {}
    total = int(products.get("total_count") or 0)
    page_info = products.get("page_info") or {}
    total_pages = int(page_info.get("total_pages") or 0)
    items = tuple(card(n, chrome) for n in products.get("items") or [] if n)
    groups, labels = _groups(products.get("aggregations") or [], params, base, chrome, category)
    active = tuple(
        ActiveFilter(*_active_label(code, value, groups, labels, chrome), remove_url=params.without(code).url(base))
        for code, value in params.filters
    )
    sorts_table = SEARCH_SORTS if search else SORTS
    default_sort = "relevance" if search else "position"
    sorts = tuple(
        Choice(
            value,
            label,
            params.with_sort("" if value == default_sort else value).url(base),
            (params.sort or default_sort) == value,
        )
        for value, (_field, _direction, label) in sorts_table.items()
    )
    limits = tuple(Choice(str(n), str(n), params.with_limit(n).url(base), n == params.limit) for n in LIMITS)
    clear = ListingParams(query=params.query, sort=params.sort, limit=params.limit)
    return Listing(
        total=total,
        items=items,
        page=params.page,
        total_pages=total_pages,
        limit=params.limit,
        filters=groups,
        active=active,
        sorts=sorts,
        limits=limits,
        pages=_pages(params, total_pages, base),
        base_url=base,
        hidden=hidden_fields(params),
        clear_url=clear.url(base),
        prev_url=params.with_page(params.page - 1).url(base) if 1 < params.page <= max(total_pages, 1) else "",
        next_url=params.with_page(params.page + 1).url(base) if params.page < total_pages else "",
        out_of_range=not products or (params.page > 1 and params.page > total_pages),
    )

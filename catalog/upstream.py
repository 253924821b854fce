"""The catalog's calls to Magento: one function per GraphQL operation, returning catalog types.

Rules: the only catalog module that imports ``storefront.magento``; each page type costs one GraphQL
request, sent as a cacheable GET with the store (and currency) headers.
"""

from __future__ import annotations

from typing import Any

from catalog.types import HomePage, MenuCategory, StoreIdentity
from storefront.magento import get_client, load_document
from storefront.stores import url_prefix


def fetch_home_page(store: str, currency: str | None = None) -> HomePage:
    result = get_client().graphql(load_document("catalog", "HomePage"), store=store, currency=currency)
    data = result.data or {}
    config = data.get("storeConfig") or {}
    identity = StoreIdentity(
        code=config.get("store_code") or store,
        name=config.get("store_name") or "",
        title=config.get("default_title") or config.get("store_name") or "",
        currency=config.get("default_display_currency_code") or "",
        locale=config.get("locale") or "",
        copyright=config.get("copyright") or "",
    )
    roots = ((data.get("categories") or {}).get("items")) or []
    children = roots[0].get("children") if roots else []
    return HomePage(store=identity, menu=_menu(children or [], store), tags=result.tags)


def _menu(nodes: list[dict[str, Any]], store: str) -> tuple[MenuCategory, ...]:
    visible = [n for n in nodes if n and n.get("include_in_menu", 1) and n.get("url_path")]
    visible.sort(key=lambda n: n.get("position") or 0)
    return tuple(
        MenuCategory(
            uid=n["uid"],
            name=n.get("name") or "",
            url=f"{url_prefix(store)}/{n['url_path']}{n.get('url_suffix') or ''}",
            children=_menu(n.get("children") or [], store),
        )
        for n in visible
    )

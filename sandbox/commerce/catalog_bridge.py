"""The one place commerce code reaches into the catalog (``sandbox.catalog.api``), so its shapes stay local.

Rules: money comes back in the website's base currency; conversion to a store's display currency goes
through ``api.convert``; nothing here writes to the catalog except ``decrement_stock`` at place-order.
"""

from __future__ import annotations

from decimal import Decimal

from sandbox.catalog import api
from sandbox.catalog.api import ProductInfo, Sellable, StoreInfo

__all__ = ["ProductInfo", "Sellable", "StoreInfo"]


def store_or_none(code: str) -> StoreInfo | None:
    return api.store_info(code)


def store(code: str) -> StoreInfo:
    info = api.store_info(code)
    if info is None:
        info = api.store_info("default")
    assert info is not None, "the catalog is not seeded"
    return info


def store_by_id(store_id: int) -> StoreInfo | None:
    from sandbox.catalog.models import Store

    row = Store.objects.filter(store_id=store_id).first()
    return api.store_info(row.code) if row else None


def sellable(store_code: str, sku: str) -> Sellable | None:
    return api.get_sellable(store_code, sku)


def product(store_code: str, sku: str) -> ProductInfo | None:
    return api.get_product_by_sku(store_code, sku)


def configurable_child(store_code: str, parent_sku: str, selections: dict[str, int]) -> Sellable | None:
    return api.resolve_configurable_child(store_code, parent_sku, selections)


def to_quote_currency(amount: Decimal, info: StoreInfo) -> Decimal:
    return api.convert(amount, info.base_currency_code, info.default_display_currency_code)


def decrement_stock(sku: str, qty: Decimal) -> None:
    api.decrement_stock(sku, qty)


def update_product(sku: str, **changes: object) -> list[str]:
    return api.update_product(sku, **changes)  # type: ignore[arg-type]


def update_cms_page(page_id: int, **changes: str) -> list[str]:
    return api.update_cms_page(page_id, **changes)


def update_cms_block(block_id: int, **changes: str) -> list[str]:
    return api.update_cms_block(block_id, **changes)


def cms_page_json(page_id: int) -> dict[str, object]:
    """A CMS page as Magento's PageInterface answers it (the keys the sandbox keeps)."""
    from sandbox.catalog.models import CmsPage

    page = CmsPage.objects.get(page_id=page_id)
    return {
        "id": page.page_id,
        "identifier": page.identifier,
        "title": page.title,
        "page_layout": page.page_layout,
        "meta_title": page.meta_title,
        "meta_keywords": page.meta_keywords,
        "meta_description": page.meta_description,
        "content_heading": page.content_heading,
        "content": page.content,
        "active": page.is_active,
    }


def cms_block_json(block_id: int) -> dict[str, object]:
    """A CMS block as Magento's BlockInterface answers it (the keys the sandbox keeps)."""
    from sandbox.catalog.models import CmsBlock

    block = CmsBlock.objects.get(block_id=block_id)
    return {
        "id": block.block_id,
        "identifier": block.identifier,
        "title": block.title,
        "content": block.content,
        "active": block.is_active,
    }

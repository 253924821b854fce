"""Admin routes the sandbox supports: ``PUT /V1/products/:sku`` (ACL ``Magento_Catalog::products``),
``PUT /V1/cmsPage/:id`` (``Magento_Cms::page``) and ``PUT /V1/cmsBlock/:id`` (``Magento_Cms::block``).

Rules: the product body is ``{"product": {name?, price?, status?, extension_attributes?: {stock_item?: {qty,
is_in_stock}}, custom_attributes?: [{attribute_code: "description" | "short_description", value}]}}``; CMS
bodies are ``{"page": {title?, content?, content_heading?, meta_title?}}`` and ``{"block": {title?,
content?}}`` (Magento's PageInterface / BlockInterface keys; others are ignored). The catalog returns the
cache tags to purge and the revalidation webhook is fired with them; a webhook failure is logged, never an
error of the save. Unknown SKU or id → 404 (real Magento would create the entity; the sandbox creates
nothing). Content is stored as given, unsanitised, as Magento stores it: making it safe is the storefront's
job.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sandbox.commerce import catalog_bridge, webhooks
from sandbox.commerce.errors import NoSuchEntity, invalid_value
from sandbox.rest import params
from sandbox.rest.routing import Call, route

NO_PRODUCT = "The product that was requested doesn't exist. Verify the product and try again."


def _changes(product: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if product.get("name") is not None:
        changes["name"] = params.string(product, "name")
    if product.get("price") is not None:
        price = params.as_decimal(product["price"])
        if price < 0:
            raise invalid_value("price", product["price"])
        changes["price"] = price
    if product.get("status") is not None:
        status = params.as_int(product["status"])
        if status not in (1, 2):
            raise invalid_value("status", product["status"])
        changes["status"] = status
    extension = product.get("extension_attributes")
    stock = extension.get("stock_item") if isinstance(extension, dict) else None
    if isinstance(stock, dict):
        qty = params.as_decimal(stock["qty"]) if stock.get("qty") is not None else None
        if stock.get("is_in_stock") is False:
            qty = Decimal(0)  # the catalog derives the stock status from the quantity
        if qty is not None:
            changes["qty"] = qty
    for attribute in product.get("custom_attributes") or []:
        code = attribute.get("attribute_code") if isinstance(attribute, dict) else None
        if code in ("description", "short_description"):
            changes[code] = params.string(attribute, "value")
    return changes


@route("PUT", "V1/products/:sku", "Magento_Catalog::products")
def update_product(call: Call) -> dict[str, Any]:
    product = params.obj(call.body, "product")
    assert product is not None
    sku = call.params["sku"]
    changes = _changes(product)
    if call.scope not in ("default", "all"):
        changes["store_code"] = call.scope  # a store view's name becomes that view's label
    try:
        tags = catalog_bridge.update_product(sku, **changes)
    except KeyError:
        raise NoSuchEntity(NO_PRODUCT) from None
    webhooks.fire(tags)
    return _product_json(call.store_code, sku)


NO_PAGE = 'The CMS page with the "%1" ID doesn\'t exist.'
NO_BLOCK = 'The CMS block with the "%1" ID doesn\'t exist.'


def _cms_changes(body: dict[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    return {name: str(params.string(body, name)) for name in names if body.get(name) is not None}


@route("PUT", "V1/cmsPage/:id", "Magento_Cms::page")
def update_cms_page(call: Call) -> dict[str, Any]:
    page = params.obj(call.body, "page")
    assert page is not None
    page_id = params.as_int(call.params["id"])
    try:
        tags = catalog_bridge.update_cms_page(
            page_id, **_cms_changes(page, ("title", "content", "content_heading", "meta_title"))
        )
    except KeyError:
        raise NoSuchEntity(NO_PAGE, [str(page_id)]) from None
    webhooks.fire(tags)
    return catalog_bridge.cms_page_json(page_id)


@route("PUT", "V1/cmsBlock/:id", "Magento_Cms::block")
def update_cms_block(call: Call) -> dict[str, Any]:
    block = params.obj(call.body, "block")
    assert block is not None
    block_id = params.as_int(call.params["id"])
    try:
        tags = catalog_bridge.update_cms_block(block_id, **_cms_changes(block, ("title", "content")))
    except KeyError:
        raise NoSuchEntity(NO_BLOCK, [str(block_id)]) from None
    webhooks.fire(tags)
    return catalog_bridge.cms_block_json(block_id)


def _product_json(store_code: str, sku: str) -> dict[str, Any]:
    info = catalog_bridge.product(store_code, sku)
    assert info is not None
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return {
        "id": info.id,
        "sku": info.sku,
        "name": info.name,
        "attribute_set_id": 4,
        "price": info.regular_price,
        "status": 1 if info.enabled else 2,
        "visibility": info.visibility,
        "type_id": info.product_type,
        "updated_at": now,
        "weight": info.weight,
        "extension_attributes": {
            "website_ids": [1],
            "category_links": [{"position": 0, "category_id": str(c)} for c in info.category_ids],
            "stock_item": {
                "product_id": info.id,
                "stock_id": 1,
                "qty": info.qty,
                "is_in_stock": info.in_stock,
            },
        },
        "custom_attributes": [{"attribute_code": "url_key", "value": info.url_key}],
    }

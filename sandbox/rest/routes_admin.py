"""Admin routes the sandbox supports: ``PUT /V1/products/:sku`` (ACL ``Magento_Catalog::products``).

Rules: the body is ``{"product": {name?, price?, status?, extension_attributes?: {stock_item?: {qty,
is_in_stock}}}}``; the catalog returns the cache tags to purge and the revalidation webhook is fired with
them; a webhook failure is logged, never an error of the save. Unknown SKU → 404 (real Magento would
create a product; the sandbox does not create products).
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

"""The cart's and checkout's calls to Magento: one function per operation, guest and customer twins.

Rules:
- The only cart module that imports ``storefront.magento``. Every REST call names its method and route
  template literally (a contract test checks them against Magento's OpenAPI files), so each operation is
  written twice: ``/V1/guest-carts/:cartId/...`` with the masked id, ``/V1/carts/mine/...`` with the token.
- ``CartRef`` says which: a token means the customer's cart, otherwise the guest's masked id.
- POST/PUT/DELETE are sent once (the client never retries them); errors propagate as typed Magento errors
  and the services decide what the shopper sees.
- Raw JSON stays here or in ``cart.types`` parsers; nothing returned carries the token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from storefront.magento import MagentoNotFound, get_client, load_document

Json = dict[str, Any]


@dataclass(frozen=True)
class CartRef:
    store: str
    guest_id: str = ""
    token: str | None = None

    def __repr__(self) -> str:  # never print the token or the masked id (both grant access to the cart)
        return f"CartRef(store={self.store!r}, customer={self.token is not None})"


def is_missing_cart(exc: MagentoNotFound) -> bool:
    """Magento's NoSuchEntity for the cart itself ("No such entity with cartId = …"), not for an item."""
    return "cartId" in exc.message or "customerId" in exc.message


# --- carts -----------------------------------------------------------------------------------------------


def create_guest_cart(store: str) -> str:
    return str(get_client().rest("POST", "/V1/guest-carts", store=store))


def create_customer_cart(store: str, token: str) -> int:
    """``createEmptyCartForCustomer``: answers the existing active quote's id when there is one."""
    return int(get_client().rest("POST", "/V1/carts/mine", store=store, token=token))  # type: ignore[arg-type]


def customer_cart_id(store: str, token: str) -> int:
    """The customer's active quote id (``self`` route: 404 when there is none, 401 when the token is dead)."""
    result = get_client().rest("GET", "/V1/carts/mine", store=store, token=token, fields="id")
    return int((result or {}).get("id") or 0) if isinstance(result, dict) else 0


def guest_cart(store: str, guest_id: str) -> Json:
    """The quote behind a masked id; Magento's GuestCartRepository also reads an inactive (ordered) one."""
    result = get_client().rest("GET", "/V1/guest-carts/:cartId", path_params={"cartId": guest_id}, store=store)
    return result if isinstance(result, dict) else {}


def assign_guest_cart(store: str, guest_id: str, token: str, store_id: int) -> bool:
    """Make the guest cart the customer's; Magento merges the customer's previous active cart into it."""
    result = get_client().rest(
        "PUT",
        "/V1/guest-carts/:cartId",
        path_params={"cartId": guest_id},
        json={"storeId": store_id},
        store=store,
        token=token,
    )
    return bool(result)


def store_id(store: str) -> int:
    data = get_client().graphql(load_document("cart", "CartStoreId"), store=store).data or {}
    return int((data.get("storeConfig") or {}).get("id") or 0)


# --- items -----------------------------------------------------------------------------------------------


def items(ref: CartRef) -> list[Json]:
    client = get_client()
    if ref.token:
        result = client.rest("GET", "/V1/carts/mine/items", store=ref.store, token=ref.token)
    else:
        result = client.rest(
            "GET", "/V1/guest-carts/:cartId/items", path_params={"cartId": ref.guest_id}, store=ref.store
        )
    return [row for row in result if isinstance(row, dict)] if isinstance(result, list) else []


def _cart_item(ref: CartRef, sku: str, qty: int, options: list[tuple[int, int]]) -> Json:
    item: Json = {"sku": sku, "qty": qty}
    if not ref.token:
        item["quote_id"] = ref.guest_id  # Magento overwrites it on the mine route (forced %cart_id%)
    if options:
        chosen = [{"option_id": str(option_id), "option_value": value} for option_id, value in options]
        item["product_option"] = {"extension_attributes": {"configurable_item_options": chosen}}
    return item


def add_item(ref: CartRef, sku: str, qty: int, options: list[tuple[int, int]]) -> Json:
    """Add ``qty`` of ``sku`` (a configurable's PARENT sku plus (attribute id, value index) pairs)."""
    client = get_client()
    body = {"cartItem": _cart_item(ref, sku, qty, options)}
    if ref.token:
        result = client.rest("POST", "/V1/carts/mine/items", json=body, store=ref.store, token=ref.token)
    else:
        result = client.rest(
            "POST", "/V1/guest-carts/:cartId/items", path_params={"cartId": ref.guest_id}, json=body, store=ref.store
        )
    return result if isinstance(result, dict) else {}


def update_item(ref: CartRef, item_id: int, qty: int) -> None:
    client = get_client()
    if ref.token:
        body = {"cartItem": {"item_id": item_id, "qty": qty}}
        client.rest(
            "PUT",
            "/V1/carts/mine/items/:itemId",
            path_params={"itemId": item_id},
            json=body,
            store=ref.store,
            token=ref.token,
        )
    else:
        body = {"cartItem": {"item_id": item_id, "qty": qty, "quote_id": ref.guest_id}}
        client.rest(
            "PUT",
            "/V1/guest-carts/:cartId/items/:itemId",
            path_params={"cartId": ref.guest_id, "itemId": item_id},
            json=body,
            store=ref.store,
        )


def delete_item(ref: CartRef, item_id: int) -> None:
    client = get_client()
    if ref.token:
        client.rest(
            "DELETE", "/V1/carts/mine/items/:itemId", path_params={"itemId": item_id}, store=ref.store, token=ref.token
        )
    else:
        client.rest(
            "DELETE",
            "/V1/guest-carts/:cartId/items/:itemId",
            path_params={"cartId": ref.guest_id, "itemId": item_id},
            store=ref.store,
        )


# --- totals and coupons ----------------------------------------------------------------------------------


def totals(ref: CartRef) -> Json:
    client = get_client()
    if ref.token:
        result = client.rest("GET", "/V1/carts/mine/totals", store=ref.store, token=ref.token)
    else:
        result = client.rest(
            "GET", "/V1/guest-carts/:cartId/totals", path_params={"cartId": ref.guest_id}, store=ref.store
        )
    return result if isinstance(result, dict) else {}


def set_coupon(ref: CartRef, code: str) -> None:
    client = get_client()
    if ref.token:
        client.rest(
            "PUT",
            "/V1/carts/mine/coupons/:couponCode",
            path_params={"couponCode": code},
            store=ref.store,
            token=ref.token,
        )
    else:
        client.rest(
            "PUT",
            "/V1/guest-carts/:cartId/coupons/:couponCode",
            path_params={"cartId": ref.guest_id, "couponCode": code},
            store=ref.store,
        )


def remove_coupon(ref: CartRef) -> None:
    client = get_client()
    if ref.token:
        client.rest("DELETE", "/V1/carts/mine/coupons", store=ref.store, token=ref.token)
    else:
        client.rest("DELETE", "/V1/guest-carts/:cartId/coupons", path_params={"cartId": ref.guest_id}, store=ref.store)


def estimate_shipping(ref: CartRef, address: Json) -> list[Json]:
    client = get_client()
    body = {"address": address}
    if ref.token:
        result = client.rest(
            "POST", "/V1/carts/mine/estimate-shipping-methods", json=body, store=ref.store, token=ref.token
        )
    else:
        result = client.rest(
            "POST",
            "/V1/guest-carts/:cartId/estimate-shipping-methods",
            path_params={"cartId": ref.guest_id},
            json=body,
            store=ref.store,
        )
    return [row for row in result if isinstance(row, dict)] if isinstance(result, list) else []


# --- checkout ---------------------------------------------------------------------------------------------


def save_shipping_information(ref: CartRef, shipping: Json, billing: Json, carrier: str, method: str) -> Json:
    """Shipping address + method (and a billing address) on the quote; answers payment methods and totals."""
    client = get_client()
    body = {
        "addressInformation": {
            "shipping_address": shipping,
            "billing_address": billing,
            "shipping_carrier_code": carrier,
            "shipping_method_code": method,
        }
    }
    if ref.token:
        result = client.rest("POST", "/V1/carts/mine/shipping-information", json=body, store=ref.store, token=ref.token)
    else:
        result = client.rest(
            "POST",
            "/V1/guest-carts/:cartId/shipping-information",
            path_params={"cartId": ref.guest_id},
            json=body,
            store=ref.store,
        )
    return result if isinstance(result, dict) else {}


def payment_methods(ref: CartRef) -> list[Json]:
    client = get_client()
    if ref.token:
        result = client.rest("GET", "/V1/carts/mine/payment-methods", store=ref.store, token=ref.token)
    else:
        result = client.rest(
            "GET", "/V1/guest-carts/:cartId/payment-methods", path_params={"cartId": ref.guest_id}, store=ref.store
        )
    return [row for row in result if isinstance(row, dict)] if isinstance(result, list) else []


def place_order(ref: CartRef, *, email: str, method: str, billing: Json) -> int:
    """Save payment + billing and place the order in one call; Magento answers the order ENTITY id. Waits
    ``MAGENTO_ORDER_TIMEOUT`` for the answer, longer than other calls (settings.py says why)."""
    client = get_client()
    wait = float(settings.MAGENTO_ORDER_TIMEOUT)
    if ref.token:
        body: Json = {"paymentMethod": {"method": method}, "billingAddress": billing}
        result = client.rest(
            "POST",
            "/V1/carts/mine/payment-information",
            json=body,
            store=ref.store,
            token=ref.token,
            read_timeout=wait,
        )
    else:
        body = {"email": email, "paymentMethod": {"method": method}, "billingAddress": billing}
        result = client.rest(
            "POST",
            "/V1/guest-carts/:cartId/payment-information",
            path_params={"cartId": ref.guest_id},
            json=body,
            store=ref.store,
            read_timeout=wait,
        )
    return int(result)  # type: ignore[arg-type]


def customer_last_order_number(store: str, token: str) -> str:
    document = load_document("cart", "CustomerLastOrder")
    data = get_client().graphql(document, store=store, token=token).data or {}
    orders = ((data.get("customer") or {}).get("orders") or {}).get("items") or []
    return str((orders[0] or {}).get("number") or "") if orders else ""


def customer_me(store: str, token: str) -> Json:
    """The signed-in customer with their address book (a ``self`` route: 401 when the token is dead)."""
    result = get_client().rest("GET", "/V1/customers/me", store=store, token=token)
    return result if isinstance(result, dict) else {}


def countries(store: str) -> list[Json]:
    result = get_client().rest("GET", "/V1/directory/countries", store=store)
    return [row for row in result if isinstance(row, dict)] if isinstance(result, list) else []


# --- product data the REST cart lacks ---------------------------------------------------------------------


def product_options(store: str, sku: str) -> Json | None:
    document = load_document("cart", "CartProductOptions")
    data = get_client().graphql(document, {"sku": sku}, store=store).data or {}
    found = (data.get("products") or {}).get("items") or []
    return next((item for item in found if item and item.get("sku") == sku), None)


def line_products(store: str, skus: list[str]) -> list[Json]:
    if not skus:
        return []
    document = load_document("cart", "CartLineProducts")
    data = get_client().graphql(document, {"skus": skus}, store=store).data or {}
    return [item for item in (data.get("products") or {}).get("items") or [] if item]

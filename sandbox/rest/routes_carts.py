"""Quote routes, guest (``guest-carts/:cartId``, masked id) and customer (``carts/mine``) twins.

Rules: each operation is written once as ``op(call, quote)`` and registered for both prefixes; the guest
twin resolves the masked id, the ``mine`` twin the caller's active quote (ACL ``self``). A body's
``cartItem.quote_id`` is ignored, as Magento overwrites it with the resolved cart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.commerce import carts, checkout, totals
from sandbox.commerce.models import Quote, QuoteAddress
from sandbox.rest import params
from sandbox.rest.routing import SELF, Call, route

Operation = Callable[[Call, Quote], Any]


def _guest(call: Call) -> Quote:
    return carts.guest_quote(call.params["cartId"])


def _mine(call: Call) -> Quote:
    assert call.customer is not None
    return carts.customer_quote(call.customer)


def both(method: str, suffix: str) -> Callable[[Operation], Operation]:
    def decorate(operation: Operation) -> Operation:
        route(method, f"V1/guest-carts/:cartId{suffix}")(lambda call: operation(call, _guest(call)))
        route(method, f"V1/carts/mine{suffix}", SELF)(lambda call: operation(call, _mine(call)))
        return operation

    return decorate


# --- carts -----------------------------------------------------------------------------------------


@route("POST", "V1/guest-carts")
def create_guest_cart(call: Call) -> str:
    return carts.create_guest_cart(call.store_code)


@route("GET", "V1/guest-carts/:cartId")
def get_guest_cart(call: Call) -> dict[str, Any]:
    # GuestCartRepository::get uses the repository's get(), which also reads an ordered (inactive) quote.
    return carts.cart_json(carts.guest_quote(call.params["cartId"], active=False))


@route("PUT", "V1/guest-carts/:cartId", SELF)
def assign_guest_cart(call: Call) -> bool:
    assert call.customer is not None
    store_id = params.integer(call.body, "storeId")
    assert store_id is not None
    return carts.assign_customer(call.params["cartId"], call.customer, store_id)


@route("POST", "V1/carts/mine", SELF)
def create_customer_cart(call: Call) -> int:
    assert call.customer is not None
    return carts.create_customer_cart(call.customer, call.store_code)


@route("GET", "V1/carts/mine", SELF)
def get_customer_cart(call: Call) -> dict[str, Any]:
    assert call.customer is not None
    return carts.cart_json(carts.customer_cart_for_get(call.customer))


# --- items -----------------------------------------------------------------------------------------


@both("GET", "/items")
def list_items(call: Call, quote: Quote) -> list[dict[str, Any]]:
    return [carts.item_json(item, quote) for item in quote.items.all()]


@both("POST", "/items")
def add_item(call: Call, quote: Quote) -> dict[str, Any]:
    cart_item = params.obj(call.body, "cartItem")
    assert cart_item is not None
    return carts.item_json(carts.add_item(quote, cart_item), quote)


@both("PUT", "/items/:itemId")
def update_item(call: Call, quote: Quote) -> dict[str, Any]:
    cart_item = params.obj(call.body, "cartItem")
    assert cart_item is not None
    item = carts.update_item(quote, call.params["itemId"], cart_item, quote.id)
    return carts.item_json(item, quote)


@both("DELETE", "/items/:itemId")
def delete_item(call: Call, quote: Quote) -> bool:
    return carts.delete_item(quote, call.params["itemId"], quote.id)


# --- totals and coupons ----------------------------------------------------------------------------


@both("GET", "/totals")
def get_totals(call: Call, quote: Quote) -> dict[str, Any]:
    return totals.totals_json(totals.collect(quote))


@both("PUT", "/collect-totals")
def collect_totals(call: Call, quote: Quote) -> dict[str, Any]:
    return checkout.collect_totals(quote, call.body)


@both("GET", "/coupons")
def get_coupon(call: Call, quote: Quote) -> str | None:
    return quote.coupon_code or None


@both("PUT", "/coupons/:couponCode")
def set_coupon(call: Call, quote: Quote) -> bool:
    return carts.set_coupon(quote, call.params["couponCode"], quote.id)


@both("DELETE", "/coupons")
def remove_coupon(call: Call, quote: Quote) -> bool:
    return carts.remove_coupon(quote, quote.id)


# --- shipping, billing, payment --------------------------------------------------------------------


@both("GET", "/shipping-methods")
def shipping_methods(call: Call, quote: Quote) -> list[dict[str, Any]]:
    return checkout.shipping_methods(quote)


@both("POST", "/estimate-shipping-methods")
def estimate_shipping(call: Call, quote: Quote) -> list[dict[str, Any]]:
    address = params.obj(call.body, "address")
    assert address is not None
    return checkout.estimate(quote, address)


@route("POST", "V1/carts/mine/estimate-shipping-methods-by-address-id", SELF)
def estimate_by_address_id(call: Call) -> list[dict[str, Any]]:
    assert call.customer is not None
    address_id = params.integer(call.body, "addressId")
    return checkout.estimate_by_address_id(_mine(call), call.customer, address_id)


@both("GET", "/billing-address")
def get_billing(call: Call, quote: Quote) -> dict[str, Any]:
    return carts.address_json(quote, QuoteAddress.BILLING)


@both("POST", "/billing-address")
def assign_billing(call: Call, quote: Quote) -> int:
    address = params.obj(call.body, "address")
    assert address is not None
    use_for_shipping = bool(call.body.get("useForShipping"))
    return carts.assign_billing(quote, address, use_for_shipping)


@both("GET", "/payment-methods")
def payment_methods(call: Call, quote: Quote) -> list[dict[str, str]]:
    return totals.payment_methods(totals.collect(quote))


@both("GET", "/selected-payment-method")
def get_payment(call: Call, quote: Quote) -> dict[str, Any]:
    return carts.payment_json(quote)


@both("PUT", "/selected-payment-method")
def set_payment(call: Call, quote: Quote) -> int:
    method = params.obj(call.body, "method")
    assert method is not None
    return carts.set_payment(quote, method)

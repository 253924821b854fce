"""Checkout routes (``Checkout/etc/webapi.xml``) and place-order (``PUT .../order``), guest and mine."""

from __future__ import annotations

from typing import Any

from sandbox.commerce import carts, checkout
from sandbox.commerce.models import Quote
from sandbox.rest import params
from sandbox.rest.routes_carts import both
from sandbox.rest.routing import Call, route


@both("POST", "/shipping-information")
def shipping_information(call: Call, quote: Quote) -> dict[str, Any]:
    info = params.obj(call.body, "addressInformation")
    assert info is not None
    return checkout.save_shipping_information(quote, info)


@both("POST", "/totals-information")
def totals_information(call: Call, quote: Quote) -> dict[str, Any]:
    info = params.obj(call.body, "addressInformation")
    assert info is not None
    return checkout.totals_information(quote, info)


@both("GET", "/payment-information")
def get_payment_information(call: Call, quote: Quote) -> dict[str, Any]:
    return checkout.payment_details(quote)


def _payment_body(call: Call, quote: Quote) -> tuple[dict[str, Any], dict[str, Any] | None, str | None]:
    is_guest = "cartId" in call.params
    if is_guest:
        params.require_all(call.body, "email", "paymentMethod")
    payment = params.obj(call.body, "paymentMethod")
    assert payment is not None
    billing = params.obj(call.body, "billingAddress", optional=True)
    email = params.string(call.body, "email", optional=True) if is_guest else None
    return payment, billing, email


@both("POST", "/payment-information")
def place_with_payment(call: Call, quote: Quote) -> int:
    payment, billing, email = _payment_body(call, quote)
    checkout.set_payment_information(quote, payment, billing, email)
    return checkout.place_order(quote, email=email)


@both("POST", "/set-payment-information")
def set_payment_information(call: Call, quote: Quote) -> int:
    payment, billing, email = _payment_body(call, quote)
    return checkout.set_payment_information(quote, payment, billing, email)


@both("PUT", "/order")
def place_order(call: Call, quote: Quote) -> int:
    payment = params.obj(call.body, "paymentMethod", optional=True)
    if payment:
        carts.set_payment(quote, payment)
    return checkout.place_order(quote)


__all__ = ["route"]

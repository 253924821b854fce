"""Checkout: shipping estimates and information, payment information, place order.

Rules:
- messages are Magento 2.4's (``ShippingInformationManagement``, ``QuoteValidator`` validation rules,
  ``ShippingMethodManagement``); empty carts get no rates;
- place-order is atomic: the quote is deactivated by a conditional update first, so of two simultaneous
  calls exactly one creates the order and the other sees an inactive quote (404); any failure afterwards
  (validation, stock) rolls the whole transaction back, the quote stays active;
- the order gets an entity id (returned as a bare integer) and a 9-digit increment id, which is also
  written to the quote's ``reserved_order_id`` — ``GET guest-carts/:id`` still reads the inactive quote, so
  a guest storefront can learn the number it shows the shopper from there;
- stock is re-checked and decremented in the same transaction.
"""

from __future__ import annotations

import re
import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from sandbox.commerce import addresses, carts, catalog_bridge, totals
from sandbox.commerce.errors import InputError, NoSuchEntity, invalid_value, no_such_entity, required
from sandbox.commerce.models import Customer, CustomerAddress, Order, OrderItem, Quote, QuoteAddress

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SHIPPING_MISSING = "The shipping method is missing. Select the shipping method and try again."
ADDRESS_MISSING = "The shipping address is missing. Set the address and try again."
STOCK_FAILED = "Not all of your products are available in the requested quantity."


def _rates(quote: Quote) -> list[totals.Rate]:
    collected = totals.collect(quote)
    return totals.rates_for(
        quote, base_subtotal=collected.base_subtotal, items_qty=collected.items_qty, info=collected.store
    )


def shipping_methods(quote: Quote) -> list[dict[str, Any]]:
    """GET shipping-methods: needs a shipping address on the quote."""
    shipping = totals.shipping_address_of(quote)
    if shipping is None or not shipping.data.get("country_id"):
        raise InputError(ADDRESS_MISSING)
    return [rate.as_json() for rate in _rates(quote)]


def estimate(quote: Quote, address: dict[str, Any]) -> list[dict[str, Any]]:
    """estimate-shipping-methods: rates for an address that is not saved."""
    normalized = addresses.normalize(address)
    if not normalized["country_id"]:
        return []
    return [rate.as_json() for rate in _rates(quote)]


def estimate_by_address_id(quote: Quote, customer: Customer, address_id: Any) -> list[dict[str, Any]]:
    row = None
    if str(address_id).isdigit():
        row = CustomerAddress.objects.filter(id=int(address_id), customer=customer).first()
    if row is None:
        raise no_such_entity("addressId", address_id)
    return [rate.as_json() for rate in _rates(quote)]


def save_shipping_information(quote: Quote, info: dict[str, Any]) -> dict[str, Any]:
    shipping = info.get("shipping_address")
    if not isinstance(shipping, dict):
        raise InputError(ADDRESS_MISSING)
    normalized = carts.address_input(quote, shipping)
    if not normalized.get("country_id"):
        raise InputError(ADDRESS_MISSING)
    carrier = str(info.get("shipping_carrier_code") or "")
    method = str(info.get("shipping_method_code") or "")
    if not carrier or not method:
        raise InputError(SHIPPING_MISSING)
    if not quote.items.exists():
        raise InputError("The shipping method can't be set for an empty cart. Add an item to cart and try again.")
    with transaction.atomic():
        carts.save_address(quote, QuoteAddress.SHIPPING, normalized)
        billing = info.get("billing_address")
        if isinstance(billing, dict) and billing:
            carts.save_address(quote, QuoteAddress.BILLING, carts.address_input(quote, billing))
        if not any(r.carrier_code == carrier and r.method_code == method for r in _rates(quote)):
            raise NoSuchEntity("Carrier with such method not found: %1, %2", [carrier, method])
        quote.shipping_carrier_code = carrier
        quote.shipping_method_code = method
        quote.save()
    return payment_details(quote)


def payment_details(quote: Quote) -> dict[str, Any]:
    collected = totals.collect(quote)
    return {"payment_methods": totals.payment_methods(collected), "totals": totals.totals_json(collected)}


def totals_information(quote: Quote, info: dict[str, Any]) -> dict[str, Any]:
    """TotalsInformationManagement::calculate: totals for an address/method, nothing saved."""
    address = info.get("address")
    if not isinstance(address, dict):
        raise required("address")
    carrier = str(info.get("shipping_carrier_code") or "")
    method = str(info.get("shipping_method_code") or "")
    return totals.totals_json(totals.collect(quote, carrier=carrier, method=method))


def collect_totals(quote: Quote, body: dict[str, Any]) -> dict[str, Any]:
    payment = body.get("paymentMethod")
    if not isinstance(payment, dict):
        raise required("paymentMethod")
    carrier = body.get("shippingCarrierCode")
    method = body.get("shippingMethodCode")
    if carrier and method:
        if not any(r.carrier_code == carrier and r.method_code == method for r in _rates(quote)):
            raise NoSuchEntity("Carrier with such method not found: %1, %2", [carrier, method])
        quote.shipping_carrier_code = str(carrier)
        quote.shipping_method_code = str(method)
        quote.save()
    carts.set_payment(quote, payment)
    return totals.totals_json(totals.collect(quote))


def set_payment_information(
    quote: Quote, payment: dict[str, Any], billing: dict[str, Any] | None, email: str | None
) -> int:
    if email is not None:
        _check_email(email)
        quote.customer_email = email.strip()
        quote.save(update_fields=["customer_email", "updated_at"])
    if billing:
        carts.save_address(quote, QuoteAddress.BILLING, carts.address_input(quote, billing))
    return carts.set_payment(quote, payment)


def _check_email(email: str) -> None:
    if not email or not email.strip():
        raise required("email")
    if not EMAIL_RE.match(email.strip()):
        raise invalid_value("email", email)


def _address_problem(quote: Quote, kind: str, template: str) -> None:
    row = quote.addresses.filter(address_type=kind).first()
    data = addresses.normalize(row.data) if row else addresses.normalize({})
    found = addresses.problems(data)
    if found:
        raise InputError(template, [" ".join(problem.rendered() for problem in found)])


def place_order(quote_ref: Quote, *, email: str | None = None) -> int:
    """Validate, re-check stock, create the order, decrement stock, deactivate the quote."""
    with transaction.atomic():
        if not Quote.objects.filter(id=quote_ref.id, is_active=True).update(is_active=False):
            raise no_such_entity("cartId", quote_ref.id)
        quote = Quote.objects.get(id=quote_ref.id)
        if email is not None:
            _check_email(email)
            quote.customer_email = email.strip()
        if quote.customer_id is None and not quote.customer_email:
            raise required("email")
        _address_problem(quote, QuoteAddress.SHIPPING, "Please check the shipping address information. %1")
        collected = totals.collect(quote)
        if collected.rate is None or not collected.lines:
            raise InputError(SHIPPING_MISSING)
        _address_problem(quote, QuoteAddress.BILLING, "Please check the billing address information. %1")
        methods = {m["code"]: m["title"] for m in totals.payment_methods(collected)}
        if quote.payment_method not in methods:
            raise InputError("Enter a valid payment method and try again.")
        order = _create_order(quote, collected, methods[quote.payment_method])
        for line in collected.lines:
            live = catalog_bridge.sellable(quote.store_code, line.item.sku)
            if live is None or not live.enabled or not live.in_stock or live.qty < line.qty:
                raise InputError(STOCK_FAILED)
            try:
                catalog_bridge.decrement_stock(line.item.sku, line.qty)
            except ValueError:
                raise InputError(STOCK_FAILED) from None
        quote.reserved_order_id = order.increment_id or ""
        quote.is_active = False
        quote.save()
    return order.id


def _create_order(quote: Quote, collected: totals.Totals, payment_title: str) -> Order:
    shipping = quote.addresses.get(address_type=QuoteAddress.SHIPPING).data
    billing = quote.addresses.get(address_type=QuoteAddress.BILLING).data
    customer = quote.customer
    rate = collected.rate
    assert rate is not None
    order = Order.objects.create(
        quote_id=quote.id,
        customer=customer,
        customer_email=customer.email if customer else quote.customer_email,
        customer_firstname=customer.firstname if customer else billing.get("firstname", ""),
        customer_lastname=customer.lastname if customer else billing.get("lastname", ""),
        store_code=quote.store_code,
        base_currency_code=collected.store.base_currency_code,
        order_currency_code=collected.quote_currency,
        subtotal=collected.subtotal,
        discount_amount=collected.discount,
        shipping_amount=collected.shipping,
        tax_amount=Decimal("0.00"),
        grand_total=collected.grand_total,
        base_grand_total=collected.base_grand_total,
        shipping_address=shipping,
        billing_address=billing,
        shipping_method=rate.code,
        shipping_description=f"{rate.carrier_title} - {rate.method_title}",
        payment_method=quote.payment_method,
        payment_title=payment_title,
        coupon_code=collected.coupon_code,
        protect_code=secrets.token_hex(8),
        created_at=timezone.now(),
    )
    order.increment_id = f"{order.id:09d}"
    order.save(update_fields=["increment_id"])
    for line in collected.lines:
        OrderItem.objects.create(
            order=order,
            sku=line.item.sku,
            parent_sku=line.item.parent_sku,
            product_type=line.item.product_type,
            name=line.item.name,
            qty=line.qty,
            price=line.price,
            row_total=line.row_total,
            options=line.item.options,
        )
    return order

"""Seed data of the commerce side: cart price rules and the demo customer with a past order.

Rules: idempotent (safe after every ``migrate`` and every reset); the demo customer is Luma's sample
customer ``roni_cost@example.com`` / ``Password123!`` (Veronica Costello) with two addresses (default
billing and shipping in Michigan, a second one in Texas) and one past order ``000000001``-style; a second
demo account ``roni_cost3@example.com`` (same password) has no orders. Coupons: ``H20`` (20 % off, Luma's
sample rule) and ``FREESHIP`` (free shipping).
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import transaction

from sandbox.commerce.models import Customer, CustomerAddress, Order, OrderItem, SalesRule
from sandbox.commerce.passwords import hash_password

DEMO_PASSWORD = "Password123!"  # noqa: S105 - documented demo account of a test double
RULES = (
    ("H20", "20% OFF Every Purchase", Decimal("20"), False),
    ("FREESHIP", "Free Shipping", Decimal("0"), True),
)
MICHIGAN = {
    "firstname": "Veronica", "lastname": "Costello", "street": ["6146 Honey Bluff Parkway"], "city": "Calder",
    "region": "Michigan", "region_code": "MI", "region_id": 33, "country_id": "US", "postcode": "49628-7978",
    "telephone": "(555) 229-3326",
}  # fmt: skip
TEXAS = {
    "firstname": "Veronica", "lastname": "Costello", "street": ["2450 Lake Shore Drive", "Suite 4"],
    "city": "Austin", "region": "Texas", "region_code": "TX", "region_id": 57, "country_id": "US",
    "postcode": "78701", "telephone": "(555) 555-0147",
}  # fmt: skip


def _rules() -> None:
    for code, label, percent, free in RULES:
        SalesRule.objects.update_or_create(
            code=code, defaults={"label": label, "discount_percent": percent, "free_shipping": free}
        )


def _demo(email: str, *, with_order: bool) -> None:
    if Customer.objects.filter(email=email).exists():
        return
    customer = Customer.objects.create(
        email=email,
        firstname="Veronica",
        lastname="Costello",
        password_hash=hash_password(DEMO_PASSWORD),
        is_seed=True,
    )
    home = CustomerAddress.objects.create(customer=customer, **MICHIGAN)
    CustomerAddress.objects.create(customer=customer, **TEXAS)
    customer.default_billing = customer.default_shipping = home.id
    customer.save()
    if with_order:
        _past_order(customer)


def _past_order(customer: Customer) -> None:
    address = {**MICHIGAN, "email": customer.email}
    order = Order.objects.create(
        quote_id=-customer.id,  # no quote behind a seeded order; negative ids never collide
        customer=customer,
        customer_email=customer.email,
        customer_firstname=customer.firstname,
        customer_lastname=customer.lastname,
        store_code="default",
        base_currency_code="USD",
        order_currency_code="USD",
        subtotal=Decimal("104.00"),
        discount_amount=Decimal("0.00"),
        shipping_amount=Decimal("10.00"),
        tax_amount=Decimal("0.00"),
        grand_total=Decimal("114.00"),
        base_grand_total=Decimal("114.00"),
        shipping_address=address,
        billing_address=address,
        shipping_method="flatrate_flatrate",
        shipping_description="Flat Rate - Fixed",
        payment_method="checkmo",
        payment_title="Check / Money order",
        protect_code=secrets.token_hex(8),
        created_at=dt.datetime(2024, 3, 6, 10, 15, tzinfo=dt.UTC),
        status="complete",
        state="complete",
    )
    order.increment_id = f"{order.id:09d}"
    order.save(update_fields=["increment_id"])
    OrderItem.objects.create(
        order=order,
        sku="MH01-M-Black",
        parent_sku="MH01",
        product_type="configurable",
        name="Chaz Kangeroo Hoodie",
        qty=Decimal(2),
        price=Decimal("52.00"),
        row_total=Decimal("104.00"),
    )


def seed_commerce() -> None:
    with transaction.atomic():
        _rules()
        _demo("roni_cost@example.com", with_order=True)
        _demo("roni_cost3@example.com", with_order=False)

"""Orders as SalesGraphQl shows them (``CustomerOrder``), customer order search and guest lookup.

Rules: ``id`` is the base64 of the entity id and ``number`` the increment id, as Magento's
OrderFormatter; ``status`` is the status label; money is in the order currency (``base_grand_total`` in
base). ``scope`` STORE (default) limits the search to the request's store view. ``token`` (for
``guestOrderByToken``) is opaque and unique per order. A guest lookup never returns a customer's order.
"""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from sandbox.commerce.errors import AuthorizationError, InputError, NoSuchEntity
from sandbox.commerce.models import Customer, Order, OrderItem

STATUS_LABELS = {"pending": "Pending", "processing": "Processing", "complete": "Complete", "canceled": "Canceled"}
NOT_FOUND = "We couldn't locate an order with the information provided."


def _b64(value: int) -> str:
    return base64.b64encode(str(value).encode()).decode()


def _money(value: Decimal, currency: str) -> dict[str, Any]:
    return {"value": float(value), "currency": currency}


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def address_json(data: dict[str, Any]) -> dict[str, Any] | None:
    if not data:
        return None
    return {
        "city": data.get("city", ""),
        "company": data.get("company") or None,
        "country_code": data.get("country_id") or None,
        "fax": data.get("fax") or None,
        "firstname": data.get("firstname", ""),
        "lastname": data.get("lastname", ""),
        "middlename": data.get("middlename") or None,
        "postcode": data.get("postcode") or None,
        "prefix": data.get("prefix") or None,
        "region": data.get("region") or None,
        "region_id": str(data["region_id"]) if data.get("region_id") else None,
        "street": list(data.get("street") or []),
        "suffix": data.get("suffix") or None,
        "telephone": data.get("telephone") or None,
        "vat_id": data.get("vat_id") or None,
    }


def _item_json(item: OrderItem, currency: str, option_labels: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "id": _b64(item.id),
        "product_name": item.name,
        "product_sale_price": _money(item.price, currency),
        "product_sku": item.sku,
        "product_type": item.product_type,
        "product_url_key": None,
        "quantity_ordered": float(item.qty),
        "selected_options": option_labels,
        "status": "Ordered",
    }


def _options(item: OrderItem, store_code: str) -> list[dict[str, str]]:
    if not item.options:
        return []
    from sandbox.commerce import catalog_bridge

    live = catalog_bridge.sellable(store_code, item.sku)
    if live is None:
        return []
    return [{"label": label, "value": value} for _, _, label, value in live.options]


def order_json(order: Order) -> dict[str, Any]:
    currency = order.order_currency_code
    carrier = order.shipping_description.split(" - ")[0] if order.shipping_description else None
    return {
        "billing_address": address_json(order.billing_address),
        "carrier": carrier,
        "email": order.customer_email,
        "id": _b64(order.id),
        "items": [_item_json(i, currency, _options(i, order.store_code)) for i in order.items.all()],
        "number": order.increment_id,
        "order_date": _stamp(order.created_at),
        "payment_methods": [{"name": order.payment_title, "type": order.payment_method, "additional_data": []}],
        "shipping_address": address_json(order.shipping_address),
        "shipping_method": order.shipping_description,
        "status": STATUS_LABELS.get(order.status, order.status.title()),
        "token": order.protect_code,
        "total": {
            "base_grand_total": _money(order.base_grand_total, order.base_currency_code),
            "grand_total": _money(order.grand_total, currency),
            "shipping_handling": {
                "amount_excluding_tax": _money(order.shipping_amount, currency),
                "amount_including_tax": _money(order.shipping_amount, currency),
                "total_amount": _money(order.shipping_amount, currency),
            },
            "subtotal": _money(order.subtotal, currency),  # 2.4.7 and 2.4.8; the two below are 2.4.8's
            "subtotal_excl_tax": _money(order.subtotal, currency),
            "subtotal_incl_tax": _money(order.subtotal, currency),
            "total_shipping": _money(order.shipping_amount, currency),
            "total_tax": _money(order.tax_amount, currency),
        },
    }


def _filtered(orders: QuerySet[Order], spec: dict[str, Any]) -> QuerySet[Order]:
    number = spec.get("number") or {}
    if number.get("eq") is not None:
        orders = orders.filter(increment_id=number["eq"])
    if number.get("in") is not None:
        orders = orders.filter(increment_id__in=[n for n in number["in"] if n is not None])
    if number.get("match"):
        orders = orders.filter(increment_id__contains=number["match"])
    status = spec.get("status") or {}
    if status.get("eq") is not None:
        orders = orders.filter(status=status["eq"])
    if status.get("in") is not None:
        orders = orders.filter(status__in=[s for s in status["in"] if s is not None])
    total = spec.get("grand_total") or {}
    try:
        if total.get("from") is not None:
            orders = orders.filter(base_grand_total__gte=Decimal(str(total["from"])))
        if total.get("to") is not None:
            orders = orders.filter(base_grand_total__lte=Decimal(str(total["to"])))
    except ArithmeticError:
        raise InputError("Invalid grand_total filter.") from None
    dates = spec.get("order_date") or {}
    if dates.get("from"):
        orders = orders.filter(created_at__gte=_parse_date(dates["from"]))
    if dates.get("to"):
        orders = orders.filter(created_at__lte=_parse_date(dates["to"]))
    return orders


def _parse_date(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace(" ", "T"))
    except ValueError:
        raise InputError("Invalid order_date filter.") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def customer_orders(
    customer: Customer,
    *,
    store_code: str,
    filter_spec: dict[str, Any] | None,
    current_page: int,
    page_size: int,
    sort: dict[str, Any] | None,
    scope: str | None,
) -> dict[str, Any]:
    if current_page < 1:
        raise InputError("currentPage value must be greater than 0.")
    if page_size < 1:
        raise InputError("pageSize value must be greater than 0.")
    orders = Order.objects.filter(customer=customer)
    if (scope or "STORE") == "STORE":
        orders = orders.filter(store_code=store_code)
    orders = _filtered(orders, filter_spec or {})
    direction = "" if sort and sort.get("sort_direction") == "ASC" else "-"
    key = "increment_id" if sort and sort.get("sort_field") == "NUMBER" else "created_at"
    orders = orders.order_by(f"{direction}{key}", f"{direction}id")
    total = orders.count()
    start = (current_page - 1) * page_size
    page = list(orders.prefetch_related("items")[start : start + page_size])
    return {
        "items": [order_json(o) for o in page],
        "page_info": {
            "current_page": current_page,
            "page_size": page_size,
            "total_pages": (total + page_size - 1) // page_size,
        },
        "total_count": total,
    }


def guest_order(number: str, email: str, lastname: str) -> dict[str, Any]:
    order = Order.objects.filter(increment_id=number.strip()).first()
    if order is None:
        raise NoSuchEntity(NOT_FOUND)
    billing_last = str(order.billing_address.get("lastname", ""))
    if order.customer_email.lower() != email.strip().lower() or billing_last.lower() != lastname.strip().lower():
        raise NoSuchEntity(NOT_FOUND)
    if order.customer_id is not None:
        raise AuthorizationError("Please login to view the order.")
    return order_json(order)


def guest_order_by_token(token: str) -> dict[str, Any]:
    order = Order.objects.filter(protect_code=token.strip()).first() if token.strip() else None
    if order is None:
        raise NoSuchEntity(NOT_FOUND)
    if order.customer_id is not None:
        raise AuthorizationError("Please login to view the order.")
    return order_json(order)

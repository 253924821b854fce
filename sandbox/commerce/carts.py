"""Quotes: guest and customer carts, items, coupons, addresses, payment selection, merge on assign.

Rules (``Magento\\Quote`` in 2.4):
- a guest cart is addressed by a 32-character masked id; ``GET guest-carts/:id`` reads any quote (it uses
  ``get``), every other route needs an *active* one (``getActive``) — after place-order the quote is inactive
  and those routes answer 404 "No such entity with cartId = <quote id>";
- ``carts/mine`` routes resolve the caller's active quote; with none they answer 404 for ``cartId = ""``,
  as ParamOverriderCartId leaves the id empty;
- a configurable item is stored with the CHILD's sku, the parent's name and ``product_type`` configurable;
  adding the same product again adds to the existing line; stock is checked on the resulting quantity;
- assigning a guest cart to a customer merges the customer's previous active quote into it, deactivates
  the old one, makes the guest quote the customer's and deletes the masked id.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from decimal import Decimal
from typing import Any

from django.db import transaction

from sandbox.commerce import addresses, catalog_bridge, totals
from sandbox.commerce.errors import InputError, NoSuchEntity, invalid_value, no_such_entity, required
from sandbox.commerce.models import Customer, CustomerAddress, Quote, QuoteAddress, QuoteItem

NOT_AVAILABLE = "Product that you are trying to add is not available."
QTY_NOT_AVAILABLE = "The requested qty is not available"
NO_PRODUCT = "The product that was requested doesn't exist. Verify the product and try again."
CHOOSE_OPTIONS = "You need to choose options for your item."
ALPHABET = string.ascii_letters + string.digits


# --- finding quotes --------------------------------------------------------------------------------


def create_guest_cart(store_code: str) -> str:
    masked = "".join(secrets.choice(ALPHABET) for _ in range(32))
    Quote.objects.create(masked_id=masked, store_code=store_code)
    return masked


def guest_quote(masked_id: str, *, active: bool = True) -> Quote:
    quote = Quote.objects.filter(masked_id=masked_id).first() if masked_id else None
    if quote is None:
        raise no_such_entity("cartId", masked_id)
    if active and not quote.is_active:
        raise no_such_entity("cartId", quote.id)
    return quote


def customer_quote(customer: Customer) -> Quote:
    quote = Quote.objects.filter(customer=customer, is_active=True).order_by("-id").first()
    if quote is None:
        raise no_such_entity("cartId", "")
    return quote


def customer_cart_for_get(customer: Customer) -> Quote:
    quote = Quote.objects.filter(customer=customer, is_active=True).order_by("-id").first()
    if quote is None:
        raise no_such_entity("customerId", customer.id)
    return quote


def create_customer_cart(customer: Customer, store_code: str) -> int:
    """createEmptyCartForCustomer: the existing active quote when there is one."""
    with transaction.atomic():
        existing = Quote.objects.filter(customer=customer, is_active=True).order_by("-id").first()
        if existing is not None:
            return existing.id
        return Quote.objects.create(customer=customer, store_code=store_code, customer_email=customer.email).id


# --- JSON shapes -----------------------------------------------------------------------------------


def _quote_id_for(quote: Quote) -> str:
    return quote.masked_id if quote.customer_id is None and quote.masked_id else str(quote.id)


def item_json(item: QuoteItem, quote: Quote) -> dict[str, Any]:
    info = catalog_bridge.store(quote.store_code)
    live = catalog_bridge.sellable(quote.store_code, item.sku)
    base_price = live.price if live is not None else item.price
    out: dict[str, Any] = {
        "item_id": item.id,
        "sku": item.sku,
        "qty": item.qty,
        "name": item.name,
        "price": catalog_bridge.to_quote_currency(base_price, info),
        "product_type": item.product_type,
        "quote_id": _quote_id_for(quote),
    }
    if item.options:
        out["product_option"] = {"extension_attributes": {"configurable_item_options": item.options}}
    return out


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def address_json(quote: Quote, kind: str) -> dict[str, Any]:
    row = quote.addresses.filter(address_type=kind).first()
    data = dict(row.data) if row else {}
    out: dict[str, Any] = {"id": row.id if row else None}
    if data:
        out.update(
            region=data.get("region") or None,
            region_id=data.get("region_id") or None,
            region_code=data.get("region_code") or None,
            country_id=data.get("country_id") or None,
            street=data.get("street") or [""],
            telephone=data.get("telephone") or None,
            postcode=data.get("postcode") or None,
            city=data.get("city") or None,
            firstname=data.get("firstname") or None,
            lastname=data.get("lastname") or None,
        )
        for name in ("company", "middlename", "prefix", "suffix", "fax", "vat_id"):
            if data.get(name):
                out[name] = data[name]
        if data.get("customer_address_id"):
            out["customer_address_id"] = data["customer_address_id"]
    else:
        out.update(
            region=None,
            region_id=None,
            region_code=None,
            country_id=None,
            street=[""],
            telephone=None,
            postcode=None,
            city=None,
            firstname=None,
            lastname=None,
        )
    if quote.customer_id:
        out["customer_id"] = quote.customer_id
    out["email"] = quote.customer_email or None
    out["same_as_billing"] = int(bool(data.get("same_as_billing")))
    out["save_in_address_book"] = int(bool(data.get("save_in_address_book")))
    return out


def cart_json(quote: Quote) -> dict[str, Any]:
    info = catalog_bridge.store(quote.store_code)
    items = [item_json(item, quote) for item in quote.items.all()]
    customer = quote.customer
    if customer is not None:
        from sandbox.commerce.customers import customer_json

        customer_out = customer_json(customer)
    else:
        customer_out = {"email": quote.customer_email or None, "firstname": None, "lastname": None}
    shipping: dict[str, Any] = {"address": address_json(quote, QuoteAddress.SHIPPING)}
    if quote.shipping_carrier_code:
        shipping["method"] = f"{quote.shipping_carrier_code}_{quote.shipping_method_code}"
    rate = catalog_bridge.to_quote_currency(Decimal(1), info)
    out: dict[str, Any] = {
        "id": quote.id,
        "created_at": _stamp(quote.created_at),
        "updated_at": _stamp(quote.updated_at),
        "is_active": quote.is_active,
        "is_virtual": False,
        "items": items,
        "items_count": len(items),
        "items_qty": sum((item.qty for item in quote.items.all()), Decimal(0)),
        "customer": customer_out,
        "billing_address": address_json(quote, QuoteAddress.BILLING),
        "orig_order_id": 0,
        "currency": {
            "global_currency_code": info.base_currency_code,
            "base_currency_code": info.base_currency_code,
            "store_currency_code": info.base_currency_code,
            "quote_currency_code": info.default_display_currency_code,
            "store_to_base_rate": 0,
            "store_to_quote_rate": 0,
            "base_to_global_rate": 1,
            "base_to_quote_rate": rate,
        },
        "customer_is_guest": customer is None,
        "customer_note_notify": True,
        "customer_tax_class_id": 3,
        "store_id": info.id,
        "extension_attributes": {"shipping_assignments": [{"shipping": shipping, "items": items}]},
    }
    if quote.reserved_order_id:
        out["reserved_order_id"] = quote.reserved_order_id
    return out


# --- items -----------------------------------------------------------------------------------------


def _configurable_options(cart_item: dict[str, Any]) -> dict[str, int] | None:
    option = cart_item.get("product_option")
    if not isinstance(option, dict):
        return None
    extension = option.get("extension_attributes")
    if not isinstance(extension, dict):
        return None
    chosen = extension.get("configurable_item_options")
    if not isinstance(chosen, list):
        return None
    selections: dict[str, int] = {}
    for entry in chosen:
        if not isinstance(entry, dict) or entry.get("option_id") in (None, ""):
            raise required("option_id")
        try:
            selections[str(entry["option_id"])] = int(entry.get("option_value"))
        except (TypeError, ValueError):
            raise invalid_value("option_value", entry.get("option_value")) from None
    return selections


def _qty(value: Any) -> Decimal:
    """CartItemPersister: qty must be numeric and positive."""
    try:
        qty = Decimal(str(value)) if not isinstance(value, bool) and value is not None else None
    except ArithmeticError:
        qty = None
    if qty is None or not qty.is_finite() or qty <= 0:
        raise invalid_value("qty", "" if value is None else value)
    return qty


def _check_stock(live: catalog_bridge.Sellable, qty: Decimal) -> None:
    if not live.enabled or not live.in_stock:
        raise InputError(NOT_AVAILABLE)
    if qty > live.qty:
        raise InputError(QTY_NOT_AVAILABLE)


def _resolve_product(store_code: str, cart_item: dict[str, Any]) -> tuple[catalog_bridge.Sellable, str, str]:
    """(sellable child, parent sku, display name) for a cartItem body."""
    sku = cart_item.get("sku")
    if not sku or not isinstance(sku, str | int):
        raise required("sku")
    sku = str(sku)
    selections = _configurable_options(cart_item)
    info = catalog_bridge.product(store_code, sku)
    if info is None:
        raise NoSuchEntity(NO_PRODUCT)
    if info.product_type == "configurable":
        if not selections:
            raise InputError(CHOOSE_OPTIONS)
        child = catalog_bridge.configurable_child(store_code, sku, selections)
        if child is None:
            raise InputError(CHOOSE_OPTIONS)
        if not info.enabled:
            raise InputError(NOT_AVAILABLE)
        return child, sku, info.name
    live = catalog_bridge.sellable(store_code, sku)
    if live is None:
        # Bundles, grouped and downloadable products are not sold by the sandbox.
        raise InputError(NOT_AVAILABLE)
    if live.parent_sku:
        parent = catalog_bridge.product(store_code, live.parent_sku)
        return live, live.parent_sku, parent.name if parent else live.name
    return live, "", live.name


def add_item(quote: Quote, cart_item: dict[str, Any]) -> QuoteItem:
    qty = _qty(cart_item.get("qty"))
    live, parent_sku, name = _resolve_product(quote.store_code, cart_item)
    options = (
        [{"option_id": attribute_id, "option_value": value} for attribute_id, value, _, _ in live.options]
        if parent_sku
        else []
    )
    with transaction.atomic():
        existing = quote.items.filter(sku=live.sku).first()
        total = qty + (existing.qty if existing else Decimal(0))
        _check_stock(live, total)
        if existing is not None:
            existing.qty = total
            existing.price = live.price
            existing.save()
            item = existing
        else:
            item = QuoteItem.objects.create(
                quote=quote,
                sku=live.sku,
                parent_sku=parent_sku,
                product_type="configurable" if parent_sku else "simple",
                name=name,
                qty=qty,
                price=live.price,
                options=options,
            )
        quote.save(update_fields=["updated_at"])
    return item


def _item_of(quote: Quote, item_id: Any, cart_ref: Any) -> QuoteItem:
    try:
        item = quote.items.filter(id=int(item_id)).first()
    except (TypeError, ValueError):
        item = None
    if item is None:
        raise NoSuchEntity("The %1 Cart doesn't contain the %2 item.", [str(cart_ref), str(item_id)])
    return item


def update_item(quote: Quote, item_id: Any, cart_item: dict[str, Any], cart_ref: Any) -> QuoteItem:
    item = _item_of(quote, item_id, cart_ref)
    qty = _qty(cart_item.get("qty"))
    live = catalog_bridge.sellable(quote.store_code, item.sku)
    if live is None:
        raise NoSuchEntity(NO_PRODUCT)
    _check_stock(live, qty)
    item.qty = qty
    item.price = live.price
    item.save()
    quote.save(update_fields=["updated_at"])
    return item


def delete_item(quote: Quote, item_id: Any, cart_ref: Any) -> bool:
    _item_of(quote, item_id, cart_ref).delete()
    quote.save(update_fields=["updated_at"])
    return True


# --- coupons ---------------------------------------------------------------------------------------


def set_coupon(quote: Quote, code: str, cart_ref: Any) -> bool:
    if not quote.items.exists():
        raise NoSuchEntity('The "%1" Cart doesn\'t contain products.', [str(cart_ref)])
    rule = totals.active_rule(code.strip())
    if rule is None:
        raise NoSuchEntity("The coupon code isn't valid. Verify the code and try again.")
    quote.coupon_code = rule.code
    quote.save(update_fields=["coupon_code", "updated_at"])
    return True


def remove_coupon(quote: Quote, cart_ref: Any) -> bool:
    if not quote.items.exists():
        raise NoSuchEntity('The "%1" Cart doesn\'t contain products.', [str(cart_ref)])
    quote.coupon_code = ""
    quote.save(update_fields=["coupon_code", "updated_at"])
    return True


# --- addresses -------------------------------------------------------------------------------------


def address_input(quote: Quote, data: dict[str, Any]) -> dict[str, Any]:
    """Normalize a quote address; ``customer_address_id`` copies an address-book entry of the owner only."""
    book_id = data.get("customer_address_id")
    if book_id not in (None, "", 0, "0"):
        row = None
        if quote.customer_id is not None and str(book_id).isdigit():
            row = CustomerAddress.objects.filter(id=int(book_id), customer_id=quote.customer_id).first()
        if row is None:
            raise NoSuchEntity("Invalid customer address id %1", [str(book_id)])
        normalized = addresses.from_customer_address(row)
    else:
        normalized = addresses.normalize(data)
    normalized["save_in_address_book"] = bool(data.get("save_in_address_book"))
    normalized["same_as_billing"] = bool(data.get("same_as_billing"))
    email = data.get("email")
    if isinstance(email, str) and email.strip():
        normalized["email"] = email.strip()
    return normalized


def save_address(quote: Quote, kind: str, normalized: dict[str, Any]) -> QuoteAddress:
    row, _ = QuoteAddress.objects.update_or_create(quote=quote, address_type=kind, defaults={"data": normalized})
    if normalized.get("email") and not quote.customer_id:
        quote.customer_email = normalized["email"]
    quote.save()
    return row


def assign_billing(quote: Quote, data: dict[str, Any], use_for_shipping: bool) -> int:
    normalized = address_input(quote, data)
    row = save_address(quote, QuoteAddress.BILLING, normalized)
    if use_for_shipping:
        save_address(quote, QuoteAddress.SHIPPING, {**normalized, "same_as_billing": True})
    return row.id


# --- payment ---------------------------------------------------------------------------------------


def set_payment(quote: Quote, method: dict[str, Any]) -> int:
    code = method.get("method")
    if not code or not isinstance(code, str):
        raise required("method")
    available = {m["code"] for m in totals.payment_methods(totals.collect(quote))}
    if code not in available:
        raise InputError("The requested Payment Method is not available.")
    quote.payment_method = code
    po_number = method.get("po_number")
    quote.payment_po_number = str(po_number) if po_number else ""
    quote.save(update_fields=["payment_method", "payment_po_number", "updated_at"])
    return quote.id


def payment_json(quote: Quote) -> dict[str, Any]:
    if not quote.payment_method:
        return {"po_number": None, "method": None, "additional_data": None}
    return {"po_number": quote.payment_po_number or None, "method": quote.payment_method, "additional_data": None}


# --- assign / merge --------------------------------------------------------------------------------


def _merge_into(target: Quote, source: Quote) -> None:
    """Quote::merge: the source's lines are added to the target, same product → quantities add up."""
    for item in source.items.all():
        same = target.items.filter(sku=item.sku).first()
        if same is not None:
            same.qty += item.qty
            same.save()
        else:
            QuoteItem.objects.create(
                quote=target,
                sku=item.sku,
                parent_sku=item.parent_sku,
                product_type=item.product_type,
                name=item.name,
                qty=item.qty,
                price=item.price,
                options=item.options,
            )
    if not target.coupon_code and source.coupon_code:
        target.coupon_code = source.coupon_code


def assign_customer(masked_id: str, customer: Customer, store_id: int) -> bool:
    with transaction.atomic():
        quote = guest_quote(masked_id)
        shared = _shared_store_ids(customer)
        if store_id not in shared:
            raise InputError("The customer can't be assigned to the cart. The cart belongs to a different store.")
        if quote.customer_id is not None:
            raise InputError("The customer can't be assigned to the cart because the cart isn't anonymous.")
        previous = Quote.objects.filter(customer=customer, is_active=True).exclude(id=quote.id)
        for old in previous:
            _merge_into(quote, old)
            old.is_active = False
            old.save(update_fields=["is_active", "updated_at"])
        quote.customer = customer
        quote.customer_email = customer.email
        quote.is_active = True
        quote.masked_id = None
        quote.save()
    return True


def _shared_store_ids(customer: Customer) -> set[int]:
    from sandbox.catalog.models import Store

    return set(Store.objects.filter(website_id=customer.website_id).values_list("store_id", flat=True))

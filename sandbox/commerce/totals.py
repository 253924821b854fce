"""Quote totals, shipping rates and payment methods — the sandbox's ``collectTotals``.

Rules:
- item prices come from the live catalog (special price applied) in the base currency, converted to the
  quote currency (the store's display currency) per unit and rounded to cents; ``base_*`` stay in base;
- coupons are cart price rules: a percentage off the subtotal (``H20`` = 20 %) and/or free shipping
  (``FREESHIP``); the discount is reported negative, as Magento's ``discount_amount``;
- carriers: ``flatrate`` ("Flat Rate" / "Fixed") at $5 per unit; ``freeshipping`` ("Free Shipping" /
  "Free") offered only when the base subtotal (before discount) is at least $100; a free-shipping rule
  makes every rate 0; tax is always 0 (documented choice: no tax rules in the sandbox);
- payment: ``checkmo`` ("Check / Money order"), or only ``free`` when the grand total is 0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sandbox.commerce import catalog_bridge
from sandbox.commerce.catalog_bridge import StoreInfo
from sandbox.commerce.models import Quote, QuoteAddress, QuoteItem, SalesRule

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
FLATRATE_PER_ITEM = Decimal("5.00")
FREE_SHIPPING_THRESHOLD = Decimal("100.00")


@dataclass(frozen=True)
class Rate:
    carrier_code: str
    method_code: str
    carrier_title: str
    method_title: str
    base_amount: Decimal
    amount: Decimal

    @property
    def code(self) -> str:
        return f"{self.carrier_code}_{self.method_code}"

    def as_json(self) -> dict[str, Any]:
        return {
            "carrier_code": self.carrier_code,
            "method_code": self.method_code,
            "carrier_title": self.carrier_title,
            "method_title": self.method_title,
            "amount": self.amount,
            "base_amount": self.base_amount,
            "available": True,
            "error_message": "",
            "price_excl_tax": self.amount,
            "price_incl_tax": self.amount,
        }


@dataclass
class Line:
    item: QuoteItem
    base_price: Decimal
    price: Decimal
    qty: Decimal
    row_total: Decimal = ZERO
    base_row_total: Decimal = ZERO
    discount: Decimal = ZERO
    base_discount: Decimal = ZERO
    options: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Totals:
    store: StoreInfo
    lines: list[Line]
    subtotal: Decimal
    base_subtotal: Decimal
    discount: Decimal  # positive amount; rendered negative
    base_discount: Decimal
    shipping: Decimal
    base_shipping: Decimal
    grand_total: Decimal
    base_grand_total: Decimal
    coupon_code: str
    rule: SalesRule | None
    rate: Rate | None
    items_qty: Decimal

    @property
    def quote_currency(self) -> str:
        return self.store.default_display_currency_code


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def active_rule(code: str) -> SalesRule | None:
    if not code:
        return None
    return SalesRule.objects.filter(code__iexact=code, is_active=True).first()


def _lines(quote: Quote, info: StoreInfo) -> list[Line]:
    lines = []
    for item in quote.items.all():
        live = catalog_bridge.sellable(quote.store_code, item.sku)
        base_price = live.price if live is not None else item.price
        price = catalog_bridge.to_quote_currency(base_price, info)
        line = Line(item=item, base_price=money(base_price), price=price, qty=item.qty)
        line.row_total = money(price * item.qty)
        line.base_row_total = money(base_price * item.qty)
        if live is not None:
            line.options = [{"value": value_label, "label": label} for _, _, label, value_label in live.options]
        lines.append(line)
    return lines


def rates_for(quote: Quote, *, base_subtotal: Decimal, items_qty: Decimal, info: StoreInfo) -> list[Rate]:
    """Shipping rates for a quote with items (the address only has to exist; the sandbox ships anywhere)."""
    if items_qty <= 0:
        return []
    rule = active_rule(quote.coupon_code)
    free = bool(rule and rule.free_shipping)
    flat = ZERO if free else money(FLATRATE_PER_ITEM * items_qty)
    rates = [Rate("flatrate", "flatrate", "Flat Rate", "Fixed", flat, catalog_bridge.to_quote_currency(flat, info))]
    if base_subtotal >= FREE_SHIPPING_THRESHOLD:
        rates.append(Rate("freeshipping", "freeshipping", "Free Shipping", "Free", ZERO, ZERO))
    return rates


def collect(quote: Quote, *, carrier: str | None = None, method: str | None = None) -> Totals:
    """Totals of the quote; ``carrier``/``method`` override the saved shipping method (estimates)."""
    info = catalog_bridge.store(quote.store_code)
    lines = _lines(quote, info)
    subtotal = sum((line.row_total for line in lines), ZERO)
    base_subtotal = sum((line.base_row_total for line in lines), ZERO)
    items_qty = sum((line.qty for line in lines), Decimal(0))
    rule = active_rule(quote.coupon_code)
    discount = base_discount = ZERO
    if rule is not None and rule.discount_percent:
        share = rule.discount_percent / Decimal(100)
        for line in lines:
            line.discount = money(line.row_total * share)
            line.base_discount = money(line.base_row_total * share)
        discount = sum((line.discount for line in lines), ZERO)
        base_discount = sum((line.base_discount for line in lines), ZERO)
    carrier = quote.shipping_carrier_code if carrier is None else carrier
    method = quote.shipping_method_code if method is None else method
    rate = None
    if carrier and method:
        rates = rates_for(quote, base_subtotal=base_subtotal, items_qty=items_qty, info=info)
        rate = next((r for r in rates if r.carrier_code == carrier and r.method_code == method), None)
    shipping = rate.amount if rate else ZERO
    base_shipping = rate.base_amount if rate else ZERO
    return Totals(
        store=info,
        lines=lines,
        subtotal=subtotal,
        base_subtotal=base_subtotal,
        discount=discount,
        base_discount=base_discount,
        shipping=shipping,
        base_shipping=base_shipping,
        grand_total=max(subtotal - discount + shipping, ZERO),
        base_grand_total=max(base_subtotal - base_discount + base_shipping, ZERO),
        coupon_code=rule.code if rule else "",
        rule=rule,
        rate=rate,
        items_qty=items_qty,
    )


def payment_methods(totals: Totals) -> list[dict[str, str]]:
    if totals.grand_total == 0 and totals.lines:
        return [{"code": "free", "title": "No Payment Information Required"}]
    return [{"code": "checkmo", "title": "Check / Money order"}]


def _shipping_title(totals: Totals) -> str:
    if totals.rate is None:
        return "Shipping & Handling"
    return f"Shipping & Handling ({totals.rate.carrier_title} - {totals.rate.method_title})"


def totals_json(totals: Totals) -> dict[str, Any]:
    """``Quote\\Api\\Data\\TotalsInterface`` as Magento serialises it."""
    items = []
    for line in totals.lines:
        discount_percent = totals.rule.discount_percent if totals.rule else ZERO
        items.append(
            {
                "item_id": line.item.id,
                "price": line.price,
                "base_price": line.base_price,
                "qty": line.qty,
                "row_total": line.row_total,
                "base_row_total": line.base_row_total,
                "row_total_with_discount": ZERO,
                "tax_amount": ZERO,
                "base_tax_amount": ZERO,
                "tax_percent": ZERO,
                "discount_amount": line.discount,
                "base_discount_amount": line.base_discount,
                "discount_percent": discount_percent,
                "price_incl_tax": line.price,
                "base_price_incl_tax": line.base_price,
                "row_total_incl_tax": line.row_total,
                "base_row_total_incl_tax": line.base_row_total,
                "options": json.dumps(line.options, separators=(",", ":")),
                "weee_tax_applied_amount": None,
                "weee_tax_applied": None,
                "name": line.item.name,
            }
        )
    segments: list[dict[str, Any]] = [
        {"code": "subtotal", "title": "Subtotal", "value": totals.subtotal},
        {"code": "shipping", "title": _shipping_title(totals), "value": totals.shipping},
    ]
    if totals.discount:
        segments.append(
            {
                "code": "discount",
                "title": f"Discount ({totals.rule.label})" if totals.rule else "Discount",
                "value": -totals.discount,
            }
        )
    segments += [
        {
            "code": "tax",
            "title": "Tax",
            "value": ZERO,
            "area": "taxes",
            "extension_attributes": {"tax_grandtotal_details": []},
        },
        {"code": "grand_total", "title": "Grand Total", "value": totals.grand_total, "area": "footer"},
    ]
    out: dict[str, Any] = {
        "grand_total": totals.grand_total,
        "base_grand_total": totals.base_grand_total,
        "subtotal": totals.subtotal,
        "base_subtotal": totals.base_subtotal,
        "discount_amount": -totals.discount,
        "base_discount_amount": -totals.base_discount,
        "subtotal_with_discount": totals.subtotal - totals.discount,
        "base_subtotal_with_discount": totals.base_subtotal - totals.base_discount,
        "shipping_amount": totals.shipping,
        "base_shipping_amount": totals.base_shipping,
        "shipping_discount_amount": ZERO,
        "base_shipping_discount_amount": ZERO,
        "tax_amount": ZERO,
        "base_tax_amount": ZERO,
        "weee_tax_applied_amount": None,
        "shipping_tax_amount": ZERO,
        "base_shipping_tax_amount": ZERO,
        "subtotal_incl_tax": totals.subtotal,
        "shipping_incl_tax": totals.shipping,
        "base_shipping_incl_tax": totals.base_shipping,
        "base_currency_code": totals.store.base_currency_code,
        "quote_currency_code": totals.quote_currency,
        "items_qty": totals.items_qty,
        "items": items,
        "total_segments": segments,
    }
    if totals.coupon_code:
        out["coupon_code"] = totals.coupon_code
        out["extension_attributes"] = {
            "coupon_label": totals.rule.label if totals.rule else "",
            "coupon_codes": [totals.coupon_code],
        }
    return out


def shipping_address_of(quote: Quote) -> QuoteAddress | None:
    return quote.addresses.filter(address_type=QuoteAddress.SHIPPING).first()

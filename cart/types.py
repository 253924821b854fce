"""Small frozen types the cart and checkout hand to templates, parsed from Magento's REST JSON.

Rules: money is ``Decimal`` formatted with the quote's currency (``catalog.money``); nothing here carries
the masked cart id or the token; parsers never raise on odd JSON (missing keys become empty values).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from catalog.money import format_money

Json = dict[str, Any]


def decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str
    locale: str = "en_US"

    def __str__(self) -> str:
        return format_money(self.value, self.currency, self.locale)


@dataclass(frozen=True)
class CartLine:
    item_id: int
    sku: str
    name: str
    qty: int
    price: Amount
    row_total: Amount
    options: tuple[tuple[str, str], ...]  # (label, value) as Magento's totals show them
    image_url: str = ""
    url: str = ""
    out_of_stock: bool = False
    vanished: bool = False


@dataclass(frozen=True)
class TotalRow:
    code: str
    title: str
    amount: Amount


@dataclass(frozen=True)
class Cart:
    lines: tuple[CartLine, ...]
    items_qty: int
    subtotal: Amount
    grand_total: Amount
    rows: tuple[TotalRow, ...]  # Magento's total_segments in order (subtotal, discount, shipping, tax, grand total)
    coupon_code: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def has_problems(self) -> bool:
        return any(line.out_of_stock or line.vanished for line in self.lines)


@dataclass(frozen=True)
class ShippingMethod:
    carrier_code: str
    method_code: str
    title: str
    amount: Amount

    @property
    def code(self) -> str:
        return f"{self.carrier_code}_{self.method_code}"


@dataclass(frozen=True)
class PaymentMethod:
    code: str
    title: str


def parse_options(raw: Any) -> tuple[tuple[str, str], ...]:
    """Totals items carry the chosen options as a JSON string ``[{"value": "Black", "label": "Color"}]``."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw else []
        except ValueError:
            return ()
    if not isinstance(raw, list):
        return ()
    return tuple((str(o.get("label") or ""), str(o.get("value") or "")) for o in raw if isinstance(o, dict))


def parse_cart(items: list[Json], totals: Json, locale: str, media: dict[str, Json]) -> Cart:
    """Items (for SKUs) + totals (for amounts, options, segments) → one ``Cart``; ``media`` is keyed by line SKU."""
    currency = str(totals.get("quote_currency_code") or "USD")

    def amount(value: Any) -> Amount:
        return Amount(decimal(value), currency, locale)

    by_id = {int(row.get("item_id") or 0): row for row in totals.get("items") or [] if isinstance(row, dict)}
    lines = []
    for item in items:
        item_id = int(item.get("item_id") or 0)
        total_row = by_id.get(item_id, {})
        sku = str(item.get("sku") or "")
        info = media.get(sku, {})
        lines.append(
            CartLine(
                item_id=item_id,
                sku=sku,
                name=str(total_row.get("name") or item.get("name") or sku),
                qty=int(decimal(item.get("qty"))),
                price=amount(total_row.get("price", item.get("price"))),
                row_total=amount(total_row.get("row_total", decimal(item.get("price")) * decimal(item.get("qty")))),
                options=parse_options(total_row.get("options")),
                image_url=str(info.get("image") or ""),
                url=str(info.get("url") or ""),
                out_of_stock=bool(info.get("out_of_stock")),
                vanished=bool(info.get("vanished")),
            )
        )
    rows = tuple(
        TotalRow(str(s.get("code") or ""), str(s.get("title") or ""), amount(s.get("value")))
        for s in totals.get("total_segments") or []
        if isinstance(s, dict) and (s.get("code") != "discount" or decimal(s.get("value")))
    )
    return Cart(
        lines=tuple(lines),
        items_qty=int(decimal(totals.get("items_qty"))) if totals else sum(line.qty for line in lines),
        subtotal=amount(totals.get("subtotal")),
        grand_total=amount(totals.get("grand_total")),
        rows=rows,
        coupon_code=str(totals.get("coupon_code") or ""),
    )


def parse_shipping_methods(rows: list[Json], locale: str, currency: str) -> tuple[ShippingMethod, ...]:
    return tuple(
        ShippingMethod(
            carrier_code=str(r.get("carrier_code") or ""),
            method_code=str(r.get("method_code") or ""),
            title=" — ".join(t for t in (r.get("carrier_title"), r.get("method_title")) if t),
            amount=Amount(decimal(r.get("amount")), currency, locale),
        )
        for r in rows
        if r.get("available", True) and r.get("carrier_code") and r.get("method_code")
    )

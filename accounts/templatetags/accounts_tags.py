"""Template filters of the account pages: money, order dates and country names."""

from __future__ import annotations

import datetime as dt

from django import template

from accounts.types import Money
from catalog.money import format_money

register = template.Library()


@register.filter
def money(value: Money | None) -> str:
    return format_money(value.value, value.currency) if value else "—"


@register.filter
def order_date(value: str) -> str:
    """Magento's ``order_date`` is "YYYY-MM-DD HH:MM:SS" (UTC); shoppers get the date alone."""
    try:
        return dt.datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S").strftime("%b %-d, %Y")
    except (TypeError, ValueError):
        return value or ""


@register.filter
def country_name(countries: dict[str, str] | None, code: str) -> str:
    return (countries or {}).get(code, code)

"""Reads for the account pages (views call these; these call upstream with the session's token).

Rules: every read that needs the customer goes with the token to a ``self`` route or GraphQL ``customer``, so
an expired token raises ``MagentoAuthError`` (the middleware turns it into "your session expired"); nothing
here ever trusts an id from the request without it being the signed-in customer's own.
"""

from __future__ import annotations

from accounts import upstream
from accounts.types import AddressBook, Country, Dashboard, OrderDetail, OrderPage, Profile

RECENT_ORDERS = 5
ORDERS_PER_PAGE = 10


def dashboard(store: str, token: str) -> Dashboard:
    return upstream.fetch_dashboard(store, token, RECENT_ORDERS)


def address_book(store: str, token: str) -> AddressBook:
    return upstream.fetch_address_book(store, token)


def order_page(store: str, token: str, page: int) -> OrderPage:
    return upstream.fetch_orders(store, token, page, ORDERS_PER_PAGE)


def order(store: str, token: str, number: str) -> OrderDetail | None:
    return upstream.fetch_order(store, token, number)


def profile(store: str, token: str) -> Profile:
    return upstream.fetch_me(store, token)


def countries(store: str) -> tuple[Country, ...]:
    return upstream.fetch_countries(store)


def country_names(store: str) -> dict[str, str]:
    return {c.id: c.name for c in countries(store)}

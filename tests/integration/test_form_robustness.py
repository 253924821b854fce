"""Nasty form input never gives a 500: every form a shopper can post gets hostile values in every field.

The forms are read from the pages themselves (each field the page offers, hidden ones included), so a field added
later is covered without touching this file. Values: empty, NUL and control bytes, astral-plane and RTL
characters, a script tag, a 10 000-character string, numbers out of any range, and a field sent twice. The
answer may be a form with errors, a redirect with a message or a 400/403/404/429, never a 5xx; Magento is the
sandbox, over HTTP.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from tests.integration.cart.shop_helpers import ADDRESS, DEMO_EMAIL, DEMO_PASSWORD, simple_sku

pytestmark = pytest.mark.django_db

NASTY = [
    "",
    "\x00",
    "a\x00b\x01\x1f",
    "\U0001f4a9" * 50,
    "\u202eevil\u202c",
    "<script>alert(1)</script>",
    "x" * 10_000,
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "../../etc/passwd",
    "%00",
]
FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.IGNORECASE)
ACTION = re.compile(r'<form\b[^>]*action="([^"]*)"', re.IGNORECASE)
SKIP_FIELDS = {"csrfmiddlewaretoken"}
# Posting these would end the journey under test (an order placed, the session signed out).
SKIP_ACTIONS = ("/checkout/place-order", "/account/logout/")


def browser() -> Client:
    return Client(headers={"Sec-Fetch-Site": "same-origin"}, REMOTE_ADDR="10.9.9.9")


def forms(client: Client, page: str) -> list[tuple[str, list[str]]]:
    """(action, field names) of every POST form on ``page``."""
    html = client.get(page).content.decode()
    found = []
    for match in re.finditer(r'<form\b[^>]*method="post"[^>]*>.*?</form>', html, re.IGNORECASE | re.DOTALL):
        action = ACTION.search(match.group(0))
        target = action.group(1) if action and action.group(1) else page
        names = sorted({n for n in FIELD.findall(match.group(0)) if n not in SKIP_FIELDS})
        if not target.startswith(SKIP_ACTIONS):
            found.append((target, names))
    return found


def hammer(client: Client, page: str) -> int:
    """Post every nasty value into every field of every form on ``page``; return how many posts were made."""
    posted = 0
    for action, names in forms(client, page):
        for value in NASTY:
            cache.clear()  # rate limits would answer 429 before the form is even read
            response = client.post(action, {name: value for name in names})
            assert response.status_code < 500, (page, action, repr(value[:20]), response.status_code)
            twice = client.post(action, {name: [value, "1"] for name in names})
            assert twice.status_code < 500, (page, action, "twice", twice.status_code)
            posted += 2
    return posted


GUEST_PAGES = ["/cart/", "/checkout/", "/checkout/shipping", "/account/login/", "/account/register/"]


@pytest.mark.parametrize("page", [*GUEST_PAGES, "/account/forgot-password/"])
def test_guest_forms_survive_nasty_input(shop, page: str) -> None:
    client = browser()
    client.post("/cart/add", {"sku": simple_sku(shop.url), "qty": "1"})  # so the cart and checkout have forms
    client.post("/checkout/", {"email": "ana@example.com"})  # so the address step is open
    assert hammer(client, page) > 0, f"no form found on {page}"


@pytest.mark.parametrize(
    "page", ["/account/profile/", "/account/password/", "/account/addresses/new/", "/account/addresses/"]
)
def test_customer_forms_survive_nasty_input(shop, page: str) -> None:
    client = browser()
    signed_in = client.post("/account/login/", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert signed_in.status_code in (302, 303)
    assert hammer(client, page) > 0, f"no form found on {page}"


@pytest.mark.parametrize("page", ["/checkout/method", "/checkout/payment"])
def test_later_checkout_steps_survive_nasty_input(shop, page: str) -> None:
    client = browser()
    client.post("/cart/add", {"sku": simple_sku(shop.url), "qty": "1"})
    client.post("/checkout/", {"email": "ana@example.com"})
    address = {**{k: v for k, v in ADDRESS.items() if k != "street"}, "street1": ADDRESS["street"]}
    assert client.post("/checkout/shipping", address)["Location"] == "/checkout/method"
    assert client.post("/checkout/method", {"method": "flatrate_flatrate"})["Location"] == "/checkout/payment"
    assert hammer(client, page) > 0, f"no form found on {page}"


def test_add_to_cart_survives_nasty_input(shop) -> None:
    """The product page's form (a cached page, so posted to directly): sku, qty and a configurable's options."""
    client = browser()
    for value in NASTY:
        cache.clear()
        fields = {"sku": value, "qty": value, "super_attribute[93]": value, "options[1]": value}
        for data in (fields, {**fields, "sku": simple_sku(shop.url)}):
            response = client.post("/cart/add", data)
            assert response.status_code < 500, (repr(value[:20]), response.status_code)
            hx = client.post("/cart/add", data, headers={"HX-Request": "true"})
            assert hx.status_code < 500, (repr(value[:20]), "htmx", hx.status_code)

"""A customer's token EXPIRES mid-checkout (a dedicated sandbox whose tokens live 3 seconds): the next step
sends them to the real sign-in page with ``next``; after signing in again they land on the same step with
their checkout choices and their cart intact."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client

from storefront import customer_session, visitor
from tests.integration.cart.shop_helpers import DEMO_EMAIL_3, DEMO_PASSWORD, simple_sku

pytestmark = pytest.mark.django_db
LIFETIME = 3


def test_an_expired_token_mid_checkout_returns_to_the_same_step_with_the_cart_intact(short_shop) -> None:
    sku = simple_sku(short_shop.url)
    client = Client(enforce_csrf_checks=True, headers={"Sec-Fetch-Site": "same-origin"})
    login = {"email": DEMO_EMAIL_3, "password": DEMO_PASSWORD}
    assert client.post("/account/login/", login).status_code == 302
    started = time.monotonic()
    client.post("/cart/add", {"sku": sku, "qty": "2"})
    client.post("/checkout/shipping", {
        "firstname": "Roni", "lastname": "Cost", "street1": "1 Main Street", "city": "Austin", "country_id": "US",
        "region_id": "57", "postcode": "78701", "telephone": "5551234",
    })  # fmt: skip
    assert client.get("/checkout/method").status_code == 200
    time.sleep(max(0.0, LIFETIME + 1.0 - (time.monotonic() - started)))

    response = client.get("/checkout/method")
    assert response.status_code == 302 and response["Location"] == "/account/login/?next=%2Fcheckout%2Fmethod"
    assert client.session.get(customer_session.TOKEN) is None
    assert "Your session expired" in client.get(response["Location"]).content.decode()

    back = client.post("/account/login/", {**login, "next": "/checkout/method"})
    assert back.status_code == 302 and back["Location"] == "/checkout/method"
    page = client.get("/checkout/method")
    assert page.status_code == 200 and b"flatrate_flatrate" in page.content, "same step, the address kept"
    assert re.search(rb"1 Main Street", page.content)
    assert client.session[visitor.CART_ITEMS_QTY] == 2, "the cart is intact"

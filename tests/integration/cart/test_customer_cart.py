"""Customer cart: ``carts/mine`` with the session's token, created on the first add, and a dead token
(a ``self`` route answers 401) sends the shopper to sign in instead of silently acting as a guest."""

from __future__ import annotations

import pytest
from django.test import Client

from cart.services import GUEST_IDS
from storefront import customer_session, visitor
from tests.integration.cart.shop_helpers import DEMO_EMAIL_3, rest, same_origin, sign_in_client, simple_sku

pytestmark = pytest.mark.django_db
H = same_origin()


def test_a_customer_adds_to_their_own_cart_without_a_guest_cart(shop) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in_client(client, shop.url, DEMO_EMAIL_3)
    response = client.post("/cart/add", {"sku": simple_sku(shop.url), "qty": "2"}, headers=H)
    assert response.status_code == 303
    counters = shop.counters()
    assert counters.get("rest:POST /V1/guest-carts", 0) == 0 and not client.session.get(GUEST_IDS)
    assert counters["rest:POST /V1/carts/mine/items"] >= 1
    page = client.get("/cart/")
    assert b"line-" in page.content and client.session[visitor.CART_ITEMS_QTY] == 2


def test_a_dead_token_on_the_cart_sends_the_shopper_to_sign_in(shop) -> None:
    client = Client(enforce_csrf_checks=True)
    token = sign_in_client(client, shop.url, DEMO_EMAIL_3)
    client.post("/cart/add", {"sku": simple_sku(shop.url), "qty": "1"}, headers=H)
    rest(shop.url, "POST", "/V1/integration/customer/revoke-customer-token", None, token)
    response = client.get("/cart/")
    assert response.status_code == 302 and response["Location"] == "/account/login/?next=%2Fcart%2F"
    assert customer_session.TOKEN not in client.session

"""Guest cart against the live sandbox: lazy creation, add (simple and configurable), quantity, remove,
totals, coupons, shipping estimate, the mini-cart, htmx fragments and the failure behaviours."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cart.services import GUEST_IDS
from storefront import visitor
from tests.integration.cart.shop_helpers import configurable, same_origin, simple_sku

pytestmark = pytest.mark.django_db
H = same_origin()


def shopper() -> Client:
    return Client(enforce_csrf_checks=True)


def add(client: Client, sku: str, qty: int = 1, **options: str):
    return client.post("/cart/add", {"sku": sku, "qty": str(qty), **options}, headers=H)


def item_ids(content: bytes) -> list[str]:
    return list(dict.fromkeys(re.findall(r'name="item_id" value="(\d+)"', content.decode())))


def test_the_cart_is_created_lazily_on_the_first_add_and_kept_in_the_session(shop) -> None:
    client = shopper()
    page = client.get("/cart/")
    assert b"Your cart is empty" in page.content
    assert shop.counters().get("rest:POST /V1/guest-carts", 0) == 0, "looking at the cart must not create one"

    response = add(client, simple_sku(shop.url))
    assert response.status_code == 303 and response["Location"] == "/cart/"
    assert shop.counters()["rest:POST /V1/guest-carts"] == 1
    assert len(client.session[GUEST_IDS]["default"]) == 32
    page = client.get("/cart/")
    assert b"The product was added to your cart." in page.content
    assert page["Cache-Control"] == "private, no-store"
    add(client, simple_sku(shop.url, 1))
    assert shop.counters()["rest:POST /V1/guest-carts"] == 1, "the second add reuses the cart"


def test_configurable_is_sent_as_parent_sku_with_options_and_shows_its_choices(shop) -> None:
    product = configurable(shop.url)
    client = shopper()
    add(client, product.sku, 2, **product.chosen)
    page = client.get("/cart/")
    html = page.content.decode()
    assert product.variant_sku in html, "Magento stores the chosen child"
    assert "<dt>" in html and 'value="2"' in html
    assert client.session[visitor.CART_ITEMS_QTY] == 2


def test_a_configurable_without_its_options_is_refused_with_a_message(shop) -> None:
    product = configurable(shop.url)
    client = shopper()
    response = client.post(
        "/cart/add", {"sku": product.sku, "qty": "1"}, headers={**H, "Referer": "http://testserver" + product.url}
    )
    assert response.status_code == 303 and response["Location"].endswith(product.url)
    assert shop.counters().get("rest:POST /V1/guest-carts/:cartId/items", 0) == 0
    assert client.session.get(visitor.CART_ITEMS_QTY, 0) == 0


def test_update_quantity_remove_and_totals_keep_the_mini_cart_current(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url))
    add(client, simple_sku(shop.url, 1))
    page = client.get("/cart/")
    first, second = item_ids(page.content)[:2]
    assert client.session[visitor.CART_ITEMS_QTY] == 2

    client.post("/cart/update", {"item_id": first, "qty": "3"}, headers=H)
    page = client.get("/cart/")
    assert client.session[visitor.CART_ITEMS_QTY] == 4
    for code in (b"total-subtotal", b"total-grand_total", b"total-shipping", b"total-tax"):
        assert code in page.content
    fragment = client.get("/_fragment/header")
    assert b">4<" in fragment.content and client.session[visitor.CART_SUBTOTAL].encode() in fragment.content

    client.post("/cart/remove", {"item_id": second}, headers=H)
    client.post("/cart/update", {"item_id": first, "qty": "0"}, headers=H)
    page = client.get("/cart/")
    assert b"Your cart is empty" in page.content
    assert client.session[visitor.CART_ITEMS_QTY] == 0


def test_coupon_apply_shows_magentos_message_for_an_invalid_code_and_discounts_a_valid_one(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url), 2)
    client.post("/cart/coupon", {"coupon_code": "NOPE"}, headers=H)
    page = client.get("/cart/")
    assert b"The coupon code isn&#x27;t valid. Verify the code and try again." in page.content

    client.post("/cart/coupon", {"coupon_code": "H20"}, headers=H)
    page = client.get("/cart/")
    assert b"total-discount" in page.content and b"H20" in page.content
    client.post("/cart/coupon/remove", headers=H)
    page = client.get("/cart/")
    assert b"total-discount" not in page.content


def test_coupon_attempts_are_rate_limited_with_retry_after(shop, monkeypatch) -> None:
    monkeypatch.setattr("cart.views.COUPON_LIMIT", (2, 60))
    client = shopper()
    add(client, simple_sku(shop.url))
    for _ in range(2):
        assert client.post("/cart/coupon", {"coupon_code": "BAD"}, headers=H).status_code == 303
    refused = client.post("/cart/coupon", {"coupon_code": "BAD"}, headers=H)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_shipping_estimate_by_country_and_postcode(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url))
    page = client.post("/cart/estimate", {"country_id": "US", "postcode": "78701"}, headers=H)
    assert page.status_code == 200
    assert b"estimate-methods" in page.content and b"$5.00" in page.content


def test_htmx_add_answers_a_status_line_and_swaps_the_mini_cart_out_of_band(shop) -> None:
    client = shopper()
    response = client.post("/cart/add", {"sku": simple_sku(shop.url), "qty": "2"}, headers={**H, "HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="status"' in html and 'id="header-personal"' in html and 'hx-swap-oob="innerHTML"' in html
    assert 'class="count"' in html and ">2<" in html


def test_htmx_quantity_update_answers_the_cart_body(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url))
    item = item_ids(client.get("/cart/").content)[0]
    response = client.post("/cart/update", {"item_id": item, "qty": "2"}, headers={**H, "HX-Request": "true"})
    assert response.status_code == 200 and b"<html" not in response.content
    assert b'value="2"' in response.content and b"hx-swap-oob" in response.content


def test_an_expired_guest_cart_gives_a_new_cart_and_a_message(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url))
    old = client.session[GUEST_IDS]["default"]
    shop.reset()  # the sandbox forgets every cart: the masked id now answers 404
    page = client.get("/cart/")
    assert b"Your previous cart had expired" in page.content and b"Your cart is empty" in page.content
    add(client, simple_sku(shop.url))
    assert client.session[GUEST_IDS]["default"] != old
    assert client.session[visitor.CART_ITEMS_QTY] in (0, 1)
    assert b"line-" in client.get("/cart/").content


def test_an_add_into_an_expired_cart_lands_in_a_new_cart(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url))
    shop.reset()
    add(client, simple_sku(shop.url), 2)
    page = client.get("/cart/")
    assert b"Your previous cart had expired" in page.content
    assert client.session[visitor.CART_ITEMS_QTY] == 2


def test_magento_refusing_the_quantity_shows_its_message_and_nothing_as_added(shop) -> None:
    client = shopper()
    response = add(client, simple_sku(shop.url), 9999)
    assert response.status_code == 303
    page = client.get("/cart/")
    assert b"The requested qty is not available" in page.content
    assert b"Your cart is empty" in page.content


def test_magento_down_on_add_shows_a_message_and_nothing_as_added(shop) -> None:
    client = shopper()
    sku = simple_sku(shop.url)
    shop.fault(path=r"/V1/guest-carts", status=503)
    response = add(client, sku)
    assert response.status_code == 303
    shop.clear_faults()
    page = client.get("/cart/")
    assert b"We could not add the product just now" in page.content
    assert client.session.get(visitor.CART_ITEMS_QTY, 0) == 0


@pytest.mark.parametrize(
    "path", ["/cart/add", "/cart/update", "/cart/remove", "/cart/coupon", "/cart/coupon/remove", "/cart/estimate"]
)
def test_cross_site_posts_are_refused(shop, path: str) -> None:
    response = shopper().post(path, {"sku": "x", "item_id": "1"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


def _admin_update(base_url: str, sku: str, product: dict) -> None:
    from tests.integration.cart.shop_helpers import rest

    admin = rest(base_url, "POST", "/V1/integration/admin/token", {"username": "admin", "password": "sandbox123"})
    rest(base_url, "PUT", f"/V1/products/{sku}", {"product": product}, admin)


def test_stock_problems_and_vanished_products_are_shown_and_block_checkout(shop) -> None:
    client = shopper()
    sold_out, vanished = simple_sku(shop.url), simple_sku(shop.url, 1)
    add(client, sold_out)
    add(client, vanished)
    assert b"Proceed to checkout" in client.get("/cart/").content
    _admin_update(shop.url, sold_out, {"extension_attributes": {"stock_item": {"qty": 0, "is_in_stock": False}}})
    _admin_update(shop.url, vanished, {"status": 2})  # disabled: the catalog no longer shows it
    page = client.get("/cart/").content.decode()
    assert "Out of stock" in page and "This product is no longer available." in page
    assert "Proceed to checkout" not in page


def test_magento_down_on_the_cart_page_gives_the_503_page(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url))
    shop.fault(path=".*", status=503)
    from django.core.cache import cache

    cache.clear()  # no cached chrome either
    response = client.get("/cart/")
    shop.clear_faults()
    assert response.status_code == 503 and response["Retry-After"]


def test_htmx_add_failure_answers_a_swappable_alert_and_adds_nothing(shop) -> None:
    product = configurable(shop.url)
    client = shopper()
    response = client.post("/cart/add", {"sku": product.sku, "qty": "1"}, headers={**H, "HX-Request": "true"})
    assert response.status_code == 200, "htmx only swaps 2xx answers"
    assert b'role="alert"' in response.content and b"Please choose" in response.content
    assert client.session.get(visitor.CART_ITEMS_QTY, 0) == 0


def test_the_german_store_has_its_own_cart_under_its_prefix_in_its_currency(shop) -> None:
    client = shopper()
    response = client.post("/de/cart/add", {"sku": simple_sku(shop.url), "qty": "1"}, headers=H)
    assert response.status_code == 303 and response["Location"] == "/de/cart/"
    assert set(client.session[GUEST_IDS]) == {"de"}
    page = client.get("/de/cart/").content.decode()
    assert "€" in page and 'action="/de/cart/update"' in page
    assert b"Your cart is empty" in client.get("/cart/").content, "carts belong to a store view"

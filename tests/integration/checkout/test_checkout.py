"""Checkout against the live sandbox: guest and customer, step guards, Magento's address errors, exactly one
order (double submit, retry after a lost answer, two tabs), token expiry mid-checkout, out of stock at
place-order, rate limits, cross-site POSTs, and merge on sign-in."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.test import Client

from cart.services import GUEST_IDS
from checkout import services as checkout_services
from storefront import customer_session, visitor
from storefront.magento.client import reset_client
from tests.integration.cart.shop_helpers import (
    ADDRESS,
    configurable,
    customer_token,
    rest,
    same_origin,
    sign_in_client,
    simple_sku,
)

pytestmark = pytest.mark.django_db(transaction=True)
H = same_origin()
FORM = {**{k: v for k, v in ADDRESS.items() if k != "street"}, "street1": ADDRESS["street"]}


def shopper() -> Client:
    return Client(enforce_csrf_checks=True)


def add(client: Client, sku: str, qty: int = 1, **options: str) -> None:
    assert client.post("/cart/add", {"sku": sku, "qty": str(qty), **options}, headers=H).status_code == 303


def guest_to_review(client: Client, shop) -> None:
    assert client.post("/checkout/", {"email": "ana@example.com"}, headers=H)["Location"] == "/checkout/shipping"
    assert client.post("/checkout/shipping", FORM, headers=H)["Location"] == "/checkout/method"
    assert (
        client.post("/checkout/method", {"method": "flatrate_flatrate"}, headers=H)["Location"] == "/checkout/payment"
    )
    assert (
        client.post("/checkout/payment", {"payment": "checkmo", "billing_same": "1"}, headers=H)["Location"]
        == "/checkout/review"
    )


def orders_count(shop) -> int:
    return shop.counters().get("rest:POST /V1/guest-carts/:cartId/payment-information", 0) + shop.counters().get(
        "rest:POST /V1/carts/mine/payment-information", 0
    )


def order_number(client: Client) -> str:
    page = client.get("/checkout/success")
    found = re.search(rb"order number is <strong>([^<]+)</strong>", page.content)
    assert found, page.content[:2000]
    return found.group(1).decode()


def test_guest_checkout_end_to_end_shows_the_order_number_and_starts_a_fresh_cart(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url), 2)
    shop.reset_counters()
    guest_to_review(client, shop)
    shop.reset_counters()
    review = client.get("/checkout/review")
    assert (
        review.status_code == 200
        and b"Place order" in review.content
        and review["Cache-Control"] == "private, no-store"
    )
    assert b"2 items" in review.content and b"total-grand_total" in review.content, "the order summary"
    assert shop.counters()["rest:GET /V1/guest-carts/:cartId/totals"] == 1, "the cart's totals are the summary's"
    placed = client.post("/checkout/place-order", headers=H)
    assert placed.status_code == 303 and placed["Location"] == "/checkout/success"
    number = order_number(client)
    assert re.fullmatch(r"\d{9}", number), number
    assert orders_count(shop) == 1
    assert client.session[visitor.CART_ITEMS_QTY] == 0 and not client.session[GUEST_IDS]
    assert b"Your cart is empty" in client.get("/cart/").content


def test_steps_redirect_to_the_first_incomplete_one(shop) -> None:
    client = shopper()
    assert client.get("/checkout/review")["Location"] == "/cart/", "an empty cart cannot check out"
    add(client, simple_sku(shop.url))
    assert client.get("/checkout/review")["Location"] == "/checkout/"
    client.post("/checkout/", {"email": "ana@example.com"}, headers=H)
    assert client.get("/checkout/payment")["Location"] == "/checkout/shipping"


def test_a_bad_email_and_missing_fields_keep_what_was_typed(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url))
    page = client.post("/checkout/", {"email": "not-an-email"}, headers=H)
    assert b"Enter a valid e-mail address" in page.content and b'value="not-an-email"' in page.content
    client.post("/checkout/", {"email": "ana@example.com"}, headers=H)
    page = client.post("/checkout/shipping", {**FORM, "city": "", "firstname": "Zoë"}, headers=H)
    assert page.status_code == 200 and b'aria-invalid="true"' in page.content
    assert "Zoë".encode() in page.content and b'value="1 Main Street"' in page.content


def test_magentos_address_validation_errors_land_next_to_the_fields(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url))
    client.post("/checkout/", {"email": "ana@example.com"}, headers=H)
    # US needs a region: Magento refuses it when the shipping information is saved.
    client.post("/checkout/shipping", {**FORM, "region_id": ""}, headers=H)
    client.post("/checkout/method", {"method": "flatrate_flatrate"}, headers=H)
    client.post("/checkout/payment", {"payment": "checkmo", "billing_same": "1"}, headers=H)
    back = client.post("/checkout/place-order", headers=H)
    assert back["Location"] == "/checkout/shipping"
    assert orders_count(shop) == 1 and b"line-" in client.get("/cart/").content, "refused: the cart is still there"
    page = client.get("/checkout/shipping")
    assert b'id="ship-region_id-error"' in page.content and b"regionId" in page.content
    assert b'value="1 Main Street"' in page.content, "what the shopper typed is kept"


def test_a_double_submit_places_one_order_and_both_land_on_its_confirmation(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url))
    guest_to_review(client, shop)
    first = client.post("/checkout/place-order", headers=H)
    second = client.post("/checkout/place-order", headers=H)
    assert first["Location"] == second["Location"] == "/checkout/success"
    assert orders_count(shop) == 1


def test_two_tabs_submitting_at_once_make_one_order(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url))
    guest_to_review(client, shop)
    shop.fault(path=r"payment-information", latency_ms=800, times=1)  # the first submit is slow
    tab_b = Client(enforce_csrf_checks=True)
    tab_b.cookies = client.cookies  # same browser, same session
    results: list[str] = []

    def submit(c: Client) -> None:
        results.append(c.post("/checkout/place-order", headers=H)["Location"])

    threads = [threading.Thread(target=submit, args=(c,)) for c in (client, tab_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["/checkout/success", "/checkout/success"]
    assert orders_count(shop) == 1
    assert order_number(client) == order_number(tab_b)


def test_a_retry_after_a_lost_answer_lands_on_the_order_magento_placed(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url))
    guest_to_review(client, shop)
    masked = client.session[GUEST_IDS]["default"]
    # The first submit reached Magento but its answer was lost (timeout): the order exists, we never heard.
    rest(
        shop.url,
        "POST",
        f"/V1/guest-carts/{masked}/payment-information",
        {"email": "ana@example.com", "paymentMethod": {"method": "checkmo"}},
    )
    number = rest(shop.url, "GET", f"/V1/guest-carts/{masked}")["reserved_order_id"]
    retry = client.post("/checkout/place-order", headers=H)
    assert retry["Location"] == "/checkout/success"
    assert order_number(client) == number
    # The retry was sent (the storefront could not know) and Magento refused it: the quote is inactive.
    assert shop.counters()["rest:POST /V1/guest-carts/:cartId/payment-information"] == 2
    assert rest(shop.url, "GET", f"/V1/guest-carts/{masked}")["reserved_order_id"] == number


def test_out_of_stock_at_place_order_goes_back_to_the_cart_with_magentos_message(shop) -> None:
    client = shopper()
    sku = simple_sku(shop.url)
    add(client, sku, 2)
    guest_to_review(client, shop)
    admin = rest(shop.url, "POST", "/V1/integration/admin/token", {"username": "admin", "password": "sandbox123"})
    rest(
        shop.url, "PUT", f"/V1/products/{sku}", {"product": {"extension_attributes": {"stock_item": {"qty": 1}}}}, admin
    )
    response = client.post("/checkout/place-order", headers=H)
    assert response["Location"] == "/cart/"
    page = client.get("/cart/")
    assert b"Not all of your products are available in the requested quantity." in page.content
    assert b"line-" in page.content, "the cart is intact"


def test_place_order_is_rate_limited(shop, monkeypatch) -> None:
    monkeypatch.setattr("checkout.views.PLACE_ORDER_LIMIT", (1, 60))
    client = shopper()
    add(client, simple_sku(shop.url))
    guest_to_review(client, shop)
    client.post("/checkout/place-order", headers=H)
    refused = client.post("/checkout/place-order", headers=H)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


@pytest.mark.parametrize(
    "path", ["/checkout/", "/checkout/shipping", "/checkout/method", "/checkout/payment", "/checkout/place-order"]
)
def test_cross_site_posts_are_refused(shop, path: str) -> None:
    assert shopper().post(path, {"email": "a@b.c"}, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403


# --- customers ------------------------------------------------------------------------------------------------


def test_customer_checkout_with_a_saved_address(shop) -> None:
    client = shopper()
    sign_in_client(client, shop.url)
    add(client, simple_sku(shop.url))
    assert client.get("/checkout/")["Location"] == "/checkout/shipping", "customers skip the e-mail step"
    page = client.get("/checkout/shipping")
    saved = re.findall(rb'name="saved_address" value="(\d+)"', page.content)
    assert len(saved) == 2
    assert (
        client.post("/checkout/shipping", {"saved_address": saved[0].decode()}, headers=H)["Location"]
        == "/checkout/method"
    )
    client.post("/checkout/method", {"method": "flatrate_flatrate"}, headers=H)
    client.post("/checkout/payment", {"payment": "checkmo", "billing_same": "1"}, headers=H)
    assert client.post("/checkout/place-order", headers=H)["Location"] == "/checkout/success"
    number = order_number(client)
    assert shop.counters()["rest:POST /V1/carts/mine/payment-information"] == 1
    assert re.fullmatch(r"\d{9}", number)


def test_merge_on_sign_in_keeps_both_carts_and_forgets_the_guest_id(shop) -> None:
    base = shop.url
    token = customer_token(base)
    # The customer already has a cart with one product (from another device).
    rest(base, "POST", "/V1/carts/mine", None, token)
    rest(base, "POST", "/V1/carts/mine/items", {"cartItem": {"sku": simple_sku(base, 2), "qty": 1}}, token)
    client = shopper()
    product = configurable(base)
    add(client, product.sku, 2, **product.chosen)
    add(client, simple_sku(base), 1)
    sign_in_client(client, base)
    assert not client.session.get(GUEST_IDS)
    assert shop.counters()["rest:PUT /V1/guest-carts/:cartId"] == 1
    assert client.session[visitor.CART_ITEMS_QTY] == 4
    page = client.get("/cart/").content.decode()
    for sku in (simple_sku(base, 2), simple_sku(base), product.variant_sku):
        assert sku in page


def test_token_expiry_mid_checkout_sends_to_sign_in_and_back_to_the_same_step(shop) -> None:
    client = shopper()
    sign_in_client(client, shop.url)
    add(client, simple_sku(shop.url), 3)
    page = client.get("/checkout/shipping")
    saved = re.findall(rb'name="saved_address" value="(\d+)"', page.content)[0].decode()
    client.post("/checkout/shipping", {"saved_address": saved}, headers=H)
    # The token dies (revoked here; expiry behaves the same on Magento's self routes: 401).
    session = client.session
    rest(shop.url, "POST", "/V1/integration/customer/revoke-customer-token", None, session[customer_session.TOKEN])
    response = client.get("/checkout/method")
    assert response.status_code == 302 and response["Location"] == "/account/login/?next=%2Fcheckout%2Fmethod"
    assert customer_session.TOKEN not in client.session
    assert client.session[checkout_services.STATE]["address"], "the checkout state survives"
    sign_in_client(client, shop.url)
    again = client.get("/checkout/method")
    assert again.status_code == 200 and b"flatrate_flatrate" in again.content
    assert client.session[visitor.CART_ITEMS_QTY] == 3, "the cart is intact"


def test_a_customer_retry_after_a_lost_answer_shows_the_placed_order_not_a_second_one(shop) -> None:
    client = shopper()
    token = sign_in_client(client, shop.url)
    add(client, simple_sku(shop.url))
    page = client.get("/checkout/shipping")
    saved = re.findall(rb'name="saved_address" value="(\d+)"', page.content)[0].decode()
    client.post("/checkout/shipping", {"saved_address": saved}, headers=H)
    client.post("/checkout/method", {"method": "flatrate_flatrate"}, headers=H)
    client.post("/checkout/payment", {"payment": "checkmo", "billing_same": "1"}, headers=H)
    # The first submit reached Magento, its answer was lost.
    rest(shop.url, "POST", "/V1/carts/mine/payment-information", {"paymentMethod": {"method": "checkmo"}}, token)
    retry = client.post("/checkout/place-order", headers=H)
    assert retry["Location"] == "/checkout/success"
    assert re.fullmatch(r"\d{9}", order_number(client))
    assert shop.counters()["rest:POST /V1/carts/mine/payment-information"] == 1, "nothing was sent twice"


def test_a_separate_billing_address_is_validated_kept_and_sent_with_the_order(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url))
    client.post("/checkout/", {"email": "ana@example.com"}, headers=H)
    client.post("/checkout/shipping", FORM, headers=H)
    client.post("/checkout/method", {"method": "flatrate_flatrate"}, headers=H)
    page = client.post("/checkout/payment", {"payment": "checkmo", "billing_same": "0", "firstname": "Bo"}, headers=H)
    assert page.status_code == 200 and b'id="bill-city-error"' in page.content and b'value="Bo"' in page.content
    billing = {**FORM, "firstname": "Bo", "city": "Dallas", "postcode": "75201"}
    moved = client.post("/checkout/payment", {"payment": "checkmo", "billing_same": "0", **billing}, headers=H)
    assert moved["Location"] == "/checkout/review"
    review = client.get("/checkout/review").content.decode()
    assert "Bo Tester, 1 Main Street, Dallas 75201, US" in review
    assert client.post("/checkout/place-order", headers=H)["Location"] == "/checkout/success"


def submit_without_an_answer(client: Client, shop, settings) -> str:
    """A guest's place-order that Magento carries out after our place-order timeout (as a loaded Magento does):
    the shopper is back on the review step. Returns the cart's masked id."""
    add(client, simple_sku(shop.url))
    guest_to_review(client, shop)
    shop.fault(path="payment-information", latency_ms=1500, times=1)
    settings.MAGENTO_ORDER_TIMEOUT = 0.5
    first = client.post("/checkout/place-order", headers=H)
    assert first.status_code == 303 and first["Location"] == "/checkout/review", "not a 503: it may be placed"
    return client.session[GUEST_IDS]["default"]


def test_place_order_waits_longer_than_other_calls_so_a_slow_magento_still_confirms(shop, settings) -> None:
    client = shopper()
    add(client, simple_sku(shop.url))
    guest_to_review(client, shop)
    # Slower than the read timeout of every other call, well within the place-order timeout.
    shop.fault(path="payment-information", latency_ms=1500, times=1)
    settings.MAGENTO_READ_TIMEOUT, settings.MAGENTO_ORDER_TIMEOUT = 0.5, 10.0
    reset_client()  # the client takes its read timeout when it is built (the shop fixture rebuilds it after)
    placed = client.post("/checkout/place-order", headers=H)
    assert placed["Location"] == "/checkout/success"
    assert re.fullmatch(r"\d{9}", order_number(client))


def test_when_magento_cannot_say_whether_the_order_exists_the_shopper_is_never_told_the_cart_is_gone(
    shop, settings
) -> None:
    settings.MAGENTO_GET_RETRIES = 0  # two failed reads below, not six: the circuit breaker stays closed
    reset_client()
    client = shopper()
    masked = submit_without_an_answer(client, shop, settings)
    time.sleep(1.5)  # Magento finishes the first submit: the cart is ordered and inactive
    # The second press: Magento refuses the inactive cart, and reading the cart back fails as well.
    shop.fault(path=r"guest-carts/[^/]+$", status=502)
    again = client.post("/checkout/place-order", headers=H)
    assert again["Location"] == "/checkout/review", "not the cart page saying the cart does not exist"
    # While Magento still cannot say, the review step is the friendly 503 whose "Try again" asks once more.
    down = client.get("/checkout/review")
    assert down.status_code == 503 and b'href="/checkout/review">Try again' in down.content
    shop.clear_faults()
    number = rest(shop.url, "GET", f"/V1/guest-carts/{masked}")["reserved_order_id"]
    settled = client.get("/checkout/review")
    assert settled["Location"] == "/checkout/success", "the order went through: its confirmation, no third press"
    assert order_number(client) == number, "the order Magento placed on the first press"


def test_a_place_order_that_times_out_says_it_may_be_placed_and_the_retry_shows_that_order(shop, settings) -> None:
    client = shopper()
    masked = submit_without_an_answer(client, shop, settings)
    review = client.get("/checkout/review").content.decode()
    assert "your order may already have been placed" in review and "Place order" in review
    time.sleep(1.5)  # Magento finishes the first submit
    number = rest(shop.url, "GET", f"/V1/guest-carts/{masked}")["reserved_order_id"]
    retry = client.post("/checkout/place-order", headers=H)
    assert retry["Location"] == "/checkout/success"
    assert order_number(client) == number, "the confirmation of the order Magento placed, not a second one"
    assert rest(shop.url, "GET", f"/V1/guest-carts/{masked}")["is_active"] is False


def test_a_step_refused_by_an_unreachable_magento_offers_the_way_back_to_its_form(shop) -> None:
    client = shopper()
    add(client, simple_sku(shop.url))
    client.post("/checkout/", {"email": "ana@example.com"}, headers=H)
    client.post("/checkout/shipping", FORM, headers=H)
    shop.fault(path="shipping-information", status=502)
    referer = {**H, "Referer": "http://testserver/checkout/method"}
    down = client.post("/checkout/method", {"method": "flatrate_flatrate"}, headers=referer)
    assert down.status_code == 503 and down["Retry-After"]
    # Not a link to the POST's own URL (a GET there is not the form): back to the step the shopper was on.
    assert b'<a href="/checkout/method">Go back and try again</a>' in down.content
    shop.clear_faults()
    assert client.get("/checkout/method").status_code == 200

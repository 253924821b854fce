"""Address book and order history, including IDOR: customer B can never read or change customer A's
addresses or orders, whatever ids they put in URLs or forms (issue 6)."""

from __future__ import annotations

import logging

import pytest

from accounts import selectors
from tests.integration.accounts.conftest import (
    PASSWORD,
    RONI,
    RONI3,
    browser,
    magento,
    order_numbers,
    session_token,
    sign_in,
)

pytestmark = pytest.mark.django_db

TEXAS = "57"
NEW_ADDRESS = {
    "firstname": "Veronica",
    "lastname": "Costello",
    "company": "",
    "telephone": "(512) 555-0199",
    "street1": "500 Congress Ave",
    "street2": "Suite 3",
    "city": "Austin",
    "country": "US",
    "region_id": TEXAS,
    "region": "",
    "postcode": "78701",
}


def _book(shop, client) -> list[dict]:
    return magento(shop, "GET", "/V1/customers/me", token=session_token(client))[1]["addresses"]


def test_address_book_lists_addresses_with_defaults_and_country_names(shop) -> None:
    client = browser()
    sign_in(client)
    page = client.get("/account/addresses/").content.decode()
    assert page.count('class="box"') == 2
    assert "Default billing" in page and "Default shipping" in page
    assert "United States" in page


def test_add_edit_and_delete_an_address(shop) -> None:
    client = browser()
    sign_in(client)
    form = client.get("/account/addresses/new/").content.decode()
    assert '<option value="US">United States</option>' in form and ">Texas</option>" in form
    created = client.post("/account/addresses/new/", NEW_ADDRESS)
    assert created.status_code == 302 and created["Location"] == "/account/addresses/"
    book = _book(shop, client)
    added = next(a for a in book if a["street"] == ["500 Congress Ave", "Suite 3"])
    assert added["region"]["region_code"] == "TX" and added["postcode"] == "78701"

    edit_url = f"/account/addresses/{added['id']}/edit/"
    assert 'value="500 Congress Ave"' in client.get(edit_url).content.decode()
    edited = client.post(edit_url, {**NEW_ADDRESS, "city": "Round Rock", "default_shipping": "on"})
    assert edited.status_code == 302
    me = magento(shop, "GET", "/V1/customers/me", token=session_token(client))[1]
    assert next(a for a in me["addresses"] if a["id"] == added["id"])["city"] == "Round Rock"
    assert me["default_shipping"] == str(added["id"])

    other = next(a for a in me["addresses"] if str(a["id"]) not in (me["default_shipping"], me["default_billing"]))
    deleted = client.post(f"/account/addresses/{other['id']}/delete/")
    assert deleted.status_code == 302
    assert other["id"] not in [a["id"] for a in _book(shop, client)]


def test_an_invalid_address_keeps_what_was_typed(shop) -> None:
    client = browser()
    sign_in(client)
    response = client.post("/account/addresses/new/", {**NEW_ADDRESS, "region_id": "81", "city": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Choose a state/province of United States" in body and "This field is required" in body
    assert 'value="500 Congress Ave"' in body and 'value="(512) 555-0199"' in body
    assert len(_book(shop, client)) == 2


def test_a_country_without_regions_takes_a_free_text_region(shop) -> None:
    client = browser()
    sign_in(client)
    response = client.post(
        "/account/addresses/new/", {**NEW_ADDRESS, "country": "GB", "region_id": "", "region": "Kent"}
    )
    assert response.status_code == 302
    assert any(a["country_id"] == "GB" and a["region"]["region"] == "Kent" for a in _book(shop, client))


def test_a_default_address_cannot_be_deleted_and_the_shopper_is_told(shop) -> None:
    client = browser()
    sign_in(client)
    me = magento(shop, "GET", "/V1/customers/me", token=session_token(client))[1]
    response = client.post(f"/account/addresses/{me['default_billing']}/delete/", follow=True)
    assert "default billing address" in response.content.decode()
    assert len(_book(shop, client)) == 2


def test_customer_b_cannot_read_or_change_customer_as_addresses(shop) -> None:
    alice = browser()
    sign_in(alice)
    alice_ids = [a["id"] for a in _book(shop, alice)]
    before = _book(shop, alice)

    bob = browser("10.0.0.7")
    sign_in(bob, email=RONI3)
    shop.reset_counters()
    for address_id in alice_ids:
        assert bob.get(f"/account/addresses/{address_id}/edit/").status_code == 404
        assert bob.post(f"/account/addresses/{address_id}/edit/", NEW_ADDRESS).status_code == 404
        assert bob.post(f"/account/addresses/{address_id}/delete/").status_code == 404
    counters = shop.counters()
    mutations = ("CreateCustomerAddress", "UpdateCustomerAddress", "DeleteCustomerAddress")
    assert not any(name.endswith(mutations) for name in counters), "no mutation was even sent"
    assert _book(shop, alice) == before
    assert "Congress" not in bob.get("/account/addresses/").content.decode()


def test_dashboard_shows_the_recent_order_and_its_detail(shop, caplog) -> None:
    client = browser()
    sign_in(client)
    (number,) = order_numbers(shop, session_token(client))
    dashboard = client.get("/account/").content.decode()
    assert number in dashboard and "$114.00" in dashboard
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="storefront.access"):
        detail = client.get(f"/account/orders/{number}/")
    logged = [r for r in caplog.records if r.name == "storefront.access"]
    assert [r.path for r in logged] == ["/account/orders/<number>/"]  # type: ignore[attr-defined]
    assert all(number not in r.getMessage() for r in logged), "an order number is not an operator's business"
    body = detail.content.decode()
    assert detail.status_code == 200
    for text in (
        "Chaz Kangeroo Hoodie",
        "MH01-M-Black",
        "$52.00",
        "$104.00",
        "$10.00",
        "$114.00",
        "Complete",
        "Flat Rate",
        "Check / Money order",
        "United States",
    ):
        assert text in body, text


def test_customer_b_cannot_read_customer_as_orders(shop) -> None:
    alice = browser("10.0.0.8")
    sign_in(alice)
    (number,) = order_numbers(shop, session_token(alice))
    bob = browser()
    sign_in(bob, email=RONI3)
    assert bob.get(f"/account/orders/{number}/").status_code == 404
    listing = bob.get("/account/orders/").content.decode()
    assert number not in listing and "You have placed no orders" in listing
    assert bob.get("/account/").content.decode().count(number) == 0


def _place_order(shop, token: str) -> None:
    assert magento(shop, "POST", "/V1/carts/mine", token=token)[0] == 200
    status, item = magento(shop, "POST", "/V1/carts/mine/items", {"cartItem": {"sku": "MJ01-M-White", "qty": 1}}, token)
    assert status == 200, item
    address = {
        "firstname": "Veronica",
        "lastname": "Costello",
        "street": ["6146 Honey Bluff Parkway"],
        "city": "Calder",
        "region_id": 33,
        "region_code": "MI",
        "country_id": "US",
        "postcode": "49628",
        "telephone": "5555550100",
        "email": RONI,
    }
    info = {
        "shipping_address": address,
        "billing_address": address,
        "shipping_carrier_code": "flatrate",
        "shipping_method_code": "flatrate",
    }
    status, body = magento(shop, "POST", "/V1/carts/mine/shipping-information", {"addressInformation": info}, token)
    assert status == 200, body
    status, body = magento(
        shop, "POST", "/V1/carts/mine/payment-information", {"paymentMethod": {"method": "checkmo"}}, token
    )
    assert status == 200, body


def test_order_history_is_paginated(shop, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "ORDERS_PER_PAGE", 1)
    client = browser()
    sign_in(client)
    (old,) = order_numbers(shop, session_token(client))
    _place_order(shop, session_token(client))
    (new,) = set(order_numbers(shop, session_token(client))) - {old}
    first = client.get("/account/orders/").content.decode()
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    assert new in first and old not in first, "newest first"
    second = client.get("/account/orders/?page=2").content.decode()
    assert old in second and 'href="?page=1"' in second
    assert client.get("/account/orders/?page=3").status_code == 404
    assert client.get("/account/orders/?page=abc").status_code == 200
    assert PASSWORD

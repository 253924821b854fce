"""Currency: the switcher sets the plain `currency` cookie; prices follow it; the cache keeps currencies apart."""

from __future__ import annotations

import re

import pytest

from tests.integration.catalog.conftest import text_of

pytestmark = pytest.mark.django_db


def test_currency_switcher_is_offered_where_the_store_has_several(client, shop) -> None:
    html = text_of(client.get("/men.html"))
    form = re.search(r'<form class="switch currency".*?</form>', html, re.S).group(0)
    assert 'action="/currency" method="post"' in form
    assert '<option value="USD" selected>' in form and '<option value="EUR">' in form
    assert 'name="next" value="/men.html"' in form


def test_switching_sets_the_cookie_and_goes_back(client, shop) -> None:
    response = client.post("/currency", {"currency": "EUR", "next": "/men.html?p=2"}, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 303
    assert response["Location"] == "/men.html?p=2"
    assert response.cookies["currency"].value == "EUR"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_switching_never_redirects_off_site(client, shop, target: str) -> None:
    response = client.post("/currency", {"currency": "EUR", "next": target}, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 303
    assert response["Location"] == "/"


def test_bad_currency_code_is_a_400(client, shop) -> None:
    response = client.post("/currency", {"currency": "euro<"}, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 400
    assert "currency" not in response.cookies


def test_cross_site_currency_switch_is_refused(client, shop) -> None:
    response = client.post("/currency", {"currency": "EUR"}, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403


def test_prices_follow_the_currency_cookie(client, shop, magento) -> None:
    usd = text_of(client.get("/montana-wind-jacket.html"))
    assert "$" in re.search(r'<p class="big-price">.*?</p>', usd, re.S).group(0)
    client.cookies["currency"] = "EUR"
    eur = text_of(client.get("/montana-wind-jacket.html"))
    assert "€" in re.search(r'<p class="big-price">.*?</p>', eur, re.S).group(0)
    assert '<option value="EUR" selected>' in eur


def test_a_currency_the_store_does_not_offer_falls_back_to_its_own(client, shop) -> None:
    client.cookies["currency"] = "GBP"
    response = client.get("/men.html")
    assert response.status_code == 200
    assert '<option value="USD" selected>' in response.content.decode()

"""Token lifecycle: an expired or revoked Magento token anywhere → token dropped, "your session expired",
login with ``next`` (issue 6). Expiry runs against a dedicated sandbox whose tokens live 2 seconds."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from tests.integration.accounts.conftest import RONI, browser, magento, session_token, sign_in

pytestmark = pytest.mark.django_db
LIFETIME = 2


def _expired_sessions(count: int) -> list[Client]:
    """``count`` shoppers signed in with working tokens, then one wait until every token has expired."""
    clients = []
    for n in range(count):
        client = browser(f"10.1.0.{n}")
        assert sign_in(client).status_code == 302
        assert client.get("/account/").status_code == 200, "the fresh token works"
        clients.append(client)
    time.sleep(LIFETIME + 1.1)
    return clients


def _assert_sent_to_login(client: Client, response, wanted: str) -> None:
    assert response.status_code == 302, wanted
    assert response["Location"].startswith("/account/login/?next=")
    assert response["Cache-Control"] == "private, no-store"
    assert session_token(client) is None, "the dead token is dropped"
    login_page = client.get(response["Location"])
    assert "Your session expired" in login_page.content.decode()
    assert f'value="{wanted}"' in login_page.content.decode(), "next survives to the login form"


PAGES = ["/account/", "/account/orders/", "/account/addresses/", "/account/profile/", "/account/orders/000000001/"]


def test_an_expired_token_anywhere_means_sign_in_again_and_come_back(short_shop) -> None:
    *page_clients, poster, deleter, guest_check, returning = _expired_sessions(len(PAGES) + 4)

    # Every account page: token dropped, "your session expired", login with next.
    for client, path in zip(page_clients, PAGES, strict=True):
        _assert_sent_to_login(client, client.get(path), path)

    # In the middle of a form: the page the form was on becomes next.
    response = poster.post(
        "/account/addresses/new/",
        {
            "firstname": "Ana",
            "lastname": "Lima",
            "telephone": "555",
            "street1": "1 Main St",
            "city": "Austin",
            "country": "US",
            "region_id": "57",
            "postcode": "78701",
        },
        headers={"Referer": "http://testserver/account/addresses/new/"},
    )
    assert response.status_code == 302 and "next=%2Faccount%2Faddresses%2Fnew%2F" in response["Location"]
    assert session_token(poster) is None
    # A POST-only action without a Referer comes back to its list, never to a URL that only takes POST.
    response = deleter.post("/account/addresses/1/delete/")
    assert response["Location"] == "/account/login/?next=%2Faccount%2Faddresses%2F"

    # Magento's anonymous routes still answer the dead token with 200 (as a guest); only self routes say
    # 401. So a 200 proves nothing, and the storefront never shows personal data on the strength of one.
    token = session_token(guest_check)
    assert magento(short_shop, "GET", "/V1/directory/countries", token=token)[0] == 200
    assert magento(short_shop, "GET", "/V1/customers/me", token=token)[0] == 401
    assert guest_check.get("/account/").status_code == 302

    # Signing in again returns to the page.
    assert returning.get("/account/orders/").status_code == 302
    again = sign_in(returning, next_url="/account/orders/")
    assert again["Location"] == "/account/orders/"
    assert returning.get("/account/orders/").status_code == 200


def test_a_token_revoked_elsewhere_signs_the_shopper_out_here(shop) -> None:
    """Any 401 from Magento, not only expiry: the customer revoked their tokens from another device."""
    client = browser()
    sign_in(client)
    token = session_token(client)
    assert magento(shop, "POST", "/V1/integration/customer/revoke-customer-token", token=token)[0] == 200
    response = client.get("/account/addresses/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=%2Faccount%2Faddresses%2F"
    assert session_token(client) is None
    assert client.session.get("customer_email") is None
    assert RONI not in client.get("/_fragment/header").content.decode()

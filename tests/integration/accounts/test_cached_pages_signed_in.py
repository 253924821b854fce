"""A really signed-in customer (Magento token in the session) browsing cold catalog pages leaves no trace of
themselves in the shared page cache; their name shows only in the private header fragment (DESIGN.md §5)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.integration.accounts.conftest import RONI, browser, session_token, sign_in

pytestmark = pytest.mark.django_db
PAGES = ["/", "/de/"]


def test_pages_rendered_for_a_signed_in_customer_are_the_strangers_pages(shop) -> None:
    customer = browser()
    sign_in(customer)
    token = session_token(customer)
    theirs = {}
    for path in PAGES:
        response = customer.get(path)
        assert response.status_code == 200 and response["X-Cache"] == "MISS"
        assert not response.cookies
        for trace in ("Veronica", RONI, token, customer.cookies["sessionid"].value):
            assert trace not in response.content.decode()
            assert all(trace not in value for value in response.headers.values())
        theirs[path] = response.content
    stranger = Client()
    for path in PAGES:
        response = stranger.get(path)
        assert response["X-Cache"] == "HIT" and response.content == theirs[path]
    assert "Hello, Veronica" in customer.get("/_fragment/header").content.decode()
    assert "Veronica" not in stranger.get("/_fragment/header").content.decode()

"""Cached pages hold nothing about the visitor who caused them to be rendered (DESIGN.md §5).

A shopper with a name and a cart in their session browses cold pages (so their requests do the rendering);
the pages they get carry no trace of them and set no cookie; a stranger then gets the very same bytes from the
cache. Their own details appear only in the private header fragment.
(When customer login lands, the accounts tests repeat this with a real Magento login.)
"""

from __future__ import annotations

import pytest
from django.test import Client

from storefront import visitor

pytestmark = pytest.mark.django_db
PAGES = ["/", "/de/"]
SECRET_NAME = "Ana-Zyxwvut"


def signed_in_shopper() -> Client:
    client = Client()
    session = client.session
    session[visitor.CUSTOMER_FIRSTNAME] = SECRET_NAME
    session[visitor.CART_ITEMS_QTY] = 7
    session[visitor.CART_SUBTOTAL] = "$987.65"
    session.save()
    client.cookies["sessionid"] = session.session_key
    return client


def test_cached_pages_rendered_for_a_shopper_carry_no_trace_of_them(shop) -> None:
    ana = signed_in_shopper()
    theirs = {}
    for path in PAGES:
        response = ana.get(path)
        assert response.status_code == 200 and response["X-Cache"] == "MISS"
        assert not response.cookies, "a cached page must never set a cookie"
        theirs[path] = response.content
        for trace in (SECRET_NAME, "987.65", ana.cookies["sessionid"].value):
            assert trace.encode() not in response.content
            assert all(trace not in value for value in response.headers.values())

    stranger = Client()
    for path in PAGES:
        response = stranger.get(path)
        assert response["X-Cache"] == "HIT"
        assert response.content == theirs[path]


def test_the_shoppers_details_live_only_in_the_private_fragment(shop) -> None:
    ana = signed_in_shopper()
    fragment = ana.get("/_fragment/header")
    assert SECRET_NAME.encode() in fragment.content and b"987.65" in fragment.content
    assert fragment["Cache-Control"] == "private, no-store"
    assert SECRET_NAME.encode() not in Client().get("/_fragment/header").content

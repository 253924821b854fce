"""An expired customer token sends the shopper to log in and back to where they were."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.test import RequestFactory

from storefront import customer_session
from storefront.middleware import session_expired_response

pytestmark = pytest.mark.django_db


def expired(request):  # type: ignore[no-untyped-def]
    request.session = SessionStore()
    request.session[customer_session.TOKEN] = "tok"
    request._messages = []  # no message storage needed for this check
    return session_expired_response(request)


def test_get_keeps_the_requested_page() -> None:
    response = expired(RequestFactory().get("/account/orders/?p=2"))
    assert response["Location"] == "/account/login/?next=%2Faccount%2Forders%2F%3Fp%3D2"


def test_post_returns_to_the_page_the_form_was_on() -> None:
    request = RequestFactory().post("/checkout/shipping/", HTTP_REFERER="http://testserver/checkout/shipping/?x=1")
    response = expired(request)
    assert response["Location"] == "/account/login/?next=%2Fcheckout%2Fshipping%2F%3Fx%3D1"
    assert customer_session.token(request) is None


@pytest.mark.parametrize("referer", ["https://evil.example/checkout/", "javascript:alert(1)", ""])
def test_a_foreign_referer_is_not_followed(referer: str) -> None:
    response = expired(RequestFactory().post("/cart/update", HTTP_REFERER=referer))
    assert response["Location"] == "/account/login/?next=%2F"

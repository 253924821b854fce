"""Shared rate limits and the customer's session: token only server-side, key cycled on sign-in."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import cache
from django.test import RequestFactory

from storefront import customer_session, ratelimit, visitor


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def test_limit_counts_per_key_and_says_when_to_retry() -> None:
    verdicts = [ratelimit.hit("login", "ana@example.com", limit=3, window=60) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert 1 <= verdicts[-1].retry_after <= 60
    assert ratelimit.hit("login", "bob@example.com", limit=3, window=60).allowed
    assert ratelimit.hit("coupon", "ana@example.com", limit=3, window=60).allowed


def test_keys_are_case_insensitive_and_not_stored_in_clear() -> None:
    for _ in range(2):
        ratelimit.hit("login", "Ana@Example.com", limit=2, window=60)
    assert not ratelimit.hit("login", "ana@example.com ", limit=2, window=60).allowed
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]
    assert keys and not any("ana" in k.lower() for k in keys)


def test_check_refuses_when_any_key_is_exhausted() -> None:
    for _ in range(5):
        ratelimit.hit("login", "10.0.0.1", limit=5, window=60)
    verdict = ratelimit.check("login", ["10.0.0.1", "new@example.com"], limit=5, window=60)
    assert not verdict.allowed and verdict.retry_after > 0


@pytest.mark.django_db
def test_too_many_requests_page() -> None:
    request = RequestFactory().post("/account/login/")
    response = ratelimit.too_many_requests(request, ratelimit.Verdict(False, 42), "sign in")
    assert response.status_code == 429
    assert response["Retry-After"] == "42"
    assert b"42 seconds" in response.content


@pytest.mark.django_db
def test_sign_in_cycles_the_key_keeps_the_token_server_side_and_signals() -> None:
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.session["cart_masked_id"] = "guest-cart"
    request.session.save()
    old_key = request.session.session_key
    received = []

    def on_sign_in(sender, request, token, **kwargs):  # type: ignore[no-untyped-def]
        received.append(token)

    customer_session.customer_signed_in.connect(on_sign_in)
    try:
        customer_session.sign_in(request, "tok-123", firstname="Ana", email="ana@example.com")
    finally:
        customer_session.customer_signed_in.disconnect(on_sign_in)
    assert request.session.session_key != old_key
    assert customer_session.token(request) == "tok-123"
    assert request.session[visitor.CUSTOMER_FIRSTNAME] == "Ana"
    assert request.session["cart_masked_id"] == "guest-cart", "nothing else is lost on sign-in"
    assert received == ["tok-123"]

    customer_session.drop_token(request)
    assert customer_session.token(request) is None
    assert visitor.CUSTOMER_FIRSTNAME not in request.session
    assert request.session["cart_masked_id"] == "guest-cart"

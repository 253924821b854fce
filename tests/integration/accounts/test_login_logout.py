"""Login, logout, the token in the session, session fixation and the safe ``next`` (issue 6)."""

from __future__ import annotations

import pytest

from accounts.models import AccountEvent
from tests.integration.accounts.conftest import PASSWORD, RONI, browser, magento, session_token, sign_in

pytestmark = pytest.mark.django_db


def test_login_gets_a_magento_token_into_the_server_side_session_only(shop) -> None:
    client = browser()
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/account/"
    token = session_token(client)
    assert token, "the Magento token is kept in the session"
    assert all(token not in morsel.value for morsel in client.cookies.values())
    status, me = magento(shop, "GET", "/V1/customers/me", token=token)
    assert status == 200 and me["email"] == RONI

    dashboard = client.get("/account/")
    body = dashboard.content.decode()
    assert dashboard.status_code == 200
    assert "Veronica" in body and RONI in body
    assert "Default shipping address" in body and "Recent orders" in body
    assert token not in body
    assert dashboard["Cache-Control"] == "private, no-store"
    assert "Hello, Veronica" in client.get("/_fragment/header").content.decode()


def test_the_session_key_changes_on_login(shop) -> None:
    client = browser()
    client.get("/account/login/?next=/account/orders/")
    session = client.session
    session["planted"] = "before login"  # an attacker-known session id must not survive the login
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before
    response = sign_in(client)
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after and after != before
    assert client.session.get("planted") == "before login", "data carries over; only the key changes"
    fixed = browser()
    fixed.cookies["sessionid"] = before
    assert fixed.get("/account/").status_code == 302, "the old session id is not signed in"


def test_wrong_password_is_refused_with_one_message_and_audited(shop) -> None:
    client = browser()
    response = sign_in(client, password="Wrong-password-1")
    assert response.status_code == 400
    body = response.content.decode()
    assert "sign-in was incorrect" in body
    assert 'value="roni_cost@example.com"' in body, "the e-mail the shopper typed is kept"
    assert "Wrong-password-1" not in body
    assert session_token(client) is None
    unknown = sign_in(browser("10.0.0.2"), email="nobody@example.com")
    assert "sign-in was incorrect" in unknown.content.decode()
    events = list(AccountEvent.objects.values_list("event", "email"))
    assert (AccountEvent.LOGIN_FAILURE, RONI) in events
    assert not any("Wrong-password" in str(row) for row in AccountEvent.objects.values())


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/account/orders/", "/account/orders/"),
        ("/men.html?color=49", "/men.html?color=49"),
        ("https://evil.example/account/", "/account/"),
        ("//evil.example/", "/account/"),
        ("/\\evil.example/", "/account/"),
        ("javascript:alert(1)", "/account/"),
        ("/account/logout/", "/account/"),
    ],
)
def test_next_is_followed_only_on_our_own_host(shop, next_url: str, expected: str) -> None:
    response = sign_in(browser(), next_url=next_url)
    assert response.status_code == 302 and response["Location"] == expected


def test_an_anonymous_visitor_is_sent_to_login_with_next(shop) -> None:
    response = browser().get("/account/orders/?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=%2Faccount%2Forders%2F%3Fpage%3D2"
    assert response["Cache-Control"] == "private, no-store"


def test_logout_revokes_the_token_at_magento_then_flushes_the_session(shop) -> None:
    client = browser()
    sign_in(client)
    token = session_token(client)
    shop.reset_counters()
    response = client.post("/account/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert shop.counters().get("rest:POST /V1/integration/customer/revoke-customer-token") == 1
    status, _body = magento(shop, "GET", "/V1/customers/me", token=token)
    assert status == 401, "the token no longer works at Magento"
    assert session_token(client) is None
    assert client.get("/account/").status_code == 302
    assert AccountEvent.objects.filter(event=AccountEvent.LOGOUT, email=RONI).exists()


def test_the_signed_out_message_is_shown_on_the_cached_home_page_once_even_without_javascript(shop) -> None:
    client = browser()
    client.get("/")  # the home page is in the page cache, the same copy for everybody
    sign_in(client)
    client.post("/account/logout/")
    home = client.get("/")
    body = home.content.decode()
    assert home.status_code == 200
    assert '<div id="flash" role="status"><p class="message success">You are signed out.</p></div>' in body
    assert home["Cache-Control"] == "private, no-store", "this copy holds the visitor's message: nobody may keep it"
    assert not home.has_header("ETag") and not home.has_header("xkey")
    assert home.cookies["messages"].value == "" and home.cookies["messages"]["max-age"] == 0, "shown: cookie gone"
    again = client.get("/")
    assert b"You are signed out." not in again.content, "shown once"
    assert again["X-Cache"] == "HIT" and again["Cache-Control"].startswith("public")
    assert b'<div id="flash" role="status"></div>' in again.content, "the shared copy was never changed"
    assert "You are signed out." not in client.get("/_fragment/header").content.decode()
    assert "You are signed out." not in client.get("/cart/").content.decode(), "not kept for a later page"


def test_the_header_fragment_shows_a_message_the_page_did_not(shop) -> None:
    """With JavaScript, when the fragment is asked first (the page came from an edge that did not pass the
    cookie on): the message goes into the live region every page has, once."""
    client = browser()
    sign_in(client)
    client.post("/account/logout/")
    fragment = client.get("/_fragment/header")
    body = fragment.content.decode()
    assert '<div id="flash" hx-swap-oob="innerHTML">' in body, "filled into the live region already there"
    assert "You are signed out." in body and "Sign in" in body
    assert fragment["Cache-Control"] == "private, no-store"
    assert "You are signed out." not in client.get("/_fragment/header").content.decode(), "shown once"
    assert b"You are signed out." not in client.get("/").content


def test_a_forged_messages_cookie_changes_nothing_on_a_cached_page(shop) -> None:
    client = browser()
    client.get("/")
    client.cookies["messages"] = "forged-value:not-signed"
    home = client.get("/")
    assert home.status_code == 200 and home["X-Cache"] == "HIT"
    assert home["Cache-Control"].startswith("public") and "messages" not in home.cookies
    assert b'<div id="flash" role="status"></div>' in home.content


def test_logout_by_get_only_offers_the_button(shop) -> None:
    client = browser()
    sign_in(client)
    page = client.get("/account/logout/")
    assert page.status_code == 200 and b'action="/account/logout/"' in page.content
    assert session_token(client) is not None


def test_logout_with_magento_down_still_signs_out_here(shop) -> None:
    client = browser()
    sign_in(client)
    shop.fault(path="revoke-customer-token", status=503)
    try:
        response = client.post("/account/logout/")
    finally:
        shop.clear_faults()
    assert response.status_code == 302
    assert session_token(client) is None


def test_a_signed_in_shopper_visiting_login_goes_to_next(shop) -> None:
    client = browser()
    sign_in(client)
    assert client.get("/account/login/?next=/account/addresses/")["Location"] == "/account/addresses/"
    assert PASSWORD  # the demo password is what signed us in


def test_store_prefix_routes_work(shop) -> None:
    client = browser()
    response = client.post("/de/account/login/", {"email": RONI, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/de/account/"
    page = client.get("/de/account/")
    assert page.status_code == 200 and b'href="/de/account/orders/"' in page.content

"""Register, profile edit, change password, forgot password and reset through the mailed link (issue 6)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from accounts.models import AccountEvent
from tests.integration.accounts.conftest import (
    PASSWORD,
    RONI,
    RONI3,
    browser,
    magento,
    outbox,
    session_token,
    sign_in,
)

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Another-Pass-42"


def _register(client, **overrides):
    data = {
        "firstname": "Ana",
        "lastname": "Lima",
        "email": "ana.lima@example.com",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    data.update(overrides)
    return client.post("/account/register/", data)


def test_register_creates_the_customer_and_signs_them_in(shop) -> None:
    client = browser()
    shop.reset_counters()
    response = _register(client)
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert session_token(client)
    page = client.get("/account/").content.decode()
    assert "Ana Lima" in page and "ana.lima@example.com" in page and "Thank you for registering" in page
    status, me = magento(shop, "GET", "/V1/customers/me", token=session_token(client))
    assert status == 200 and me["firstname"] == "Ana" and me["group_id"] == 1
    assert shop.counters().get("rest:POST /V1/customers") == 1


def test_register_with_a_taken_email_shows_magentos_error_on_the_email_field_and_keeps_the_input(shop) -> None:
    response = _register(browser(), email=RONI)
    body = response.content.decode()
    assert response.status_code == 400
    assert "already exists" in body
    assert re.search(r'<div class="field has-error">\s*<label for="id_email"', body)
    assert 'value="Ana"' in body and 'value="Lima"' in body and f'value="{RONI}"' in body
    assert NEW_PASSWORD not in body, "passwords are never echoed back"


@pytest.mark.parametrize(
    ("password", "message"),
    [("short1A", "at least 8"), ("alllowercase", "three of"), ("Ana.Lima@Example.com", "same as the email")],
)
def test_register_applies_magentos_password_rules_before_calling_magento(shop, password: str, message: str) -> None:
    shop.reset_counters()
    response = _register(browser(), password=password, password_confirm=password)
    assert response.status_code == 400 and message in response.content.decode()
    assert "rest:POST /V1/customers" not in shop.counters()


def test_register_needs_matching_confirmation(shop) -> None:
    response = _register(browser(), password_confirm="Different-Pass-1")
    assert response.status_code == 400 and "do not match" in response.content.decode()


def test_profile_edit_saves_at_magento_and_updates_the_greeting(shop) -> None:
    client = browser()
    sign_in(client)
    form = client.get("/account/profile/").content.decode()
    assert f'value="{RONI}"' in form
    response = client.post("/account/profile/", {"firstname": "Roni", "lastname": "Costa", "email": RONI})
    assert response.status_code == 302
    assert "Hello, Roni" in client.get("/_fragment/header").content.decode()
    _status, me = magento(shop, "GET", "/V1/customers/me", token=session_token(client))
    assert (me["firstname"], me["lastname"]) == ("Roni", "Costa")
    assert len(me["addresses"]) == 2 and me.get("default_billing"), "the address book is left alone"


def test_profile_edit_to_a_taken_email_is_a_field_error(shop) -> None:
    client = browser()
    sign_in(client)
    response = client.post("/account/profile/", {"firstname": "Roni", "lastname": "Costa", "email": RONI3})
    assert response.status_code == 400 and "already exists" in response.content.decode()
    assert 'value="Costa"' in response.content.decode()


def test_change_password_needs_the_current_one(shop) -> None:
    client = browser()
    sign_in(client)
    response = client.post(
        "/account/password/",
        {"current_password": "Not-the-password-1", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert "match this account" in response.content.decode()
    assert session_token(client), "a wrong current password does not sign the shopper out"


def test_change_password_keeps_the_shopper_signed_in_and_the_old_password_stops_working(shop) -> None:
    client = browser()
    sign_in(client)
    old_token = session_token(client)
    response = client.post(
        "/account/password/", {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert session_token(client) and session_token(client) != old_token
    assert client.get("/account/").status_code == 200
    assert magento(shop, "GET", "/V1/customers/me", token=old_token)[0] == 401
    assert sign_in(browser("10.0.0.9")).status_code == 400
    assert sign_in(browser("10.0.0.9"), password=NEW_PASSWORD).status_code == 302
    assert AccountEvent.objects.filter(event=AccountEvent.PASSWORD_CHANGE, email=RONI, detail="").exists()


def _forgot(client, email: str):
    return client.post("/account/forgot-password/", {"email": email})


def test_forgot_password_answers_the_same_whether_or_not_the_email_exists(shop) -> None:
    known_client, unknown_client = browser(), browser("10.0.0.2")
    known = _forgot(known_client, RONI)
    unknown = _forgot(unknown_client, "nobody@example.com")
    assert (
        (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == (302, "/account/login/")
    )
    known_page = known_client.get(known["Location"]).content.decode()
    unknown_page = unknown_client.get(unknown["Location"]).content.decode()

    def comparable(page: str, email: str) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page).replace(email, "X")

    assert comparable(known_page, RONI) == comparable(unknown_page, "nobody@example.com")
    mails = outbox(shop)
    assert [m["to"] for m in mails] == [RONI]


def test_reset_through_the_mailed_link_sets_a_new_password(shop) -> None:
    client = browser()
    _forgot(client, RONI)
    link = outbox(shop)[-1]["reset_url"]
    parts = urlsplit(link)
    assert parts.path == "/customer/account/createPassword/"
    first = client.get(f"{parts.path}?{parts.query}")
    assert first.status_code == 302 and first["Location"] == "/customer/account/createPassword/", "token leaves the URL"
    form = client.get(first["Location"])
    assert form.status_code == 200 and "Set a new password" in form.content.decode()
    reset_token = outbox(shop)[-1]["reset_token"]
    assert reset_token not in form.content.decode()
    done = client.post(
        "/customer/account/createPassword/", {"email": RONI, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done["Location"] == "/account/login/"
    assert "You updated your password" in client.get("/account/login/").content.decode()
    assert sign_in(browser("10.0.0.3"), password=NEW_PASSWORD).status_code == 302
    assert sign_in(browser("10.0.0.4")).status_code == 400
    # The link is single-use.
    again = browser("10.0.0.5")
    again.get(f"{parts.path}?{parts.query}")
    assert again.get("/customer/account/createPassword/").status_code == 400


def test_a_forged_reset_link_is_refused(shop) -> None:
    client = browser()
    client.get("/customer/account/createPassword/?id=1&token=0123456789abcdef0123456789abcdef")
    page = client.get("/customer/account/createPassword/")
    assert page.status_code == 400 and "expired" in page.content.decode()
    assert client.get("/customer/account/createPassword/?id=x&token=").status_code == 302


def test_reset_with_the_wrong_email_keeps_the_form(shop) -> None:
    client = browser()
    _forgot(client, RONI)
    parts = urlsplit(outbox(shop)[-1]["reset_url"])
    client.get(f"{parts.path}?{parts.query}")
    response = client.post(
        "/customer/account/createPassword/",
        {"email": RONI3, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 400 and 'value="roni_cost3@example.com"' in response.content.decode()
    assert sign_in(browser("10.0.0.6")).status_code == 302, "nothing changed"

"""Sandbox REST: tokens, customer accounts, address book, passwords, reset mail, lockout, routing errors."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.sandbox.commerce_helpers import ADMIN, DEMO_EMAIL, DEMO_PASSWORD, US_ADDRESS, Rest
from tests.support.sandbox import SandboxProcess

NOT_AUTHORIZED = {"message": "The consumer isn't authorized to access %resources.", "parameters": {"resources": "self"}}
SIGN_IN = "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."


@pytest.fixture
def rest(clean_sandbox: SandboxProcess) -> Rest:
    return Rest(clean_sandbox)


def test_demo_customer_logs_in_and_reads_profile_with_addresses(rest: Rest) -> None:
    token = rest.login()
    assert isinstance(token, str) and len(token) >= 32
    me = rest.ok("GET", "customers/me", token=token)
    assert me["email"] == DEMO_EMAIL and me["firstname"] == "Veronica"
    assert len(me["addresses"]) == 2
    default = next(a for a in me["addresses"] if a.get("default_billing"))
    assert me["default_billing"] == str(default["id"])  # Magento sends the id as a string
    assert default["region"] == {"region_code": "MI", "region": "Michigan", "region_id": 33}
    assert rest.ok("GET", "customers/me/billingAddress", token=token)["id"] == default["id"]
    assert rest.ok("GET", "customers/me/shippingAddress", token=token)["city"] == "Calder"


def test_wrong_password_is_401_with_magentos_wording(rest: Rest) -> None:
    reply = rest.post("integration/customer/token", {"username": DEMO_EMAIL, "password": "nope-Nope1"})
    assert reply.status == 401
    assert reply.body == {"message": SIGN_IN, "parameters": []}


def test_sixth_failure_locks_the_account_even_for_the_right_password(rest: Rest) -> None:
    for _ in range(6):
        assert rest.post("integration/customer/token", {"username": DEMO_EMAIL, "password": "bad-Pass1"}).status == 401
    locked = rest.post("integration/customer/token", {"username": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert locked.status == 401 and locked.body["message"] == SIGN_IN


def test_five_failures_then_success_does_not_lock(rest: Rest) -> None:
    for _ in range(5):
        rest.post("integration/customer/token", {"username": DEMO_EMAIL, "password": "bad-Pass1"})
    assert isinstance(rest.login(), str)


def test_missing_credentials_are_input_errors(rest: Rest) -> None:
    reply = rest.post("integration/customer/token", {"username": DEMO_EMAIL})
    assert reply.status == 400
    assert reply.body == {
        "message": '"%fieldName" is required. Enter and try again.',
        "parameters": {"fieldName": "password"},
    }
    both = rest.post("integration/customer/token", {})
    assert both.status == 400 and both.body["message"] == "One or more input exceptions have occurred."
    assert [e["parameters"]["fieldName"] for e in both.body["errors"]] == ["username", "password"]


def test_self_routes_need_a_customer_token(rest: Rest) -> None:
    assert rest.get("customers/me").body == NOT_AUTHORIZED
    assert rest.get("customers/me").status == 401
    assert rest.get("customers/me", token="not-a-token").status == 401
    admin = rest.ok("POST", "integration/admin/token", ADMIN)
    assert rest.get("customers/me", token=admin).status == 401


def test_revoke_kills_every_token_of_the_customer(rest: Rest) -> None:
    first, second = rest.login(), rest.login()
    assert rest.ok("POST", "integration/customer/revoke-customer-token", token=first) is True
    assert rest.get("customers/me", token=first).status == 401
    assert rest.get("customers/me", token=second).status == 401
    assert rest.post("integration/customer/revoke-customer-token").status == 401


def test_create_account_returns_customer_and_refuses_duplicates(rest: Rest) -> None:
    body = {
        "customer": {
            "email": "new.shopper@example.com",
            "firstname": "New",
            "lastname": "Shopper",
            "addresses": [{**US_ADDRESS, "default_billing": True, "default_shipping": True}],
        },
        "password": "Str0ng-pass",
    }
    created = rest.ok("POST", "customers", body)
    assert created["id"] > 0 and created["email"] == "new.shopper@example.com"
    assert created["addresses"][0]["region"]["region_code"] == "CA"
    assert created["default_shipping"] == str(created["addresses"][0]["id"])
    assert created["extension_attributes"] == {"is_subscribed": False}
    duplicate = rest.post("customers", {**body, "customer": {**body["customer"], "email": "NEW.shopper@example.com"}})
    assert duplicate.status == 400
    assert (
        duplicate.body["message"] == "A customer with the same email address already exists in an associated website."
    )
    assert rest.ok("POST", "customers/isEmailAvailable", {"customerEmail": "new.shopper@example.com"}) is False
    assert rest.ok("POST", "customers/isEmailAvailable", {"customerEmail": "free@example.com"}) is True


@pytest.mark.parametrize(
    ("password", "message", "parameters"),
    [
        ("Sh0rt!", "The password needs at least %1 characters. Create a new password and try again.", [8]),
        (
            "alllowercase",
            "Minimum of different classes of characters in password is %1. "
            "Classes of characters: Lower Case, Upper Case, Digits, Special Characters.",
            [3],
        ),
        (" Spaced-pass1", "The password can't begin or end with a space. Verify the password and try again.", []),
    ],
)
def test_password_rules(rest: Rest, password: str, message: str, parameters: list[int]) -> None:
    reply = rest.post(
        "customers", {"customer": {"email": "p@example.com", "firstname": "P", "lastname": "Q"}, "password": password}
    )
    assert reply.status == 400
    assert reply.body == {"message": message, "parameters": parameters}


def test_group_id_without_admin_rights_is_401(rest: Rest) -> None:
    reply = rest.post(
        "customers",
        {
            "customer": {"email": "g@example.com", "firstname": "G", "lastname": "H", "group_id": 2},
            "password": "Str0ng-pass",
        },
    )
    assert reply.status == 401
    assert reply.body["parameters"] == {"resources": "Magento_Customer::manage"}


def test_address_book_is_replaced_by_put_me(rest: Rest) -> None:
    _, token = rest.register(addresses=[US_ADDRESS, {**US_ADDRESS, "city": "Fresno"}])
    me = rest.ok("GET", "customers/me", token=token)
    keep, drop = me["addresses"]
    keep_changed = {**keep, "city": "San Diego", "default_shipping": True}
    new = {**US_ADDRESS, "city": "Sacramento"}
    updated = rest.ok("PUT", "customers/me", {"customer": {**me, "addresses": [keep_changed, new]}}, token=token)
    cities = sorted(a["city"] for a in updated["addresses"])
    assert cities == ["Sacramento", "San Diego"]
    assert drop["id"] not in [a["id"] for a in updated["addresses"]]
    assert updated["default_shipping"] == str(keep["id"])
    # Without the `addresses` key the book is left alone.
    renamed = {k: v for k, v in updated.items() if k != "addresses"} | {"firstname": "Renamed"}
    after = rest.ok("PUT", "customers/me", {"customer": renamed}, token=token)
    assert after["firstname"] == "Renamed" and len(after["addresses"]) == 2


def test_customer_cannot_take_over_another_customers_address(rest: Rest) -> None:
    victim = rest.ok("GET", "customers/me", token=rest.login())
    victim_address = victim["addresses"][0]
    me, token = rest.register()
    stolen = {**victim_address, "city": "Hijacked"}
    reply = rest.put("customers/me", {"customer": {**me, "addresses": [stolen]}}, token=token)
    assert reply.status == 404
    assert reply.body["parameters"] == {"fieldName": "addressId", "fieldValue": str(victim_address["id"])}
    again = rest.ok("GET", "customers/me", token=rest.login())
    assert [a["city"] for a in again["addresses"]] == [a["city"] for a in victim["addresses"]]


def test_change_password_revokes_tokens_and_checks_the_current_one(rest: Rest) -> None:
    me, token = rest.register(password="0ld-Password")
    wrong = rest.put("customers/me/password", {"currentPassword": "nope", "newPassword": "N3w-Password"}, token=token)
    assert wrong.status == 401
    assert wrong.body["message"] == "The password doesn't match this account. Verify the password and try again."
    ok = rest.put(
        "customers/me/password", {"currentPassword": "0ld-Password", "newPassword": "N3w-Password"}, token=token
    )
    assert ok.body is True
    assert rest.get("customers/me", token=token).status == 401
    assert rest.login(me["email"], "N3w-Password")


def test_password_reset_through_the_outbox(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    me, token = rest.register(password="0ld-Password")
    assert (
        rest.ok("PUT", "customers/password", {"email": me["email"], "template": "email_reset", "websiteId": 1}) is True
    )
    mails = httpx.get(f"{clean_sandbox.url}/sandbox/outbox", timeout=10).json()
    mail = [m for m in mails if m["to"] == me["email"]][-1]
    reset_token = mail["reset_token"]
    assert reset_token in mail["reset_url"] and f"id={me['id']}" in mail["reset_url"]
    assert rest.ok("GET", f"customers/{me['id']}/password/resetLinkToken/{reset_token}") is True
    bad = rest.get(f"customers/{me['id']}/password/resetLinkToken/wrong-token")
    assert bad.status == 400 and bad.body["message"] == "The password token is mismatched. Reset and try again."
    body = {"email": me["email"], "resetToken": reset_token, "newPassword": "Br4nd-new-pass"}
    assert rest.ok("POST", "customers/resetPassword", body) is True
    assert rest.get("customers/me", token=token).status == 401  # the reset revoked old sessions
    assert rest.login(me["email"], "Br4nd-new-pass")
    reused = rest.post("customers/resetPassword", {**body, "newPassword": "An0ther-pass"})
    assert reused.status == 400  # one link, one reset


def test_password_reset_for_unknown_email_is_no_such_entity(rest: Rest) -> None:
    reply = rest.put("customers/password", {"email": "nobody@example.com", "template": "email_reset", "websiteId": 1})
    assert reply.status == 404
    assert reply.body["parameters"]["fieldName"] == "email"
    bad_template = rest.put("customers/password", {"email": DEMO_EMAIL, "template": "spam"})
    assert bad_template.status == 400 and bad_template.body["parameters"]["value"] == "spam"


def test_directory(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    countries = rest.ok("GET", "directory/countries")
    by_id = {c["id"]: c for c in countries}
    assert {"US", "DE", "GB", "FR", "NL", "CA"} <= set(by_id)
    assert {"id": "12", "code": "CA", "name": "California"} in by_id["US"]["available_regions"]
    assert "available_regions" not in by_id["GB"]
    german = Rest(clean_sandbox, "de").ok("GET", "directory/countries/DE")
    assert german["full_name_locale"] == "Deutschland" and german["full_name_english"] == "Germany"
    assert rest.get("directory/countries/XX").status == 404
    currency = Rest(clean_sandbox, "de").ok("GET", "directory/currency")
    assert currency["base_currency_code"] == "USD" and currency["default_display_currency_code"] == "EUR"


def test_store_configs_is_admin_only(rest: Rest) -> None:
    reply = rest.get("store/storeConfigs")
    assert reply.status == 401 and reply.body["parameters"] == {"resources": "Magento_Backend::store"}
    admin = rest.ok("POST", "integration/admin/token", ADMIN)
    assert [s["code"] for s in rest.ok("GET", "store/storeConfigs", token=admin)] == ["default", "de"]


def test_router_errors(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    no_route = {"message": "Request does not match any route.", "parameters": []}
    assert rest.get("no/such/route").body == no_route and rest.get("no/such/route").status == 404
    wrong_method = rest.call("DELETE", "customers/me")
    assert wrong_method.status == 404 and wrong_method.body == no_route
    patch = httpx.patch(rest.base + "customers/me", timeout=10)
    assert patch.status_code == 400 and patch.json()["message"] == "Request method is invalid."
    unknown_store = httpx.get(f"{clean_sandbox.url}/rest/nostore/V1/directory/countries", timeout=10)
    assert unknown_store.status_code == 404
    malformed = httpx.post(
        rest.base + "integration/customer/token",
        content=b'{"username": ',
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert malformed.status_code == 400 and malformed.json()["message"] == "Decoding error."
    wrong_type = rest.post("customers", {"customer": "not an object", "password": "x"})
    assert wrong_type.status == 400
    cart = rest.ok("POST", "guest-carts")
    escaped = rest.delete(f"guest-carts/{cart}/items/abc%2Fdef")  # an escaped slash stays inside the segment
    assert escaped.status == 404 and escaped.body["parameters"][1] == "abc/def"


def test_fields_filter_trims_responses(rest: Rest) -> None:
    token = rest.login()
    trimmed = rest.ok("GET", "customers/me?fields=email,addresses[city,region[region_code]]", token=token)
    assert set(trimmed) == {"email", "addresses"}
    assert trimmed["addresses"][0] == {"city": "Calder", "region": {"region_code": "MI"}}
    assert rest.ok("GET", "customers/me?fields=email,addresses[city", token=token) == []


def test_reset_restores_the_demo_customer_and_drops_test_data(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    token = rest.login()
    rest.ok(
        "PUT", "customers/me/password", {"currentPassword": DEMO_PASSWORD, "newPassword": "Chang3d-pass"}, token=token
    )
    created, _ = rest.register()
    for _ in range(6):
        rest.post("integration/customer/token", {"username": "roni_cost3@example.com", "password": "bad-Pass1"})
    clean_sandbox.reset()
    assert rest.login()  # original password back
    assert rest.login("roni_cost3@example.com")  # lock lifted
    assert rest.ok("POST", "customers/isEmailAvailable", {"customerEmail": created["email"]}) is True


def test_rest_calls_are_counted_per_route_template(rest: Rest, clean_sandbox: SandboxProcess) -> None:
    clean_sandbox.reset_counters()
    cart = rest.ok("POST", "guest-carts")
    rest.ok("GET", f"guest-carts/{cart}")
    counters = clean_sandbox.counters()
    assert counters["rest:POST /V1/guest-carts"] == 1
    assert counters["rest:GET /V1/guest-carts/:cartId"] == 1

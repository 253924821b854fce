"""Security of the account pages: rate limits per IP and per e-mail, cross-site POSTs refused, private
caching, the audit trail, and a scan of the whole account journey for the Magento token (issue 6)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import pytest
from django.test import Client

from accounts.models import AccountEvent
from tests.integration.accounts.conftest import PASSWORD, RONI, browser, magento, outbox, session_token

pytestmark = pytest.mark.django_db
LIMIT = 3
NEW_PASSWORD = "Journey-Pass-77"


@pytest.fixture
def tight_limits(settings) -> None:
    settings.ACCOUNTS_RATE_LIMITS = {
        "login": (LIMIT, 300),
        "register": (LIMIT, 300),
        "forgot_password": (LIMIT, 300),
    }


ENDPOINTS = {
    "login": ("/account/login/", lambda email: {"email": email, "password": "Wrong-pass-1"}),
    "register": (
        "/account/register/",
        lambda email: {
            "firstname": "A",
            "lastname": "B",
            "email": email,
            "password": "Xx-123456",
            "password_confirm": "Xx-123456",
        },
    ),
    "forgot_password": ("/account/forgot-password/", lambda email: {"email": email}),
}


@pytest.mark.parametrize("scope", list(ENDPOINTS))
def test_rate_limited_per_client_ip(shop, tight_limits, scope: str) -> None:
    path, data = ENDPOINTS[scope]
    client = browser("192.0.2.10")
    for n in range(LIMIT):
        assert client.post(path, data(f"ip{n}@example.com")).status_code != 429
    refused = client.post(path, data("another@example.com"))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 300
    assert "Too many attempts" in refused.content.decode()
    assert browser("192.0.2.11").post(path, data("fresh@example.com")).status_code != 429, "other IPs are not affected"


@pytest.mark.parametrize("scope", list(ENDPOINTS))
def test_rate_limited_per_email_across_ips(shop, tight_limits, scope: str) -> None:
    path, data = ENDPOINTS[scope]
    for n in range(LIMIT):
        assert browser(f"198.51.100.{n}").post(path, data("target@example.com")).status_code != 429
    refused = browser("198.51.100.99").post(path, data("Target@Example.com"))
    assert refused.status_code == 429 and refused.has_header("Retry-After")


def test_a_rate_limited_login_does_not_reach_magento(shop, tight_limits) -> None:
    client = browser()
    for _ in range(LIMIT):
        client.post("/account/login/", {"email": RONI, "password": "Wrong-pass-1"})
    shop.reset_counters()
    assert client.post("/account/login/", {"email": RONI, "password": PASSWORD}).status_code == 429
    assert "rest:POST /V1/integration/customer/token" not in shop.counters()


STATE_CHANGING = [
    "/account/login/",
    "/account/logout/",
    "/account/register/",
    "/account/profile/",
    "/account/password/",
    "/account/forgot-password/",
    "/account/addresses/new/",
    "/account/addresses/1/edit/",
    "/account/addresses/1/delete/",
    "/customer/account/createPassword/",
]


@pytest.mark.parametrize("path", STATE_CHANGING)
def test_a_cross_site_post_is_refused(shop, path: str) -> None:
    signed_in = browser()
    signed_in.post("/account/login/", {"email": RONI, "password": PASSWORD})
    attacker = Client(enforce_csrf_checks=True, headers={"Sec-Fetch-Site": "cross-site"})
    attacker.cookies = signed_in.cookies
    assert attacker.post(path, {"email": RONI, "password": PASSWORD}).status_code == 403
    no_headers = Client(enforce_csrf_checks=True)
    no_headers.cookies = signed_in.cookies
    assert no_headers.post(path, {"email": RONI}).status_code == 403, "no origin and no token: refused"
    assert session_token(signed_in), "still signed in: the forged logout did nothing"


def test_old_browsers_post_with_the_forms_csrf_token(shop) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/account/login/").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post("/account/login/", {"email": RONI, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_magento_down_shows_the_503_page_on_account_pages(shop) -> None:
    client = browser()
    client.post("/account/login/", {"email": RONI, "password": PASSWORD})
    shop.fault(path="graphql", status=503)
    try:
        response = client.get("/account/")
    finally:
        shop.clear_faults()
    assert response.status_code == 503 and response.has_header("Retry-After")
    assert session_token(client), "an outage does not sign anyone out"


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_the_token_never_leaves_the_server_across_the_whole_account_journey(shop) -> None:
    """Every response body, header and cookie, and every log line (DEBUG and up, every logger), of a journey
    through every account page, with every token the shopper held: zero hits."""
    capture = _Capture()
    capture.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s %(args)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    responses = []
    tokens: set[str] = set()
    client = browser()

    def visit(method: str, path: str, data: dict | None = None):
        response = client.post(path, data or {}) if method == "POST" else client.get(path)
        responses.append((method, path, response))
        if token := session_token(client):
            tokens.add(token)
        return response

    try:
        visit("GET", "/account/register/")
        visit(
            "POST",
            "/account/register/",
            {
                "firstname": "Tess",
                "lastname": "Tokenova",
                "email": "tess@example.com",
                "password": "Tess-Pass-123",
                "password_confirm": "Tess-Pass-123",
            },
        )
        visit("POST", "/account/logout/")
        visit("GET", "/account/login/")
        visit("POST", "/account/login/", {"email": RONI, "password": PASSWORD})
        for path in (
            "/account/",
            "/account/profile/",
            "/account/password/",
            "/account/addresses/",
            "/account/addresses/new/",
            "/account/orders/",
            "/_fragment/header",
            "/account/logout/",
        ):
            visit("GET", path)
        me = magento(shop, "GET", "/V1/customers/me", token=session_token(client))[1]
        visit("GET", f"/account/addresses/{me['addresses'][0]['id']}/edit/")
        visit(
            "POST",
            "/account/addresses/new/",
            {
                "firstname": "V",
                "lastname": "C",
                "telephone": "1",
                "street1": "1 A St",
                "city": "Austin",
                "country": "US",
                "region_id": "57",
                "postcode": "78701",
            },
        )
        visit("POST", "/account/profile/", {"firstname": "Veronica", "lastname": "Costello", "email": RONI})
        visit(
            "POST",
            "/account/password/",
            {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        )
        visit("GET", "/account/orders/")
        order_link = next(
            p for p in visit("GET", "/account/").content.decode().split('"') if p.startswith("/account/orders/0")
        )
        visit("GET", order_link)
        visit("POST", "/account/logout/")
        visit("POST", "/account/forgot-password/", {"email": RONI})
        mail = outbox(shop)[-1]
        reset_token = mail["reset_token"]
        parts = urlsplit(mail["reset_url"])
        visit("GET", f"{parts.path}?{parts.query}")
        visit("GET", parts.path)
        visit("POST", parts.path, {"email": RONI, "password": PASSWORD, "password_confirm": PASSWORD})
        visit("POST", "/account/login/", {"email": RONI, "password": PASSWORD})
        # A dead token too: revoke it at Magento, then visit a page (the 401 path).
        magento(shop, "POST", "/V1/integration/customer/revoke-customer-token", token=session_token(client))
        visit("GET", "/account/addresses/")
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)

    assert len(tokens) >= 4, "register, login, re-login after the password change, login after reset"
    assert len(responses) > 25 and capture.lines
    for method, path, response in responses:
        if path != "/_fragment/header":
            assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], (method, path)
        haystacks = [response.content.decode(errors="replace")]
        haystacks += [f"{k}: {v}" for k, v in response.headers.items()]
        haystacks += [morsel.OutputString() for morsel in response.cookies.values()]
        for token in tokens:
            assert not any(token in text for text in haystacks), (method, path)
    for token in tokens:
        assert not any(token in line for line in capture.lines)
        for password in (PASSWORD, NEW_PASSWORD, "Tess-Pass-123"):
            assert not any(password in line for line in capture.lines)
    # The password-reset token is a secret too: it left the URL at once and was never logged or echoed.
    assert not any(reset_token in line for line in capture.lines)
    assert not any(reset_token in r.content.decode(errors="replace") for _m, _p, r in responses)
    audit_lines = [line for line in capture.lines if line.startswith("accounts.audit")]
    assert audit_lines and not any(RONI in line for line in audit_lines), "log lines carry a hash, not the e-mail"
    rows = [str(row) for row in AccountEvent.objects.values()]
    assert not any(t in row for row in rows for t in tokens | {PASSWORD, NEW_PASSWORD})


def test_the_audit_trail_records_logins_failures_logouts_and_password_changes(shop) -> None:
    client = browser("203.0.113.5")
    client.post("/account/login/", {"email": RONI, "password": "Wrong-pass-1"})
    client.post("/account/login/", {"email": RONI, "password": PASSWORD})
    client.post(
        "/account/password/", {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    client.post("/account/logout/")
    events = list(AccountEvent.objects.order_by("id").values_list("event", "email", "ip"))
    assert events == [
        (AccountEvent.LOGIN_FAILURE, RONI, "203.0.113.5"),
        (AccountEvent.LOGIN_SUCCESS, RONI, "203.0.113.5"),
        (AccountEvent.PASSWORD_CHANGE, RONI, "203.0.113.5"),
        (AccountEvent.LOGIN_SUCCESS, RONI, "203.0.113.5"),
        (AccountEvent.LOGOUT, RONI, "203.0.113.5"),
    ]

"""Cross-site POSTs are refused; same-site POSTs from cached pages (no token) work; the header fragment is private."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(settings) -> Client:
    settings.ROOT_URLCONF = "tests.unit.csrf_urls"
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_same_origin_post_without_token_is_accepted(browser: Client, site: str) -> None:
    response = browser.post("/change", headers={"Sec-Fetch-Site": site})
    assert response.status_code == 200


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_cross_origin_post_is_refused(browser: Client, site: str) -> None:
    response = browser.post("/change", headers={"Sec-Fetch-Site": site, "Origin": "http://testserver"})
    assert response.status_code == 403


def test_matching_origin_without_fetch_metadata_is_accepted(browser: Client) -> None:
    assert browser.post("/change", headers={"Origin": "http://testserver"}).status_code == 200


def test_foreign_origin_is_refused(browser: Client) -> None:
    assert browser.post("/change", headers={"Origin": "https://evil.example"}).status_code == 403


def test_trusted_origin_is_accepted(browser: Client, settings) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://shop.example.com"]
    assert browser.post("/change", headers={"Origin": "https://shop.example.com"}).status_code == 200


def test_no_headers_and_no_token_is_refused(browser: Client) -> None:
    assert browser.post("/change").status_code == 403


def test_no_headers_falls_back_to_the_django_token(browser: Client) -> None:
    token = browser.get("/form").content.decode()
    assert browser.post("/change", {"csrfmiddlewaretoken": token}).status_code == 200


def test_header_fragment_for_a_stranger(browser: Client) -> None:
    response = browser.get("/_fragment/header")
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert "Sign in" in html and "Hello" not in html


def test_header_fragment_for_a_signed_in_shopper(browser: Client) -> None:
    browser.get("/sign-in-as/Ana")
    html = browser.get("/_fragment/header").content.decode()
    assert "Hello, Ana" in html
    assert ">3<" in html and "$42.00" in html
    assert "Hello, Ana" not in Client().get("/_fragment/header").content.decode()


def test_header_fragment_escapes_names(browser: Client) -> None:
    browser.get("/sign-in-as/<img src=x onerror=alert(1)>")
    html = browser.get("/_fragment/header").content.decode()
    assert "<img" not in html and "&lt;img" in html

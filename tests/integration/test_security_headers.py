"""The security headers of DESIGN.md §6 on every kind of response, from a storefront run as in production.

The storefront is a real gunicorn process with ``DJANGO_ENV=production`` behind a (simulated) TLS proxy that
sends ``X-Forwarded-Proto: https``; pages come from the session's sandbox. Checked on a cached page (MISS
then HIT), a private page, the 404 page and the 503 page (Magento down), plus the proxy contract: plain
HTTP is redirected to https, except the load balancer's probes.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import httpx
import pytest

from tests.support.sandbox import SandboxProcess
from tests.support.storefront import StorefrontProcess, start_storefront

HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def production_shop(sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorefrontProcess]:
    proc = start_storefront(
        tmp_path_factory.mktemp("headers-shop"),
        magento_url=sandbox.url,
        extra_env={
            "DJANGO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1",
            "REVALIDATE_SECRET": secrets.token_hex(32),
        },
    )
    try:
        yield proc
    finally:
        proc.stop()


def get(shop: StorefrontProcess, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.get(f"{shop.url}{path}", headers=headers if headers is not None else HTTPS, timeout=30)


def assert_security_headers(response: httpx.Response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives.get("script-src") == ["'self'"], csp  # no 'unsafe-inline', no 'unsafe-eval', no nonce
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives.get("frame-ancestors") == ["'none'"], csp
    assert directives.get("object-src") == ["'none'"], csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"
    hsts = response.headers.get("Strict-Transport-Security", "")
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts, hsts


def test_cached_page_carries_the_headers_on_miss_and_hit(production_shop: StorefrontProcess) -> None:
    first = get(production_shop, "/")
    second = get(production_shop, "/")
    assert first.status_code == second.status_code == 200
    assert second.headers["X-Cache"] in {"HIT", "STALE"}  # answered from the page cache, before any view
    for response in (first, second):
        assert_security_headers(response)
        assert "set-cookie" not in response.headers


def test_private_page_carries_the_headers_and_secure_cookies(production_shop: StorefrontProcess) -> None:
    response = get(production_shop, "/account/login/")
    assert response.status_code == 200
    assert_security_headers(response)
    cookies = response.headers.get_list("set-cookie")
    assert cookies, "the sign-in form sets its CSRF cookie"
    for cookie in cookies:
        assert "; Secure" in cookie and "HttpOnly" in cookie, cookie


def test_not_found_page_carries_the_headers(production_shop: StorefrontProcess) -> None:
    response = get(production_shop, "/no-such-page-for-headers.html")
    assert response.status_code == 404
    assert_security_headers(response)


def test_unavailable_page_carries_the_headers(production_shop: StorefrontProcess, sandbox: SandboxProcess) -> None:
    sandbox.fault(path="^/graphql", status=503)
    try:
        response = get(production_shop, "/search?q=headers-when-magento-is-down")
    finally:
        sandbox.clear_faults()
    assert response.status_code == 503
    assert_security_headers(response)


def test_plain_http_is_redirected_but_probes_are_not(production_shop: StorefrontProcess) -> None:
    redirected = get(production_shop, "/cart/", headers={})
    assert redirected.status_code == 301
    assert redirected.headers["Location"] == f"https://127.0.0.1:{production_shop.port}/cart/"
    assert get(production_shop, "/healthz", headers={}).status_code == 200


def test_server_timing_even_on_static_files_and_https_redirects(production_shop: StorefrontProcess) -> None:
    page = get(production_shop, "/")
    script = re.search(r'src="(/static/[^"]+[.]js)"', page.text)
    assert script, "the home page loads a script from /static/"
    static = get(production_shop, script.group(1))
    redirected = get(production_shop, "/cart/", headers={})
    assert (static.status_code, redirected.status_code) == (200, 301)
    for response in (page, static, redirected):
        assert re.search(r"app;dur=[0-9.]+|cache;desc=", response.headers.get("Server-Timing", "")), response.headers

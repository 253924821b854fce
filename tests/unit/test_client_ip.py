"""The client address behind nginx and Varnish: rate limits must count shoppers, not the proxy in front."""

from __future__ import annotations

from django.test import RequestFactory

from storefront.ratelimit import client_ip

PROXY = "10.0.0.5"  # what gunicorn sees as REMOTE_ADDR behind Varnish


def behind_proxies(xff: str):  # type: ignore[no-untyped-def]
    return RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=xff)


def test_without_hops_the_peer_address_counts(settings) -> None:
    settings.FORWARDED_FOR_HOPS = 0
    assert client_ip(behind_proxies("198.51.100.7, 10.0.0.4")) == PROXY


def test_nginx_and_varnish_the_shopper_is_two_from_the_right(settings) -> None:
    settings.FORWARDED_FOR_HOPS = 2
    # nginx appended the shopper, Varnish appended nginx.
    assert client_ip(behind_proxies("198.51.100.7, 10.0.0.4")) == "198.51.100.7"
    assert client_ip(behind_proxies("198.51.100.8, 10.0.0.4")) == "198.51.100.8"


def test_what_the_client_sends_itself_is_never_trusted(settings) -> None:
    settings.FORWARDED_FOR_HOPS = 2
    assert client_ip(behind_proxies("1.2.3.4, 198.51.100.7, 10.0.0.4")) == "198.51.100.7"


def test_a_request_that_skipped_a_proxy_counts_its_first_hop(settings) -> None:
    settings.FORWARDED_FOR_HOPS = 2
    assert client_ip(behind_proxies("10.0.0.4")) == "10.0.0.4"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR=PROXY)) == PROXY

"""Prometheus metrics: bounded labels (never a raw path, id, SKU or e-mail), who may read /metrics, and the
counts a request leaves behind — through the real middleware stack, in one process (the plain registry).

The several-workers case (multiprocess mode under gunicorn) is tests/integration/test_metrics_gunicorn.py.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import resolve
from prometheus_client import REGISTRY

from storefront import metrics
from storefront.logs import JsonFormatter
from storefront.pagecache import cache as page_cache
from storefront.pagecache.entry import clock
from storefront.pagecache.store import get_store, reset_store
from tests.unit.pagecache.views import Behaviour

pytestmark = pytest.mark.django_db


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


# --- label normalisation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "label"),
    [
        ("ProductPage", "ProductPage"),
        ("/V1/guest-carts/:cartId/items/:itemId", "/V1/guest-carts/:cartId/items/:itemId"),
        ("/V1/customers/resetPassword", "/V1/customers/resetPassword"),
        # A filled path (a caller that skipped the template) still yields no id, SKU, e-mail or token.
        ("/V1/guest-carts/masked0cart0id0masked00/items/17", "/V1/guest-carts/:id/items/:id"),
        ("/V1/products/MH01-XS-Black", "/V1/products/:id"),
        ("/V1/products/24-MB01", "/V1/products/:id"),
        ("/V1/customers/isEmailAvailable/ana@example.com", "/V1/customers/isEmailAvailable/:id"),
        ("/V1/orders/000000123?fields=items", "/V1/orders/:id"),
        ("/V1/products/shirt%20blue", "/V1/products/:id"),
        ("query { products { items { sku } } }", "other"),
        ("", "other"),
    ],
)
def test_operation_labels_carry_no_ids(operation: str, label: str) -> None:
    assert metrics.operation_label(operation) == label


def test_operation_labels_are_capped(monkeypatch) -> None:
    monkeypatch.setattr(metrics, "_known_operations", set())
    monkeypatch.setattr(metrics, "MAX_OPERATIONS", 3)
    labels = [metrics.operation_label(f"Operation{chr(65 + i)}") for i in range(5)]
    assert labels == ["OperationA", "OperationB", "OperationC", "other", "other"]
    assert metrics.operation_label("OperationB") == "OperationB", "known labels keep their name"


def test_route_labels_are_pattern_names_never_paths() -> None:
    assert metrics.route_label(resolve("/")) == "home"
    assert metrics.route_label(resolve("/de/")) == "home"
    assert metrics.route_label(resolve("/gear/bags/joust-duffle-bag-4711.html")) == "magento-page"
    assert metrics.route_label(resolve("/account/orders/000000123/")) == "account-order"
    assert metrics.route_label(None) == "unmatched"


def test_upstream_status_and_cache_labels_are_bounded() -> None:
    assert metrics.upstream_status(200, None) == "200"
    assert metrics.upstream_status(0, "timeout") == "timeout"
    assert metrics.upstream_status(0, "circuit_open") == "circuit_open"
    assert metrics.upstream_status(0, "something a bug made up") == "error"
    assert metrics.upstream_status(999, None) == "other"
    assert [metrics.cache_label(s) for s in ("HIT", "ERROR", None, "hit", "X")] == ["HIT", "ERROR", "none"] + [
        "none"
    ] * 2
    assert [metrics.status_class(s) for s in (200, 304, 404, 503, 0)] == ["2xx", "3xx", "4xx", "5xx", "other"]


# --- who may scrape -------------------------------------------------------------------------------------

LOCAL = ["127.0.0.1", "::1"]


@pytest.mark.parametrize(
    ("meta", "allowed_ips", "token", "allowed"),
    [
        ({"REMOTE_ADDR": "127.0.0.1"}, LOCAL, "", True),
        ({"REMOTE_ADDR": "::1"}, LOCAL, "", True),
        ({"REMOTE_ADDR": "::ffff:127.0.0.1"}, LOCAL, "", True),
        ({"REMOTE_ADDR": "203.0.113.9"}, LOCAL, "", False),
        ({"REMOTE_ADDR": "10.1.2.3"}, ["10.0.0.0/8"], "", True),
        ({"REMOTE_ADDR": "garbage"}, LOCAL, "", False),
        ({"REMOTE_ADDR": "10.1.2.3"}, ["not-an-address"], "", False),
        # Through a proxy on the same host: the peer is local, the client is not.
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, LOCAL, "", False),
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_FORWARDED": "for=203.0.113.9"}, LOCAL, "", False),
        ({"REMOTE_ADDR": "203.0.113.9", "HTTP_AUTHORIZATION": "Bearer s3cret-token"}, LOCAL, "s3cret-token", True),
        ({"REMOTE_ADDR": "203.0.113.9", "HTTP_AUTHORIZATION": "bearer s3cret-token"}, LOCAL, "s3cret-token", True),
        ({"REMOTE_ADDR": "203.0.113.9", "HTTP_AUTHORIZATION": "Bearer wrong"}, LOCAL, "s3cret-token", False),
        ({"REMOTE_ADDR": "203.0.113.9", "HTTP_AUTHORIZATION": "Bearer "}, LOCAL, "", False),
        ({"REMOTE_ADDR": "127.0.0.1"}, ["none"], "s3cret-token", False),
    ],
)
def test_scrape_allowed(meta: dict[str, str], allowed_ips: list[str], token: str, allowed: bool) -> None:
    assert metrics.scrape_allowed(meta, allowed_ips, token) is allowed


# --- through the middleware -----------------------------------------------------------------------------


@pytest.fixture
def site(settings) -> Iterator[None]:
    settings.ROOT_URLCONF = "tests.unit.metrics_urls"
    settings.PAGECACHE_WINDOWS = {"product": ["300", "3600", "86400"]}
    settings.PAGECACHE_WAIT_POLL = 0.01
    settings.REDIS_URL = ""
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", "::1"]
    settings.METRICS_TOKEN = ""
    page_cache._resolve.cache_clear()  # remembered per path: the urlconf changed
    reset_store()
    get_store().clear()
    Behaviour.reset()
    clock.offset = 0.0
    try:
        yield
    finally:
        page_cache.refresher.wait_idle()
        get_store().clear()
        reset_store()
        clock.offset = 0.0
        page_cache._resolve.cache_clear()


def test_miss_then_hits_are_counted_by_route_and_state(site, client: Client) -> None:
    before_hit = value("storefront_pagecache_total", state="HIT")
    before_miss = value("storefront_pagecache_total", state="MISS")
    before_route = value("storefront_request_duration_seconds_count", route="product", cache="HIT", status="2xx")
    states = [client.get("/p/metric-shirt/")["X-Cache"] for _ in range(4)]
    assert states == ["MISS", "HIT", "HIT", "HIT"]
    assert value("storefront_pagecache_total", state="HIT") - before_hit == 3
    assert value("storefront_pagecache_total", state="MISS") - before_miss == 1
    assert value("storefront_request_duration_seconds_count", route="product", cache="HIT", status="2xx") == (
        before_route + 3
    )
    exposition = metrics.generate_latest().decode()
    assert "metric-shirt" not in exposition, "a path never becomes a label"


def test_a_failed_render_without_a_stale_copy_is_an_error(site, client: Client, caplog) -> None:
    Behaviour.fail = True
    before = value("storefront_pagecache_total", state="ERROR")
    with caplog.at_level(logging.INFO, logger="storefront.access"):
        response = client.get("/p/metric-error/")
    assert response.status_code == 503
    assert response["Server-Timing"].startswith("app;dur=") and "Retry-After" in response
    assert value("storefront_pagecache_total", state="ERROR") - before == 1
    line = json.loads(JsonFormatter().format(next(r for r in caplog.records if r.name == "storefront.access")))
    assert (line["cache"], line["status"], line["route"]) == ("ERROR", 503, "product")
    assert line["upstream"] == [{"op": "ProductPage", "status": 200, "ms": 12.5}]


def test_stale_if_error_is_a_stale_page_for_caches_and_an_error_for_operators(site, client: Client) -> None:
    client.get("/p/metric-sie/")
    clock.offset = 400
    Behaviour.fail = True
    failed_refreshes = value("storefront_pagecache_refreshes_total", result="failed")
    assert client.get("/p/metric-sie/")["X-Cache"] == "STALE"  # schedules the background refresh
    assert page_cache.refresher.wait_idle()
    assert value("storefront_pagecache_refreshes_total", result="failed") - failed_refreshes == 1
    before = value("storefront_pagecache_total", state="ERROR")
    clock.offset = 400 + 3600 + 1  # beyond stale-while-revalidate, within stale-if-error: render now
    response = client.get("/p/metric-sie/")
    assert response.status_code == 200 and response["X-Cache"] == "STALE"
    assert 'cache;desc="ERROR"' in response["Server-Timing"]
    assert value("storefront_pagecache_total", state="ERROR") - before == 1


def test_single_flight_waits_are_counted(site) -> None:
    Behaviour.delay = 0.3
    waits = value("storefront_pagecache_singleflight_waits_total", outcome="served")
    waited = value("storefront_pagecache_singleflight_wait_seconds_count")
    hits = value("storefront_pagecache_total", state="HIT")
    threads = [threading.Thread(target=lambda: Client().get("/p/metric-herd/")) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Behaviour.renders == 1
    new_waits = value("storefront_pagecache_singleflight_waits_total", outcome="served") - waits
    assert new_waits >= 1
    assert value("storefront_pagecache_singleflight_wait_seconds_count") - waited == new_waits
    # Every request but the rendering one was answered from the cache, waiting or not.
    assert value("storefront_pagecache_total", state="HIT") - hits == 7


@pytest.mark.parametrize(("url", "status"), [("/nowhere/", 404), ("/boom/", 500), ("/limited/", 429)])
def test_server_timing_and_metrics_on_error_responses(site, url: str, status: int) -> None:
    client = Client(raise_request_exception=False)
    route = {"/nowhere/": "unmatched", "/boom/": "boom", "/limited/": "limited"}[url]
    before = value("storefront_request_duration_seconds_count", route=route, cache="none", status=f"{status // 100}xx")
    response = client.get(url)
    assert response.status_code == status
    assert response["Server-Timing"].startswith("app;dur=")
    assert response["X-Request-ID"]
    after = value("storefront_request_duration_seconds_count", route=route, cache="none", status=f"{status // 100}xx")
    assert after - before == 1


def test_hits_carry_server_timing(site, client: Client) -> None:
    client.get("/p/metric-timing/")
    hit = client.get("/p/metric-timing/")
    assert hit["X-Cache"] == "HIT"
    assert hit["Server-Timing"].startswith('cache;desc="HIT", render;dur=')


# --- /metrics itself ------------------------------------------------------------------------------------


def test_metrics_endpoint_answers_local_peers_only(site, client: Client, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="storefront.access"):
        allowed = client.get("/metrics")
        outsider = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
        proxied = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert allowed.status_code == 200
    assert allowed["Content-Type"].startswith("text/plain")
    assert allowed["Cache-Control"] == "no-store"
    body = allowed.content.decode()
    for name in (
        "storefront_request_duration_seconds",
        "storefront_upstream_duration_seconds",
        "storefront_pagecache_total",
        "storefront_magento_circuit_state",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in body
    assert outsider.status_code == 404 and b"storefront_" not in outsider.content
    assert proxied.status_code == 404
    logged = [r.status for r in caplog.records if r.name == "storefront.access"]  # type: ignore[attr-defined]
    assert logged == [404, 404], "scrapes are not logged; refused attempts are"


def test_metrics_endpoint_with_a_token(site, settings, client: Client) -> None:
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    settings.METRICS_ALLOWED_IPS = ["none"]
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    remote = client.get("/metrics", REMOTE_ADDR="198.51.100.7", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert remote.status_code == 200


def test_metrics_is_not_a_cached_page(site, client: Client) -> None:
    first = client.get("/metrics")
    second = client.get("/metrics")
    assert "X-Cache" not in first and "X-Cache" not in second
    assert first.content != second.content, "each scrape is counted in the next one"

"""Liveness, readiness and the access log (JSON, with request id and upstream calls, never a secret)."""

from __future__ import annotations

import json
import logging

import pytest

from storefront.logs import JsonFormatter, RequestScrubber

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_magento(client, shop) -> None:
    shop.fault(path="^/graphql", status=503)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"ok": True}


def test_readyz_reports_magento(client, shop) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"ok": True, "redis": "not configured", "magento": "ok", "circuit": "closed"}
    shop.fault(path="^/graphql", status=503)
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.json()["ok"] is False and down.json()["magento"].startswith("down")


def test_readyz_reports_a_dead_redis(client, shop, settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["redis"].startswith("down")


def test_access_log_line_has_what_an_operator_needs(client, shop, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="storefront.access"):
        client.get("/?utm_source=mail&q=secret-search", HTTP_X_REQUEST_ID="req-abcdef123456")
        client.get("/?q=secret-search")  # a HIT: not logged by default
    lines = [r for r in caplog.records if r.name == "storefront.access"]
    assert len(lines) == 1
    line = json.loads(JsonFormatter().format(lines[0]))
    assert line["request_id"] == "req-abcdef123456"
    assert line["status"] == 200 and line["cache"] == "MISS" and line["path"] == "/"
    assert line["route"] == "home" and line["method"] == "GET" and line["ms"] > 0
    assert line["upstream"] and all(u["status"] == 200 and u["ms"] > 0 for u in line["upstream"])
    assert "secret-search" not in json.dumps(line)


def test_djangos_own_error_lines_carry_the_request_id_not_the_url_with_its_query(client, shop, caplog) -> None:
    """django.request logs every 4xx/5xx with the request attached; printed, that is the full URL."""
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(
            "/no-such-page.html?token=SECRET-RESET-TOKEN&q=secret-search", HTTP_X_REQUEST_ID="req-404404404"
        )
    assert response.status_code == 404
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records, "Django logs the 404"
    configured = [f for h in logging.getLogger().handlers for f in h.filters]
    assert any(isinstance(f, RequestScrubber) for f in configured), "the console handler scrubs (settings.LOGGING)"
    assert all(RequestScrubber().filter(r) for r in records)
    written = [JsonFormatter().format(r) for r in records]
    assert not any("SECRET" in w or "secret-search" in w for w in written), written
    line = json.loads(written[0])
    assert line["request_id"] == "req-404404404" and "/no-such-page.html" in line["msg"]

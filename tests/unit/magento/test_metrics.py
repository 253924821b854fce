"""What the Magento client and its breaker report to Prometheus: upstream time by operation name or route
template and status (never a filled path), and the circuit state as it changes."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client import REGISTRY

from storefront.magento.breaker import CircuitBreaker, breaker_for, reset_breakers
from storefront.magento.errors import MagentoUnavailable
from storefront.magento.testing import graphql_response, rest_response
from storefront.metrics import generate_latest
from tests.unit.magento.conftest import PRODUCT_QUERY


def count(operation: str, status: str) -> float:
    labels = {"operation": operation, "status": status}
    return REGISTRY.get_sample_value("storefront_upstream_duration_seconds_count", labels) or 0.0


def test_upstream_calls_are_measured_by_operation_and_status(make_client) -> None:
    graphql_before = count("ProductPage", "200")
    rest_before = count("/V1/guest-carts/:cartId/items", "200")
    client, _, _ = make_client(graphql_response({"products": {"items": []}}), rest_response([]))
    client.graphql(PRODUCT_QUERY, store="default")
    client.rest("GET", "/V1/guest-carts/:cartId/items", path_params={"cartId": "masked-cart-4711"}, store="default")
    assert count("ProductPage", "200") - graphql_before == 1
    assert count("/V1/guest-carts/:cartId/items", "200") - rest_before == 1
    assert "masked-cart-4711" not in generate_latest().decode()


def test_every_attempt_and_refusal_is_measured(make_client) -> None:
    failed = count("ProductPage", "connect")
    refused = count("ProductPage", "circuit_open")
    client, _, _ = make_client(httpx.ConnectError("refused"), get_retries=1, breaker_threshold=2)
    with pytest.raises(MagentoUnavailable):
        client.graphql(PRODUCT_QUERY, store="default")  # an attempt and its retry: the circuit opens
    with pytest.raises(MagentoUnavailable):
        client.graphql(PRODUCT_QUERY, store="default")
    assert count("ProductPage", "connect") - failed == 2
    assert count("ProductPage", "circuit_open") - refused == 1


def test_breaker_reports_each_change_once() -> None:
    now = [1000.0]
    seen: list[str] = []
    breaker = CircuitBreaker(threshold=2, reset_after=10, clock=lambda: now[0], on_change=seen.append)
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()  # opens
    breaker.record_failure()  # still open: not reported again
    assert not breaker.allow()
    now[0] += 10
    assert breaker.allow()  # the half-open trial
    breaker.record_failure()  # the trial failed: open again
    now[0] += 10
    assert breaker.allow()
    breaker.record_success()
    assert seen == ["open", "half_open", "open", "half_open", "closed"]


def test_the_process_breaker_drives_the_circuit_gauge() -> None:
    reset_breakers()
    try:
        breaker = breaker_for("http://magento.test", threshold=1, reset_after=60)
        assert REGISTRY.get_sample_value("storefront_magento_circuit_state") == 0
        breaker.record_failure()
        assert REGISTRY.get_sample_value("storefront_magento_circuit_state") == 2
        breaker.record_success()
        assert REGISTRY.get_sample_value("storefront_magento_circuit_state") == 0
        breaker.record_failure()
    finally:
        reset_breakers()
    assert REGISTRY.get_sample_value("storefront_magento_circuit_state") == 0, "forgotten breakers reset it"

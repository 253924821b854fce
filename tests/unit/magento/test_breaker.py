"""Circuit breaker: opens on "Magento is down" failures only, fails fast, half-open trial, closes."""

from __future__ import annotations

import threading

import httpx
import pytest

from storefront.magento.breaker import CircuitBreaker, breaker_for, reset_breakers
from storefront.magento.errors import MagentoError, MagentoInputError, MagentoUnavailable
from storefront.magento.testing import graphql_error, html_response, rest_error, rest_response
from tests.unit.magento.conftest import ADD_TO_CART


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_threshold_consecutive_failures():
    clock = FakeClock()
    breaker = CircuitBreaker(threshold=3, reset_after=10, clock=clock)
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()  # not consecutive any more
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == "closed" and breaker.allow()
    breaker.record_failure()
    assert breaker.state == "open"
    assert not breaker.allow()


def test_half_open_lets_exactly_one_trial_through_then_closes_on_success():
    clock = FakeClock()
    breaker = CircuitBreaker(threshold=1, reset_after=10, clock=clock)
    breaker.record_failure()
    clock.now += 9.9
    assert breaker.state == "open" and not breaker.allow()
    clock.now += 0.1
    assert breaker.state == "half_open"
    assert breaker.allow() is True
    assert breaker.allow() is False  # the trial is running
    breaker.record_success()
    assert breaker.state == "closed"
    assert breaker.allow() and breaker.allow()


def test_failed_trial_reopens_for_another_period():
    clock = FakeClock()
    breaker = CircuitBreaker(threshold=5, reset_after=10, clock=clock)
    for _ in range(5):
        breaker.record_failure()
    clock.now += 10
    assert breaker.allow()
    breaker.record_failure()  # a single failed trial re-opens, whatever the threshold
    assert breaker.state == "open"
    clock.now += 9
    assert not breaker.allow()
    clock.now += 1
    assert breaker.allow()


def test_a_trial_that_never_reports_expires():
    clock = FakeClock()
    breaker = CircuitBreaker(threshold=1, reset_after=10, clock=clock)
    breaker.record_failure()
    clock.now += 10
    assert breaker.allow()
    clock.now += 5
    assert not breaker.allow()
    clock.now += 5
    assert breaker.allow()


def test_only_one_thread_gets_the_trial():
    clock = FakeClock()
    breaker = CircuitBreaker(threshold=1, reset_after=10, clock=clock)
    breaker.record_failure()
    clock.now += 10
    results: list[bool] = []
    barrier = threading.Barrier(16)

    def contender() -> None:
        barrier.wait()
        results.append(breaker.allow())

    threads = [threading.Thread(target=contender) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1


def test_breaker_for_is_one_per_base_url():
    reset_breakers()
    first = breaker_for("http://a.test", threshold=5, reset_after=15)
    assert breaker_for("http://a.test", threshold=5, reset_after=15) is first
    assert breaker_for("http://b.test", threshold=5, reset_after=15) is not first
    reset_breakers()
    assert breaker_for("http://a.test", threshold=5, reset_after=15) is not first


def test_open_circuit_fails_fast_without_network(make_client):
    clock = FakeClock()
    client, recorder, _ = make_client(
        httpx.ConnectError("refused"), breaker_threshold=2, breaker_reset=15, clock=clock, get_retries=0
    )
    for _ in range(2):
        with pytest.raises(MagentoUnavailable):
            client.rest("POST", "/V1/guest-carts", store="default")
    assert client.breaker.state == "open"

    with pytest.raises(MagentoUnavailable) as caught:
        client.rest("POST", "/V1/guest-carts", store="default")

    assert caught.value.reason == "circuit_open"
    assert len(recorder.requests) == 2  # the third call never reached the transport


def test_half_open_trial_success_closes_the_circuit(make_client):
    clock = FakeClock()
    client, recorder, _ = make_client(
        httpx.ConnectError("refused"), rest_response("cart"), breaker_threshold=1, breaker_reset=15, clock=clock
    )
    with pytest.raises(MagentoUnavailable):
        client.rest("POST", "/V1/guest-carts", store="default")
    clock.now += 15

    assert client.rest("POST", "/V1/guest-carts", store="default") == "cart"

    assert client.breaker.state == "closed"
    assert len(recorder.requests) == 2


def test_a_get_stops_retrying_when_the_circuit_opens(make_client):
    clock = FakeClock()
    client, recorder, _ = make_client(
        httpx.ConnectError("refused"), breaker_threshold=2, breaker_reset=15, clock=clock, get_retries=5
    )
    with pytest.raises(MagentoUnavailable) as caught:
        client.rest("GET", "/V1/directory/countries", store="default")
    assert caught.value.reason == "connect"  # the real cause, not "circuit_open"
    assert len(recorder.requests) == 2


@pytest.mark.parametrize(
    "answer",
    [
        rest_error(404, "No such entity."),
        rest_error(400, "Invalid."),
        rest_error(401, "The consumer isn't authorized to access %resources.", {"resources": "self"}),
        rest_error(429, "Slow down"),
    ],
    ids=["404", "400", "401", "429"],
)
def test_client_errors_do_not_count_as_failures(make_client, answer):
    client, _, _ = make_client(answer, breaker_threshold=2)
    for _ in range(5):
        with pytest.raises(MagentoError) as caught:
            client.rest("POST", "/V1/guest-carts", store="default")
        assert not isinstance(caught.value, MagentoUnavailable)
    assert client.breaker.state == "closed"


def test_graphql_errors_do_not_count_as_failures(make_client):
    client, _, _ = make_client(graphql_error("Bad", "graphql-input"), breaker_threshold=2)
    for _ in range(3):
        with pytest.raises(MagentoInputError):
            client.graphql(ADD_TO_CART, store="default")
    assert client.breaker.state == "closed"


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("slow"), html_response(500), html_response(200, "<html>not json</html>")],
    ids=["timeout", "5xx", "garbage"],
)
def test_down_signals_count_as_failures(make_client, failure):
    client, _, _ = make_client(failure, breaker_threshold=2)
    for _ in range(2):
        with pytest.raises(MagentoUnavailable):
            client.rest("POST", "/V1/guest-carts", store="default")
    assert client.breaker.state == "open"


def test_open_circuit_after_a_maintenance_page_still_says_maintenance_with_its_retry_after(make_client):
    page = "<html><body>Service Temporarily Unavailable: maintenance downtime</body></html>"
    maintenance = httpx.Response(503, text=page, headers={"Content-Type": "text/html", "Retry-After": "120"})
    client, recorder, _ = make_client(maintenance, breaker_threshold=1)
    with pytest.raises(MagentoUnavailable) as first:
        client.rest("POST", "/V1/guest-carts", store="default")
    with pytest.raises(MagentoUnavailable) as fast:
        client.rest("POST", "/V1/guest-carts", store="default")
    assert first.value.maintenance and first.value.retry_after == 120
    assert fast.value.reason == "circuit_open" and len(recorder.requests) == 1
    assert fast.value.maintenance, "shoppers keep seeing the maintenance page while the circuit is open"
    assert fast.value.retry_after == 120


def test_open_circuit_after_an_outage_is_not_called_maintenance(make_client):
    client, _, _ = make_client(httpx.ConnectError("refused"), breaker_threshold=1, get_retries=0)
    for _ in range(2):
        with pytest.raises(MagentoUnavailable) as caught:
            client.rest("GET", "/V1/directory/countries", store="default")
    assert caught.value.reason == "circuit_open" and not caught.value.maintenance

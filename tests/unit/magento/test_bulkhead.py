"""The bulkhead: at most ``max_in_flight`` Magento calls per process; when no call finishes for the slot wait
(Magento hangs) the rest fail fast as "busy", while calls keep finishing they wait their turn.

"busy" is our own limit, not Magento failing: it must not open the breaker, must not be retried, and must not
send anything over the network.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from storefront.magento.errors import MagentoUnavailable
from storefront.magento.testing import graphql_response, mock_client
from tests.unit.magento.conftest import PRODUCT_QUERY

PRODUCTS = graphql_response({"products": {"items": []}})


class Holding:
    """Answers every request only once ``release`` is set; counts what it saw."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Semaphore(0)
        self.seen = 0
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.seen += 1
        self.entered.release()
        self.release.wait(5)
        return httpx.Response(PRODUCTS.status_code, headers=PRODUCTS.headers, content=PRODUCTS.content)


def test_calls_beyond_the_limit_fail_fast_as_busy_without_touching_the_breaker(calls) -> None:
    handler = Holding()
    sleeps: list[float] = []
    client = mock_client(handler, max_in_flight=2, in_flight_wait=0.01, breaker_threshold=1, sleep=sleeps.append)
    with ThreadPoolExecutor(max_workers=2) as pool:
        held = [pool.submit(client.graphql, PRODUCT_QUERY, store="default") for _ in range(2)]
        assert handler.entered.acquire(timeout=5) and handler.entered.acquire(timeout=5)

        with pytest.raises(MagentoUnavailable) as caught:
            client.graphql(PRODUCT_QUERY, store="default")

        assert caught.value.reason == "busy"
        assert handler.seen == 2, "the refused call sent nothing"
        assert sleeps == [], "busy is not retried"
        assert client.breaker.state == "closed" and client.breaker.consecutive_failures == 0
        assert [c.error for c in calls()][-1] == "busy", "recorded for logs and Server-Timing"
        handler.release.set()
        assert [f.result(timeout=5).data for f in held] == [{"products": {"items": []}}] * 2

    # Slots come back: the next call goes through.
    assert client.graphql(PRODUCT_QUERY, store="default").data == {"products": {"items": []}}
    client.close()


def test_a_call_waits_briefly_for_a_slot_that_frees_up() -> None:
    handler = Holding()
    client = mock_client(handler, max_in_flight=1, in_flight_wait=5.0)
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(client.graphql, PRODUCT_QUERY, store="default")
        assert handler.entered.acquire(timeout=5)
        second = pool.submit(client.graphql, PRODUCT_QUERY, store="default")
        handler.release.set()
        assert first.result(timeout=5).status == 200 and second.result(timeout=5).status == 200
    assert handler.seen == 2
    client.close()


def test_no_limit_by_default_for_directly_built_clients() -> None:
    client = mock_client(lambda request: PRODUCTS)
    assert client._slots is None
    client.close()


def test_while_calls_keep_finishing_a_caller_waits_past_the_slot_wait_instead_of_failing() -> None:
    # Magento slow but working: one slot, each call takes 0.2 s, six callers. The last one waits about 1 s,
    # twice the slot wait, and still gets its turn: a slot came back every 0.2 s, so nothing hangs.
    def slow(request: httpx.Request) -> httpx.Response:
        threading.Event().wait(0.2)
        return httpx.Response(PRODUCTS.status_code, headers=PRODUCTS.headers, content=PRODUCTS.content)

    client = mock_client(slow, max_in_flight=1, in_flight_wait=0.5)
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = [pool.submit(client.graphql, PRODUCT_QUERY, store="default") for _ in range(6)]
        assert [f.result(timeout=10).status for f in results] == [200] * 6
    client.close()


def test_when_no_call_finishes_for_the_slot_wait_the_caller_gives_up_as_busy() -> None:
    handler = Holding()  # Magento hangs: the one slot never comes back while we wait
    client = mock_client(handler, max_in_flight=1, in_flight_wait=0.2)
    with ThreadPoolExecutor(max_workers=1) as pool:
        held = pool.submit(client.graphql, PRODUCT_QUERY, store="default")
        assert handler.entered.acquire(timeout=5)
        began = time.monotonic()
        with pytest.raises(MagentoUnavailable) as caught:
            client.graphql(PRODUCT_QUERY, store="default")
        waited = time.monotonic() - began
        assert caught.value.reason == "busy" and waited < 2, "one slot wait, not a read timeout"
        handler.release.set()
        held.result(timeout=5)
    client.close()


def test_a_magento_slower_than_the_slot_wait_is_waited_for_not_shed() -> None:
    # Under load Magento answers in 0.3 s, longer than the 0.1 s slot wait. With one slot, a caller waits about
    # 0.3 s between two finished calls: slow, not hung, so all of them get their turn.
    def slow(request: httpx.Request) -> httpx.Response:
        threading.Event().wait(0.3)
        return httpx.Response(PRODUCTS.status_code, headers=PRODUCTS.headers, content=PRODUCTS.content)

    client = mock_client(slow, max_in_flight=1, in_flight_wait=0.1)
    assert client.graphql(PRODUCT_QUERY, store="default").status == 200  # the process has seen Magento's pace
    assert client.hang_after() >= 0.6, "three typical answer times"
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = [pool.submit(client.graphql, PRODUCT_QUERY, store="default") for _ in range(4)]
        assert [f.result(timeout=10).status for f in results] == [200] * 4
    client.close()


def test_the_hang_time_never_exceeds_a_read_timeout_and_failures_do_not_stretch_it() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = mock_client(refused, max_in_flight=1, in_flight_wait=0.2, read_timeout=1.0, get_retries=0)
    for _ in range(3):
        with pytest.raises(MagentoUnavailable):
            client.graphql(PRODUCT_QUERY, store="default")
    assert client.hang_after() == 0.2, "no answer, nothing learnt"
    client._learn_answer_time(30.0)
    assert client.hang_after() == 1.0
    client.close()

"""The process-wide client (from settings, one per process, fork-safe) and the test helpers."""

from __future__ import annotations

import os
import threading

import pytest

from storefront.magento import client as client_module
from storefront.magento.client import MagentoClient, get_client, reset_client
from storefront.magento.testing import (
    MockMagento,
    graphql_response,
    override_client,
    rest_response,
)
from tests.unit.magento.conftest import ADD_TO_CART, PRODUCT_QUERY


@pytest.fixture
def fresh_client():
    reset_client()
    yield
    reset_client()


def test_get_client_is_built_from_settings(settings, fresh_client):
    settings.MAGENTO_BASE_URL = "http://magento.internal:8080/"
    settings.MAGENTO_CONNECT_TIMEOUT = 1.5
    settings.MAGENTO_READ_TIMEOUT = 7.0
    settings.MAGENTO_GET_RETRIES = 1
    settings.MAGENTO_MAX_GET_URL = 4000
    settings.MAGENTO_POOL_SIZE = 7
    settings.MAGENTO_BREAKER_THRESHOLD = 9

    client = get_client()

    assert client.base_url == "http://magento.internal:8080"
    timeout = client._http.timeout
    assert (timeout.connect, timeout.read, timeout.pool) == (1.5, 7.0, 1.5)
    assert client.get_retries == 1
    assert client.max_get_url == 4000
    assert client.breaker.threshold == 9
    assert client._http._transport._pool._max_connections == 7


def test_one_client_per_process_even_under_concurrency(fresh_client):
    seen: list[MagentoClient] = []
    barrier = threading.Barrier(8)

    def grab() -> None:
        barrier.wait()
        seen.append(get_client())

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in seen}) == 1


def test_reset_and_fork_give_a_new_client(fresh_client):
    first = get_client()
    reset_client()
    second = get_client()
    assert second is not first
    client_module._forget_after_fork()  # what os.register_at_fork runs in a gunicorn worker
    assert get_client() is not second


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_child_builds_its_own_client(fresh_client):
    parent = get_client()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report whether it got a different client, then exit without pytest teardown
        os.close(read_end)
        os.write(write_end, b"new" if get_client() is not parent else b"same")
        os._exit(0)
    os.close(write_end)
    answer = os.read(read_end, 10)
    os.close(read_end)
    os.waitpid(pid, 0)
    assert answer == b"new"


def test_override_client_and_mock_magento(fresh_client):
    fake = MockMagento()
    fake.on_graphql("ProductPage", graphql_response({"products": {"items": []}}, tags=["cat_p"]))
    fake.on_rest("POST", "/V1/guest-carts/a%2Fb/items", rest_response({"item_id": 1}))

    with override_client(fake.client()) as client:
        assert get_client() is client
        get_client().graphql(PRODUCT_QUERY, {"urlKey": "x"}, store="default")
        get_client().rest(
            "POST", "/V1/guest-carts/:cartId/items", path_params={"cartId": "a/b"}, json={}, store="default"
        )
    assert get_client() is not client

    (call,) = fake.graphql_calls("ProductPage")
    assert call["variables"] == {"urlKey": "x"} and call["method"] == "GET"
    assert len(fake.rest_calls("POST", "/V1/guest-carts/a%2Fb/items")) == 1


def test_mock_magento_fails_loudly_on_unscripted_requests():
    fake = MockMagento()
    client = fake.client()
    with pytest.raises(AssertionError, match="AddToCart"):
        client.graphql(ADD_TO_CART, store="default")
    client.close()

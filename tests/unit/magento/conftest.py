"""Fixtures for the Magento client's unit tests: everything over httpx.MockTransport, nothing sleeps.

These tests construct clients directly (no Django settings needed); only test_process.py reads settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from storefront.magento.calls import UpstreamCall, recorded_calls, start_recording, stop_recording
from storefront.magento.client import MagentoClient
from storefront.magento.documents import Document
from storefront.magento.testing import mock_client

PRODUCT_QUERY = Document(
    name="ProductPage",
    text="query ProductPage($urlKey:String){products(filter:{url_key:{eq:$urlKey}}){items{sku name}}}",
    operation="query",
    cacheable=True,
)
ADD_TO_CART = Document(
    name="AddToCart",
    text="mutation AddToCart($cartId:String!){addProductsToCart(cartId:$cartId,cartItems:[]){cart{id}}}",
    operation="mutation",
    cacheable=False,
)
CUSTOMER_QUERY = Document(
    name="CustomerAccount",
    text="query CustomerAccount{customer{firstname email}}",
    operation="query",
    cacheable=False,
)


class Recorder:
    """A MockTransport handler that replays scripted answers and keeps every request it saw."""

    def __init__(self, *answers: httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise type(answer)(str(answer), request=request)
        if callable(answer):
            return answer(request)
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)


@pytest.fixture
def make_client() -> Iterator[Callable[..., tuple[MagentoClient, Recorder, list[float]]]]:
    """``make_client(*answers, **options)`` → (client, recorder, sleeps)."""
    clients: list[MagentoClient] = []

    def factory(*answers: object, **options: object) -> tuple[MagentoClient, Recorder, list[float]]:
        recorder = Recorder(*answers)  # type: ignore[arg-type]
        sleeps: list[float] = []
        options.setdefault("sleep", sleeps.append)
        client = mock_client(recorder, **options)
        clients.append(client)
        return client, recorder, sleeps

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def calls() -> Iterator[Callable[[], list[UpstreamCall]]]:
    token = start_recording()
    yield recorded_calls
    stop_recording(token)

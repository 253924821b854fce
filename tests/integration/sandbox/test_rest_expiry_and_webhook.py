"""Sandbox REST with its own process: short token lifetime and a local webhook receiver.

The session sandbox keeps the default lifetime; this module starts a second sandbox with
``SANDBOX_TOKEN_LIFETIME=2`` and ``STOREFRONT_REVALIDATE_URL`` pointing at a tiny HTTP server here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.integration.sandbox.commerce_helpers import ADMIN, Rest, configurable_child
from tests.support.sandbox import SandboxProcess, start_sandbox

SECRET = "test-revalidation-secret"


class Receiver(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Receiver.received.append({"headers": dict(self.headers), "body": body})
        self.send_response(Receiver.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/_revalidate"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory: pytest.TempPathFactory, receiver: str) -> Iterator[SandboxProcess]:
    proc = start_sandbox(
        tmp_path_factory.mktemp("sandbox-short"),
        env={
            "SANDBOX_TOKEN_LIFETIME": "2",
            "STOREFRONT_REVALIDATE_URL": receiver,
            "STOREFRONT_REVALIDATE_SECRET": SECRET,
        },
    )
    try:
        yield proc
    finally:
        proc.stop()


def test_expired_token_is_401_on_self_routes_and_guest_on_anonymous(short_lived: SandboxProcess) -> None:
    rest = Rest(short_lived)
    token = rest.login()
    assert rest.get("customers/me", token=token).status == 200
    time.sleep(2.5)
    expired = rest.get("customers/me", token=token)
    assert expired.status == 401 and expired.body["parameters"] == {"resources": "self"}
    cart = rest.ok("POST", "guest-carts", token=token)  # anonymous: silently a guest
    assert rest.ok("GET", f"guest-carts/{cart}", token=token)["customer_is_guest"] is True
    status = httpx.post(
        f"{short_lived.url}/graphql",
        json={"query": "{ customer { email } }"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    assert status["errors"][0]["message"] == "Consumer key has expired"


def test_admin_product_update_fires_a_signed_webhook(short_lived: SandboxProcess) -> None:
    rest = Rest(short_lived)
    child = configurable_child(short_lived)
    assert rest.put(f"products/{child.sku}", {"product": {"price": 10}}).status == 401
    customer = rest.login()
    denied = rest.put(f"products/{child.sku}", {"product": {"price": 10}}, token=customer)
    assert denied.status == 401 and denied.body["parameters"] == {"resources": "Magento_Catalog::products"}
    Receiver.received.clear()
    admin = rest.ok("POST", "integration/admin/token", ADMIN)
    saved = rest.ok("PUT", f"products/{child.sku}", {"product": {"name": "Renamed", "price": 12.5}}, token=admin)
    assert saved["sku"] == child.sku and saved["name"] == "Renamed" and saved["price"] == 12.5
    assert len(Receiver.received) == 1
    call = Receiver.received[0]
    headers = {k.lower(): v for k, v in call["headers"].items()}
    timestamp = headers["x-storefront-timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + call["body"], hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-storefront-signature"], expected)
    payload = json.loads(call["body"])
    assert payload["paths"] == [] and payload["hard"] is False
    assert payload["tags"] and all(t.startswith("cat_") for t in payload["tags"])
    assert call["body"] == json.dumps(payload, separators=(",", ":")).encode()  # compact JSON
    log = httpx.get(f"{short_lived.url}/sandbox/webhooks", timeout=10).json()
    assert log[-1]["status"] == 200 and log[-1]["tags"] == payload["tags"]


def test_webhook_failure_does_not_fail_the_save(short_lived: SandboxProcess) -> None:
    rest = Rest(short_lived)
    admin = rest.ok("POST", "integration/admin/token", ADMIN)
    child = configurable_child(short_lived)
    Receiver.status = 500
    try:
        saved = rest.put(f"products/{child.sku}", {"product": {"status": 2}}, token=admin)
    finally:
        Receiver.status = 200
    assert saved.status == 200 and saved.body["status"] == 2
    log = httpx.get(f"{short_lived.url}/sandbox/webhooks", timeout=10).json()
    assert log[-1]["status"] == 500 and log[-1]["error"]
    unknown = rest.put("products/NO-SUCH-SKU", {"product": {"price": 1}}, token=admin)
    assert unknown.status == 404

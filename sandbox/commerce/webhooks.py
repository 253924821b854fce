"""The storefront revalidation webhook a product save fires (what a Magento module would send).

Rules: ``POST settings.STOREFRONT_REVALIDATE_URL`` with the compact JSON body
``{"tags": [...], "paths": [], "hard": false}`` and the headers ``X-Storefront-Timestamp: <unix seconds>``
and ``X-Storefront-Signature: <hex HMAC-SHA256(secret, timestamp + "." + body)>``. A failure never fails
the product save: it is logged and recorded; ``/sandbox/webhooks`` lists the deliveries for tests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

import httpx
from django.conf import settings
from django.utils import timezone

from sandbox.commerce.models import WebhookDelivery

log = logging.getLogger("sandbox.webhooks")
TIMEOUT = httpx.Timeout(5.0, connect=2.0)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def fire(tags: list[str]) -> WebhookDelivery:
    url = getattr(settings, "STOREFRONT_REVALIDATE_URL", "")
    secret = getattr(settings, "STOREFRONT_REVALIDATE_SECRET", "")
    body = json.dumps({"tags": tags, "paths": [], "hard": False}, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Storefront-Timestamp": timestamp,
        "X-Storefront-Signature": signature(secret, timestamp, body),
    }
    status: int | None = None
    error = ""
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=TIMEOUT)
        status = response.status_code
        if status >= 400:
            error = f"HTTP {status}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    if error:
        log.warning("revalidation webhook to %s failed: %s", url, error)
    return WebhookDelivery.objects.create(url=url, status=status, tags=tags, error=error, sent_at=timezone.now())


def deliveries() -> list[dict[str, object]]:
    return [
        {"url": d.url, "status": d.status, "tags": d.tags, "error": d.error, "sent_at": d.sent_at.isoformat()}
        for d in WebhookDelivery.objects.all()
    ]

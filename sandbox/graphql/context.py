"""What every resolver gets as ``info.context``.

Rules: one RequestContext per HTTP request; resolvers add Magento cache tags with ``ctx.tag(...)`` (they become
``X-Magento-Tags`` on cacheable GET responses) and may memoise bulk loads in ``ctx.cache`` so a 24-product
listing costs a handful of SQL queries, not hundreds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from sandbox.catalog.api import StoreInfo


@dataclass
class RequestContext:
    request: HttpRequest
    store: StoreInfo
    currency: str  # the requested display currency (Content-Currency or the store's default)
    token: str | None  # the bearer token string as sent, unvalidated
    base_url: str  # "http://127.0.0.1:8001/" - what Magento calls the store's base URL
    tags: list[str] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def store_code(self) -> str:
        return self.store.code

    def tag(self, *tags: str) -> None:
        self.tags.extend(tags)

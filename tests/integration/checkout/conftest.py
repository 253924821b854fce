"""Each cart/checkout test starts with an empty shared cache (rate-limit counters, locks, placed orders)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_shared_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()

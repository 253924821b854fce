"""Store views served by this storefront and their URL prefixes.

Rules: the first code in ``MAGENTO_STORE_CODES`` is the default store and lives at ``/``; every other
store lives under ``/<code>/``. The store code is sent to Magento as the ``Store`` header and is part of
every page-cache key.
"""

from __future__ import annotations

from django.conf import settings


def store_codes() -> list[str]:
    return list(settings.MAGENTO_STORE_CODES)


def default_store() -> str:
    return store_codes()[0]


def url_prefix(store_code: str) -> str:
    """'' for the default store, '/de' for the store 'de'."""
    return "" if store_code == default_store() else f"/{store_code}"

"""Reads for catalog pages (views call these; these call upstream)."""

from __future__ import annotations

from catalog import upstream
from catalog.types import HomePage


def home_page(store: str) -> HomePage:
    return upstream.fetch_home_page(store)

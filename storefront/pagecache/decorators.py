"""Marks a view as a cacheable page type: ``@cacheable("product")``.

The page-cache middleware looks for the mark after resolving the URL; an unmarked view is never cached.
A page type whose windows are configured as ``never`` is rendered fresh every time (``X-Cache: BYPASS``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])


def cacheable(page_type: str) -> Callable[[F], F]:
    def mark(view: F) -> F:
        view.page_type = page_type  # type: ignore[attr-defined]
        return view

    return mark

"""Template helpers for catalog pages: JSON-LD serialisation.

Rules: JSON-LD goes out as ``<script type="application/ld+json">`` (data, not executable, allowed by the
CSP) with ``<``, ``>`` and ``&`` escaped as in Django's ``json_script``, so text from Magento can never
end the element early.
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def ld_json(value: Any) -> SafeString:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped above


@register.filter
def img_src(image: Any, width: int) -> str:
    """The URL of a catalog ``Image`` at ``width`` pixels (Magento media's ``?width=`` resizing)."""
    return image.src(int(width)) if image is not None else ""

"""Magento HTML (product descriptions, CMS pages and blocks) made safe to render: an allow-list.

Rules:
- Only the tags and attributes listed here survive (nh3, the Rust ammonia sanitiser); ``<script>`` and
  ``<style>`` disappear with their content, event handlers and ``style`` attributes never pass (the CSP
  forbids inline styles anyway), and links keep only http(s), mailto and tel schemes.
- Images are not allowed: Magento content images come without dimensions (layout shift) and often from
  paths this storefront does not serve.
- Site-relative links (``/about-us``) get the store view's prefix, so German content stays in ``/de/``.
- A link whose address did not survive (``javascript:``, an unknown scheme) becomes a ``<span>``: an
  ``<a>`` without ``href`` is neither a link nor crawlable, and a screen reader would still announce it.
- Headings are renumbered to start at ``<h2>`` without gaps: the page's ``<h1>`` is ours, and skipped
  levels confuse screen-reader navigation.
The result is the only Magento HTML a template may mark safe.
"""

from __future__ import annotations

import re
from functools import partial
from html import unescape

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "dd", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "li", "ol", "p", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
# ``class`` only on layout containers: harmless (it can only pick our own stylesheet's rules) and it keeps
# Magento's CMS layout hooks such as ``<div class="hero">``.
ALLOWED_ATTRIBUTES = {
    "div": {"class"},
    "p": {"class"},
    "ul": {"class"},
    "span": {"class"},
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>])", re.IGNORECASE)
_ANCHOR_TAG = re.compile(r'<a((?:\s+[^\s=>]+(?:="[^"]*")?)*)>|</a>')  # nh3 always double-quotes values


def _prefix_links(prefix: str, element: str, attribute: str, value: str) -> str | None:
    is_local = value.startswith("/") and not value.startswith("//")
    already = value == prefix or value.startswith(f"{prefix}/")
    if element == "a" and attribute == "href" and prefix and is_local and not already:
        return f"{prefix}{value}"
    return value


def _renumber_headings(html: str) -> str:
    levels = sorted({int(level) for _slash, level in _HEADING.findall(html)})
    mapping = {level: min(index + 2, 6) for index, level in enumerate(levels)}
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{mapping[int(m.group(2))]}", html)


def _unlink_dead_anchors(html: str) -> str:
    # nh3 output is well formed and the HTML parser never nests <a>, so open and close tags alternate.
    dead = False

    def swap(match: re.Match[str]) -> str:
        nonlocal dead
        if match.group(0) == "</a>":
            return "</span>" if dead else "</a>"
        attrs = match.group(1) or ""
        dead = re.search(r'(?:^|\s)href="', attrs) is None
        return f"<span{attrs}>" if dead else match.group(0)

    return _ANCHOR_TAG.sub(swap, html)


def clean_html(html: str | None, *, prefix: str = "") -> str:
    """Sanitised HTML, safe to mark safe in a template; '' for nothing."""
    if not html:
        return ""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,  # no target= is allowed, so there is no opener to protect
        attribute_filter=partial(_prefix_links, prefix),
    )
    return _renumber_headings(_unlink_dead_anchors(cleaned)).strip()


def plain_text(html: str | None, limit: int = 300) -> str:
    """Text of some Magento HTML (for meta descriptions and JSON-LD), whitespace collapsed, capped."""
    if not html:
        return ""
    # A space before every tag keeps words of adjacent blocks apart once the tags are gone.
    text = unescape(nh3.clean(html.replace("<", " <"), tags=set()))
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"

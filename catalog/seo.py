"""Head metadata for catalog pages: title, description, canonical, hreflang, OpenGraph and JSON-LD.

Rules:
- Titles and descriptions come from Magento's meta fields, falling back to the page's own name and text,
  then the store defaults; the store's title prefix/suffix are applied like Magento does.
- Canonical URLs are absolute, on our host, and carry no tracking or presentation parameters (only the
  page number of a listing). hreflang links point at the same path in every store view we serve (Magento
  keeps URL keys per store; the seeded and Luma catalogs share them) plus ``x-default``.
- JSON-LD is data, built as dicts here and serialised by the ``ld_json`` template filter with ``<``, ``>``
  and ``&`` escaped, so no Magento text can close the script element.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from catalog.sanitize import plain_text
from catalog.types import Breadcrumb, Chrome, Product

Json = dict[str, Any]


@dataclass(frozen=True)
class Seo:
    title: str
    description: str
    canonical: str = ""
    alternates: tuple[tuple[str, str], ...] = ()
    og_type: str = "website"
    og_image: str = ""
    robots: str = ""
    jsonld: tuple[Json, ...] = field(default_factory=tuple)


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def alternates(request: HttpRequest, chrome: Chrome, path: str) -> tuple[tuple[str, str], ...]:
    """hreflang pairs for ``path`` (a path inside the current store, with its prefix)."""
    own = chrome.prefix
    relative = path[len(own) :] if own and path.startswith(own) else path
    if len(chrome.stores) < 2:
        return ()
    pairs = [(s.hreflang, absolute(request, f"{s.prefix}{relative}" or "/")) for s in chrome.stores]
    default = next((s for s in chrome.stores if s.prefix == ""), chrome.stores[0])
    pairs.append(("x-default", absolute(request, f"{default.prefix}{relative}" or "/")))
    return tuple(pairs)


def page_seo(
    request: HttpRequest,
    chrome: Chrome,
    *,
    title: str,
    description: str = "",
    path: str,
    canonical_query: str = "",
    og_type: str = "website",
    og_image: str = "",
    jsonld: tuple[Json, ...] = (),
    robots: str = "",
) -> Seo:
    canonical = absolute(request, path) + (f"?{canonical_query}" if canonical_query else "")
    return Seo(
        title=chrome.store.page_title(title),
        description=plain_text(description, 300) or chrome.store.description or chrome.store.title,
        canonical=canonical,
        alternates=alternates(request, chrome, path),
        og_type=og_type,
        og_image=og_image,
        robots=robots,
        jsonld=jsonld,
    )


def breadcrumb_list(request: HttpRequest, crumbs: tuple[Breadcrumb, ...], current: Breadcrumb | None = None) -> Json:
    items = [*crumbs, *([current] if current else [])]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": crumb.name, "item": absolute(request, crumb.url)}
            for index, crumb in enumerate(items, start=1)
        ],
    }


def organization(request: HttpRequest, chrome: Chrome) -> Json:
    home = absolute(request, f"{chrome.prefix}/")
    return {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": chrome.store.name or chrome.store.title,
        "url": home,
    }


def website(request: HttpRequest, chrome: Chrome) -> Json:
    home = absolute(request, f"{chrome.prefix}/")
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": chrome.store.title or chrome.store.name,
        "url": home,
        "inLanguage": chrome.store.locale.replace("_", "-"),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute(request, f"{chrome.prefix}/search") + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def product_ld(request: HttpRequest, product: Product) -> Json:
    price = product.shown_price
    availability = "https://schema.org/InStock" if product.shown_in_stock else "https://schema.org/OutOfStock"
    offer: Json = {"@type": "Offer", "url": absolute(request, product.url), "availability": availability}
    if product.is_configurable and not product.variant and price.is_range and price.max_final:
        offer = {
            "@type": "AggregateOffer",
            "url": offer["url"],
            "availability": availability,
            "lowPrice": price.final.plain,
            "highPrice": price.max_final.plain,
            "priceCurrency": price.final.currency,
            "offerCount": len(product.variants) or 1,
        }
    else:
        offer.update({"price": price.final.plain, "priceCurrency": price.final.currency})
    data: Json = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": product.shown_sku,
        "description": plain_text(product.description_html or product.short_description_html, 500),
        "offers": offer,
    }
    if product.gallery:
        data["image"] = [image.src(800) for image in product.gallery[:4]]
    return data

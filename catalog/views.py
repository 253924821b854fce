"""Catalog page views: thin functions (parse the request, call one selector, render).

Rules:
- Every page view is marked ``@cacheable``; cached renders run on a scrubbed request, so nothing here
  touches the session, the user, messages or the CSRF token. The shopper's currency is the plain
  ``currency`` cookie (part of the cache key).
- Magento errors are not caught here (the middleware and the page cache own that); bad input never is an
  error: unknown or malformed parameters are ignored, a page number past the end is the 404 page.
- An htmx request gets the fragment it swaps (the listing, the product's buy box, the suggestions) instead
  of the whole page; the page cache keys htmx requests separately.
- ``magento_page`` is the catch-all: Magento's ``route`` decides between category, product, CMS page,
  redirect (301/302, query string kept) and the 404 page, and the response says which page type it was.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from catalog import selectors, seo
from catalog.params import DEFAULT_LIMIT, ListingParams, clean_query, filter_codes, parse_listing
from catalog.types import Breadcrumb, Category, Chrome, CmsContent, Listing, Product
from storefront.pagecache.decorators import cacheable
from storefront.stores import default_store, store_codes, url_prefix

CURRENCY_COOKIE = "currency"
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_OPTION_VALUE = re.compile(r"^\d{1,10}$")
MAX_URL_PATH = 255
SITEMAP_PAGE_SIZE = 1000


def _store(store_code: str | None) -> str:
    return store_code or default_store()


def shopper_currency(request: HttpRequest) -> str | None:
    value = request.COOKIES.get(CURRENCY_COOKIE, "")
    return value if _CURRENCY.match(value) else None


def _context(request: HttpRequest, chrome: Chrome, seo_data: seo.Seo, **extra: object) -> dict[str, object]:
    return {
        "chrome": chrome,
        "store": chrome.store,
        "menu": chrome.menu,
        "seo": seo_data,
        "path": request.path,
        **extra,
    }


def not_found(request: HttpRequest, chrome: Chrome | None, query: str = "") -> HttpResponse:
    context: dict[str, object] = {"search_query": query}
    if chrome is not None:
        context.update(
            _context(
                request,
                chrome,
                seo.Seo(title=chrome.store.page_title("Page not found"), description="", robots="noindex"),
            )
        )
    return render(request, "404.html", context, status=404)


# --- home -------------------------------------------------------------------------------------------------


@cacheable("home")
def home_page(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    page = selectors.home_page(store, shopper_currency(request))
    chrome = page.chrome
    cms = page.cms
    seo_data = seo.page_seo(
        request,
        chrome,
        # Magento's stock home page is titled "Home Page": a poor <title>; the store's default title is better.
        title=(cms.meta_title if cms and cms.meta_title != "Home Page" else "") or chrome.store.title,
        description=(cms.meta_description if cms else "") or chrome.store.description,
        path=f"{chrome.prefix}/",
        jsonld=(seo.organization(request, chrome), seo.website(request, chrome)),
    )
    return render(
        request, "catalog/home.html", _context(request, chrome, seo_data, page=page, cms=cms, featured=page.featured)
    )


# --- search -------------------------------------------------------------------------------------------------


@cacheable("search")
def search_page(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    currency = shopper_currency(request)
    params = parse_listing(request.GET, search=True)
    path = f"{url_prefix(store)}/search"
    if not params.query:
        chrome, _tags = selectors.chrome(store, currency)
        seo_data = seo.page_seo(request, chrome, title="Search", path=path, robots="noindex, follow")
        return render(request, "catalog/search.html", _context(request, chrome, seo_data, query="", listing=None))
    page = selectors.search_page(store, currency, params, path)
    listing = page.listing
    if listing is not None and listing.out_of_range:
        return not_found(request, page.chrome, params.query)
    if request.htmx:
        return render(
            request, "catalog/partials/listing.html", {"listing": listing, "chrome": page.chrome, "query": params.query}
        )
    seo_data = seo.page_seo(
        request,
        page.chrome,
        title=f"Search results for “{params.query}”",
        path=path,
        canonical_query=urlencode({"q": params.query}),
        robots="noindex, follow",  # result pages are thin duplicates of categories
    )
    context = _context(
        request, page.chrome, seo_data, query=params.query, listing=listing, suggestions=page.suggestions
    )
    return render(request, "catalog/search.html", context)


@cacheable("search")
@require_GET
def search_suggest(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    """Autocomplete: a listbox fragment for the search combobox (empty for fewer than two characters)."""
    store = _store(store_code)
    query = clean_query(request.GET.get("q", ""))
    found = selectors.suggestions(store, shopper_currency(request), query) if len(query) >= 2 else None
    return render(
        request, "catalog/partials/suggest.html", {"query": query, "found": found, "prefix": url_prefix(store)}
    )


# --- Magento URLs (catch-all) ------------------------------------------------------------------------------


@cacheable("category")
def magento_page(request: HttpRequest, url_path: str, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    if store_code is None and url_path.strip("/") in store_codes()[1:]:
        return HttpResponsePermanentRedirect(f"/{url_path.strip('/')}/")  # "/de" → the store's home
    currency = shopper_currency(request)
    if len(url_path) > MAX_URL_PATH or "\x00" in url_path:
        chrome, _tags = selectors.chrome(store, currency)
        return not_found(request, chrome)
    params = parse_listing(request.GET)
    chosen = {code: value for code in filter_codes() if _OPTION_VALUE.match(value := request.GET.get(code, ""))}
    page = selectors.route_page(store, currency, url_path, params, chosen)
    chrome = page.chrome
    if page.redirect is not None:
        target = page.redirect.url + (f"?{request.META['QUERY_STRING']}" if request.META.get("QUERY_STRING") else "")
        redirect_class = HttpResponsePermanentRedirect if page.redirect.permanent else HttpResponseRedirect
        return redirect_class(target)
    if page.category is not None and page.listing is not None:
        response = _category_response(request, page.category, page.listing, chrome, params)
    elif page.product is not None:
        response = _product_response(request, page.product, chrome)
        response.page_type = "product"  # type: ignore[attr-defined]
    elif page.cms is not None:
        response = _cms_response(request, page.cms, chrome)
        response.page_type = "cms"  # type: ignore[attr-defined]
    else:
        response = not_found(request, chrome)
    return response


def _category_response(
    request: HttpRequest, category: Category, listing: Listing, chrome: Chrome, params: ListingParams
) -> HttpResponse:
    if listing.out_of_range:
        return not_found(request, chrome)
    if request.htmx:
        return render(request, "catalog/partials/listing.html", {"listing": listing, "chrome": chrome})
    current = Breadcrumb(category.name, category.url)
    seo_data = seo.page_seo(
        request,
        chrome,
        title=category.meta_title or category.name,
        description=category.meta_description or category.description_html,
        path=category.url,
        canonical_query=f"p={params.page}" if params.page > 1 else "",
        jsonld=(seo.breadcrumb_list(request, category.breadcrumbs, current),),
        # Filtered and re-sorted variants of a category are not separate pages for search engines.
        robots="noindex, follow" if params.filters or params.sort or params.limit != DEFAULT_LIMIT else "",
    )
    return render(
        request, "catalog/category.html", _context(request, chrome, seo_data, category=category, listing=listing)
    )


def _product_response(request: HttpRequest, product: Product, chrome: Chrome) -> HttpResponse:
    if request.htmx:
        return render(request, "catalog/partials/buybox.html", {"product": product, "chrome": chrome})
    image = product.gallery[0].src(800) if product.gallery else ""
    seo_data = seo.page_seo(
        request,
        chrome,
        title=product.meta_title or product.name,
        description=product.meta_description or product.short_description_html or product.description_html,
        path=product.url,
        og_type="product",
        og_image=image,
        jsonld=(
            seo.product_ld(request, product),
            seo.breadcrumb_list(request, product.breadcrumbs, Breadcrumb(product.name, product.url)),
        ),
        robots="noindex, follow" if product.selected else "",
    )
    return render(request, "catalog/product.html", _context(request, chrome, seo_data, product=product))


def _cms_response(request: HttpRequest, cms: CmsContent, chrome: Chrome) -> HttpResponse:
    path = request.path
    seo_data = seo.page_seo(
        request,
        chrome,
        title=cms.meta_title or cms.title,
        description=cms.meta_description or cms.content_html,
        path=path,
    )
    return render(request, "catalog/cms.html", _context(request, chrome, seo_data, cms=cms))


# --- currency switch -----------------------------------------------------------------------------------------


@require_POST
def currency_switch(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    """Remember the shopper's currency in the plain ``currency`` cookie and go back where they were."""
    code = request.POST.get("currency", "")
    if not _CURRENCY.match(code):
        return HttpResponseBadRequest("Choose a currency such as USD or EUR.", content_type="text/plain; charset=utf-8")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = f"{url_prefix(_store(store_code))}/"
    response = HttpResponseRedirect(target)
    response.status_code = 303
    response.set_cookie(
        CURRENCY_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure(), httponly=True
    )
    return response


# --- robots and sitemap ----------------------------------------------------------------------------------------


@require_GET
def robots_txt(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /search",
        "Disallow: /cart/",
        "Disallow: /checkout/",
        "Disallow: /account/",
        "Disallow: /_fragment/",
        "Disallow: /_preview/",
        "",
        *(f"Sitemap: {request.build_absolute_uri(f'{url_prefix(code)}/sitemap.xml')}" for code in store_codes()),
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@cacheable("category")
@require_GET
def sitemap_index(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    """The sitemap index: one category sitemap and as many product sitemaps as pages of products."""
    store = _store(store_code)
    prefix = url_prefix(store)
    pages = max(1, -(-selectors.product_count(store) // SITEMAP_PAGE_SIZE))
    urls = [request.build_absolute_uri(f"{prefix}/sitemap-categories.xml")]
    urls += [request.build_absolute_uri(f"{prefix}/sitemap-products-{n}.xml") for n in range(1, pages + 1)]
    return render(request, "catalog/sitemap_index.xml", {"urls": urls}, content_type="application/xml; charset=utf-8")


@cacheable("category")
@require_GET
def sitemap_categories(request: HttpRequest, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    urls = [request.build_absolute_uri(f"{url_prefix(store)}/")]
    urls += [request.build_absolute_uri(u) for u in selectors.category_urls(store)]
    return render(request, "catalog/sitemap.xml", {"urls": urls}, content_type="application/xml; charset=utf-8")


@cacheable("category")
@require_GET
def sitemap_products(request: HttpRequest, page: int, store_code: str | None = None) -> HttpResponse:
    store = _store(store_code)
    if not 1 <= page <= 10_000:
        return HttpResponse(status=404)
    urls = [request.build_absolute_uri(u) for u in selectors.product_urls(store, page, SITEMAP_PAGE_SIZE)]
    if not urls and page > 1:
        return HttpResponse(status=404)
    return render(request, "catalog/sitemap.xml", {"urls": urls}, content_type="application/xml; charset=utf-8")

"""GraphQL root resolvers for the catalog: store, directory, categories, products, routing and CMS.

Rules: resolvers are thin — they parse arguments, raise Magento's errors (messages and categories as
Magento's resolvers do), tag the response (``cat_c_<id>``, ``cat_p_<id>``, ``cms_p_<id>``, ``cms_b_<id>``
after Magento's Identity classes) and hand rows to ``shapes``/``search``. Store-specific data always
comes from ``info.context.store``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from sandbox.catalog.api import RATES, StoreInfo
from sandbox.catalog.models import CmsBlock, CmsPage, Product, Store, UrlRewrite
from sandbox.catalog.search import _decode_uid, _values, search_products
from sandbox.catalog.shapes import URL_SUFFIX, ProductBatch, all_categories, category_dict, uid
from sandbox.graphql.context import RequestContext
from sandbox.graphql.registry import GraphQLNoSuchEntity, resolver

SYMBOLS = {"USD": "$", "EUR": "€"}
TIMEZONES = {"en_US": "America/Chicago", "de_DE": "Europe/Berlin"}

# (id, iso3, English name, German name, regions [(id, code, name)])
COUNTRIES = [
    (
        "US",
        "USA",
        "United States",
        "Vereinigte Staaten",
        [
            (12, "CA", "California"),
            (43, "NY", "New York"),
            (57, "TX", "Texas"),
            (62, "WA", "Washington"),
            (18, "FL", "Florida"),
            (23, "IL", "Illinois"),
        ],
    ),
    (
        "DE",
        "DEU",
        "Germany",
        "Deutschland",
        [(82, "BER", "Berlin"), (81, "BAY", "Bayern"), (80, "BAW", "Baden-Württemberg"), (85, "HAM", "Hamburg")],
    ),
    ("AT", "AUT", "Austria", "Österreich", []),
    ("CH", "CHE", "Switzerland", "Schweiz", []),
    ("FR", "FRA", "France", "Frankreich", []),
    ("GB", "GBR", "United Kingdom", "Vereinigtes Königreich", []),
    ("NL", "NLD", "Netherlands", "Niederlande", []),
    ("CA", "CAN", "Canada", "Kanada", [(66, "ON", "Ontario"), (76, "QC", "Québec")]),
]


def _ctx(info: Any) -> RequestContext:
    return info.context


# --- store and directory ------------------------------------------------------------------------------------


def store_config(ctx: RequestContext, store: StoreInfo) -> dict[str, Any]:
    base = ctx.base_url
    media = f"{base}media/"
    german = store.locale.startswith("de")
    return {
        "id": store.id,
        "code": store.code,
        "store_code": store.code,
        "store_name": store.name,
        "store_group_code": "main_website_store",
        "store_group_name": "Main Website Store",
        "store_sort_order": store.id - 1,
        "is_default_store": store.code == "default",
        "is_default_store_group": True,
        "website_id": store.website_id,
        "website_code": "base",
        "website_name": "Main Website",
        "locale": store.locale,
        "timezone": TIMEZONES.get(store.locale, "UTC"),
        "weight_unit": "kgs" if german else "lbs",
        "base_currency_code": store.base_currency_code,
        "default_display_currency_code": store.default_display_currency_code,
        "base_url": base,
        "base_link_url": base,
        "base_static_url": f"{base}static/",
        "base_media_url": media,
        "secure_base_url": base,
        "secure_base_link_url": base,
        "secure_base_static_url": f"{base}static/",
        "secure_base_media_url": media,
        "product_url_suffix": URL_SUFFIX,
        "category_url_suffix": URL_SUFFIX,
        "root_category_id": store.root_category_id,
        "root_category_uid": uid(store.root_category_id),
        "copyright": "Copyright © 2013-present Magento, Inc. All rights reserved.",
        "default_title": "Luma",
        "title_prefix": "",
        "title_suffix": "",
        "title_separator": "-",
        "default_description": "Luma - sportswear for people who move." if not german else "Luma - Sportmode.",
        "default_keywords": "luma, yoga, running",
        "header_logo_src": None,
        "logo_alt": "Luma",
        "logo_width": 170,
        "logo_height": 52,
        "welcome": "Default welcome msg!" if not german else "Willkommen!",
        "head_shortcut_icon": None,
        "cms_home_page": "home",
        "cms_no_route": "no-route",
        "cms_no_cookies": "enable-cookies",
        "show_cms_breadcrumbs": 1,
        "catalog_default_sort_by": "position",
        "grid_per_page": 12,
        "grid_per_page_values": "12,24,36",
        "list_mode": "grid-list",
        "list_per_page": 10,
        "list_per_page_values": "5,10,15,20,25",
        "minimum_password_length": "8",
        "required_character_classes_number": "3",
        "product_reviews_enabled": "1",
        "customer_access_token_lifetime": round(settings.SANDBOX_TOKEN_LIFETIME / 3600, 4),
    }


@resolver("Query", "storeConfig")
def resolve_store_config(root: Any, info: Any) -> dict[str, Any]:
    ctx = _ctx(info)
    return store_config(ctx, ctx.store)


@resolver("Query", "availableStores")
def resolve_available_stores(root: Any, info: Any, useCurrentGroup: bool | None = None) -> list[dict[str, Any]]:
    from sandbox.catalog.api import store_info

    ctx = _ctx(info)
    codes = Store.objects.filter(website_id=ctx.store.website_id).order_by("sort_order").values_list("code", flat=True)
    return [store_config(ctx, s) for s in (store_info(c) for c in codes) if s is not None]


@resolver("Query", "currency")
def resolve_currency(root: Any, info: Any) -> dict[str, Any]:
    store = _ctx(info).store
    base = store.base_currency_code
    rates = [{"currency_to": base, "rate": 1.0}]
    for (source, target), rate in RATES.items():
        if source == base and target in store.available_currency_codes:
            rates.append({"currency_to": target, "rate": float(rate)})
    display = store.default_display_currency_code
    return {
        "base_currency_code": base,
        "base_currency_symbol": SYMBOLS.get(base, base),
        "default_display_currency_code": display,
        "default_display_currency_symbol": SYMBOLS.get(display, display),
        "default_display_currecy_code": display,
        "default_display_currecy_symbol": SYMBOLS.get(display, display),
        "available_currency_codes": list(store.available_currency_codes),
        "exchange_rates": rates,
    }


def _country(ctx: RequestContext, row: tuple[str, str, str, str, list[tuple[int, str, str]]]) -> dict[str, Any]:
    code, iso3, english, german, regions = row
    return {
        "id": code,
        "two_letter_abbreviation": code,
        "three_letter_abbreviation": iso3,
        "full_name_english": english,
        "full_name_locale": german if ctx.store.locale.startswith("de") else english,
        "available_regions": [{"id": i, "code": c, "name": n} for i, c, n in regions] or None,
    }


@resolver("Query", "countries")
def resolve_countries(root: Any, info: Any) -> list[dict[str, Any]]:
    return [_country(_ctx(info), row) for row in COUNTRIES]


@resolver("Query", "country")
def resolve_country(root: Any, info: Any, id: str | None = None) -> dict[str, Any]:
    for row in COUNTRIES:
        if id and row[0] == id.upper():
            return _country(_ctx(info), row)
    raise GraphQLNoSuchEntity("The country isn't available.")


# --- categories ---------------------------------------------------------------------------------------------


def _filter_categories(ctx: RequestContext, filters: dict[str, Any] | None) -> list[Any]:
    cats = all_categories(ctx)
    root = ctx.store.root_category_id
    in_store = [c for c in cats.values() if c.id == root or c.path.startswith(f"1/{root}/")]
    if not filters:
        return [cats[root]] if root in cats else []
    result = in_store
    if (values := _values(filters.get("ids"))) is not None:
        result = [c for c in result if str(c.id) in values]
    if (values := _values(filters.get("category_uid"))) is not None:
        wanted = {_decode_uid(v) for v in values}
        result = [c for c in result if str(c.id) in wanted]
    if (values := _values(filters.get("parent_id"))) is not None:
        result = [c for c in result if str(c.parent_id) in values]
    if (values := _values(filters.get("parent_category_uid"))) is not None:
        wanted = {_decode_uid(v) for v in values}
        result = [c for c in result if str(c.parent_id) in wanted]
    if (values := _values(filters.get("url_key"))) is not None:
        result = [c for c in result if c.url_key in values]
    if (values := _values(filters.get("url_path"))) is not None:
        result = [c for c in result if c.url_path in values]
    match = (filters.get("name") or {}).get("match")
    if match:
        from sandbox.catalog.api import localized

        result = [c for c in result if match.lower() in localized(c, "name", ctx.store_code).lower()]
    return sorted(result, key=lambda c: (c.level, c.position, c.id))


@resolver("Query", "categoryList")
def resolve_category_list(root: Any, info: Any, **args: Any) -> list[dict[str, Any]]:
    ctx = _ctx(info)
    ctx.tag("cat_c")
    return [category_dict(ctx, c) for c in _filter_categories(ctx, args.get("filters"))]


@resolver("Query", "categories")
def resolve_categories(root: Any, info: Any, **args: Any) -> dict[str, Any]:
    from sandbox.graphql.registry import GraphQLInput

    ctx = _ctx(info)
    ctx.tag("cat_c")
    page_size = args.get("pageSize") or 20
    current_page = args.get("currentPage") or 1
    if page_size < 1:
        raise GraphQLInput("pageSize value must be greater than 0.")
    if current_page < 1:
        raise GraphQLInput("currentPage value must be greater than 0.")
    found = _filter_categories(ctx, args.get("filters"))
    total_pages = -(-len(found) // page_size) if found else 0
    if found and current_page > total_pages:
        raise GraphQLInput(
            f"currentPage value {current_page} specified is greater than the {total_pages} page(s) available."
        )
    page = found[(current_page - 1) * page_size : current_page * page_size]
    return {
        "items": [category_dict(ctx, c) for c in page],
        "total_count": len(found),
        "page_info": {"current_page": current_page, "page_size": page_size, "total_pages": total_pages},
    }


# --- products -----------------------------------------------------------------------------------------------


@resolver("Query", "products")
def resolve_products(root: Any, info: Any, **args: Any) -> dict[str, Any]:
    return search_products(_ctx(info), args)


# --- routing ------------------------------------------------------------------------------------------------


def _normalise(url: str) -> str:
    path = url.split("?", 1)[0].split("#", 1)[0].strip()
    if "://" in path:
        path = path.split("://", 1)[1].split("/", 1)[1] if "/" in path.split("://", 1)[1] else ""
    return path.strip("/")


def _lookup(ctx: RequestContext, url: str) -> UrlRewrite | None:
    path = _normalise(url)
    if path == "":
        page = _cms_page(ctx, "home")
        if page is None:
            return None
        return UrlRewrite(
            store_code=ctx.store_code,
            request_path="",
            target_path=f"cms/page/view/page_id/{page.page_id}",
            entity_type=UrlRewrite.CMS_PAGE,
            entity_id=page.page_id,
        )
    candidates = [path, f"{path}/"]
    return UrlRewrite.objects.filter(store_code=ctx.store_code, request_path__in=candidates).first()


def _resolve(ctx: RequestContext, url: str) -> tuple[UrlRewrite, str, int] | None:
    """The rewrite of the entity behind ``url``, its relative URL and the redirect code (0 when none)."""
    rewrite = _lookup(ctx, url)
    if rewrite is None:
        return None
    if not rewrite.redirect_type:
        return rewrite, rewrite.request_path, 0
    target = UrlRewrite.objects.filter(
        store_code=ctx.store_code, request_path=rewrite.target_path, redirect_type=0
    ).first()
    if target is None:
        return None
    return target, rewrite.target_path, rewrite.redirect_type


def _entity(ctx: RequestContext, rewrite: UrlRewrite) -> dict[str, Any] | None:
    if rewrite.entity_type == UrlRewrite.PRODUCT:
        product = Product.objects.filter(id=rewrite.entity_id, status=1, visibility=Product.VISIBILITY_BOTH).first()
        return ProductBatch(ctx, [product]).dicts()[0] if product else None
    if rewrite.entity_type == UrlRewrite.CATEGORY:
        category = all_categories(ctx).get(rewrite.entity_id)
        return category_dict(ctx, category) if category else None
    if rewrite.entity_type == UrlRewrite.CMS_PAGE:
        page = CmsPage.objects.filter(page_id=rewrite.entity_id, is_active=True).first()
        return cms_page_dict(ctx, page) if page else None
    return None


@resolver("Query", "route")
def resolve_route(root: Any, info: Any, url: str) -> dict[str, Any] | None:
    ctx = _ctx(info)
    found = _resolve(ctx, url)
    if found is None:
        return None
    rewrite, relative, code = found
    entity = _entity(ctx, rewrite)
    if entity is None:
        return None
    return {**entity, "relative_url": relative, "redirect_code": code}


@resolver("Query", "urlResolver")
def resolve_url_resolver(root: Any, info: Any, url: str) -> dict[str, Any] | None:
    ctx = _ctx(info)
    found = _resolve(ctx, url)
    if found is None:
        return None
    rewrite, relative, code = found
    if _entity(ctx, rewrite) is None:
        return None
    kind = {UrlRewrite.PRODUCT: "PRODUCT", UrlRewrite.CATEGORY: "CATEGORY", UrlRewrite.CMS_PAGE: "CMS_PAGE"}
    return {
        "id": rewrite.entity_id,
        "entity_uid": uid(rewrite.entity_id),
        "relative_url": relative,
        "canonical_url": relative,
        "redirectCode": code,
        "type": kind.get(rewrite.entity_type),
    }


# --- CMS ----------------------------------------------------------------------------------------------------


def _cms_page(ctx: RequestContext, identifier: str | None = None, page_id: int | None = None) -> CmsPage | None:
    pages = CmsPage.objects.filter(is_active=True, store_code__in=["", ctx.store_code])
    pages = pages.filter(page_id=page_id) if page_id is not None else pages.filter(identifier=identifier)
    # A store-specific page wins over the "all store views" one.
    return sorted(pages, key=lambda p: p.store_code != ctx.store_code)[0] if pages else None


def cms_page_dict(ctx: RequestContext, page: CmsPage) -> dict[str, Any]:
    ctx.tag(f"cms_p_{page.page_id}")
    return {
        "__typename": "CmsPage",
        "identifier": page.identifier,
        "url_key": page.identifier,
        "title": page.title,
        "content": page.content,
        "content_heading": page.content_heading or None,
        "page_layout": page.page_layout,
        "meta_title": page.meta_title or None,
        "meta_description": page.meta_description or None,
        "meta_keywords": page.meta_keywords or None,
        "redirect_code": 0,
        "relative_url": page.identifier,
        "type": "CMS_PAGE",
    }


@resolver("Query", "cmsPage")
def resolve_cms_page(root: Any, info: Any, id: int | None = None, identifier: str | None = None) -> dict[str, Any]:
    ctx = _ctx(info)
    page = _cms_page(ctx, identifier=identifier, page_id=id) if (identifier or id is not None) else None
    if page is None:
        raise GraphQLNoSuchEntity(f'The CMS page with the "{identifier if identifier else id}" ID doesn\'t exist.')
    return cms_page_dict(ctx, page)


@resolver("Query", "cmsBlocks")
def resolve_cms_blocks(root: Any, info: Any, identifiers: list[str] | None = None) -> dict[str, Any]:
    ctx = _ctx(info)
    items = []
    for identifier in identifiers or []:
        blocks = CmsBlock.objects.filter(identifier=identifier, is_active=True, store_code__in=["", ctx.store_code])
        block = sorted(blocks, key=lambda b: b.store_code != ctx.store_code)[0] if blocks else None
        if block is None:
            raise GraphQLNoSuchEntity(f'The CMS block with the "{identifier}" ID doesn\'t exist.')
        ctx.tag(f"cms_b_{block.block_id}", f"cms_b_{block.identifier}")
        items.append({"identifier": block.identifier, "title": block.title, "content": block.content})
    return {"items": items}

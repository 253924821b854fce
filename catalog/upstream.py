"""The catalog's calls to Magento: one function per GraphQL operation, returning catalog types.

Rules:
- The only catalog module that imports ``storefront.magento``. Each page costs ONE GraphQL request (the
  page chrome comes in the same document through ``ChromeFragment``), sent as a cacheable GET with the
  ``Store`` and, when the shopper chose one, ``Content-Currency`` headers.
- Magento errors propagate (the middleware and the page cache turn them into 404/503 pages), with two
  deliberate exceptions: a response with partial data is used when the page's own part is there (Magento
  answers ``products`` with an input error on non-category URLs, a missing CMS block must not take the
  page down), and a currency the store does not offer is dropped and the request sent once more without
  it (a stale cookie must not break every page).
- Raw JSON stops here: everything returned is a frozen dataclass from ``catalog.types``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from catalog import listing as listing_builder
from catalog.params import ListingParams, magento_filter, magento_sort
from catalog.sanitize import clean_html
from catalog.types import (
    Breadcrumb,
    Category,
    Chrome,
    CmsContent,
    HomePage,
    Image,
    MenuCategory,
    Money,
    OptionValue,
    Price,
    Product,
    ProductCard,
    ProductOption,
    Redirect,
    RoutePage,
    SearchPage,
    StoreIdentity,
    StoreLink,
    Suggestions,
    Swatch,
    Variant,
)
from storefront.magento import (
    MagentoGraphQLError,
    MagentoInputError,
    get_client,
    load_document,
)
from storefront.stores import store_codes, url_prefix

Json = dict[str, Any]


# --- transport ------------------------------------------------------------------------------------------


def _query(
    operation: str, variables: Json | None, store: str, currency: str | None, *, needs: str | None = None
) -> tuple[Json, tuple[str, ...]]:
    """Run one catalog operation; partial data is accepted when the field ``needs`` (or any data) came back."""
    document = load_document("catalog", operation)
    client = get_client()
    try:
        try:
            result = client.graphql(document, variables, store=store, currency=currency)
        except MagentoInputError:
            if currency is None:
                raise
            # The currency cookie names a currency this store does not offer: show the store's own instead.
            result = client.graphql(document, variables, store=store, currency=None)
        return result.data or {}, result.tags
    except MagentoGraphQLError as exc:
        data = exc.data if isinstance(exc.data, dict) else None
        if data is None or (needs is not None and data.get(needs) is None):
            raise
        return data, ()


# --- small parsers ----------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _money(node: Json | None, currency: str, locale: str) -> Money:
    node = node or {}
    return Money(_decimal(node.get("value")), node.get("currency") or currency, locale)


def _price(node: Json | None, currency: str, locale: str) -> Price:
    node = node or {}
    low = node.get("minimum_price") or {}
    high = node.get("maximum_price") or {}
    final = _money(low.get("final_price"), currency, locale)
    max_final = _money(high.get("final_price"), currency, locale) if high.get("final_price") else None
    return Price(
        regular=_money(low.get("regular_price") or low.get("final_price"), currency, locale),
        final=final,
        max_final=max_final if max_final and max_final.value > final.value else None,
    )


def _image(node: Json | None) -> Image | None:
    if not node or not node.get("url") or node.get("disabled"):
        return None
    return Image(url=node["url"], label=node.get("label") or "")


def _product_url(node: Json, prefix: str) -> str:
    return f"{prefix}/{node.get('url_key') or ''}{node.get('url_suffix') or ''}"


def _category_url(path: str | None, suffix: str | None, prefix: str) -> str:
    return f"{prefix}/{path or ''}{suffix or ''}"


def _swatch_color(value: str | None) -> str:
    text = (value or "").strip()
    return (
        text
        if len(text) in (4, 7) and text.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in text[1:])
        else ""
    )


def _card(node: Json, chrome: Chrome) -> ProductCard:
    swatches: list[Swatch] = []
    for option in node.get("configurable_options") or []:
        if (option or {}).get("attribute_code") != "color":
            continue
        for value in option.get("values") or []:
            color = _swatch_color(((value or {}).get("swatch_data") or {}).get("value"))
            swatches.append(Swatch(label=value.get("label") or "", color=color or "#cccccc"))
    return ProductCard(
        uid=node.get("uid") or "",
        sku=node.get("sku") or "",
        name=node.get("name") or "",
        url=_product_url(node, chrome.prefix),
        image=_image(node.get("small_image")),
        price=_price(node.get("price_range"), chrome.store.currency, chrome.store.locale),
        in_stock=node.get("stock_status", "IN_STOCK") != "OUT_OF_STOCK",
        swatches=tuple(swatches),
    )


def _cards(nodes: list[Json] | None, chrome: Chrome) -> tuple[ProductCard, ...]:
    return tuple(_card(n, chrome) for n in nodes or [] if n)


# --- the chrome -----------------------------------------------------------------------------------------


def _menu(nodes: list[Json], prefix: str) -> tuple[MenuCategory, ...]:
    visible = [n for n in nodes if n and n.get("include_in_menu", 1) and n.get("url_path")]
    visible.sort(key=lambda n: n.get("position") or 0)
    return tuple(
        MenuCategory(
            uid=n.get("uid") or "",
            name=n.get("name") or "",
            url=_category_url(n["url_path"], n.get("url_suffix"), prefix),
            children=_menu(n.get("children") or [], prefix),
        )
        for n in visible
    )


def _chrome(data: Json, store: str) -> Chrome:
    config = data.get("storeConfig") or {}
    currency_info = data.get("currency") or {}
    prefix = url_prefix(store)
    # Prices carry their own currency; this is what the page says it shows (and the switcher selects).
    shown = currency_info.get("default_display_currency_code") or config.get("default_display_currency_code") or ""
    identity = StoreIdentity(
        code=config.get("store_code") or store,
        name=config.get("store_name") or "",
        title=config.get("default_title") or config.get("store_name") or "",
        currency=shown,
        locale=config.get("locale") or "en_US",
        copyright=config.get("copyright") or "",
        description=config.get("default_description") or "",
        title_prefix=config.get("title_prefix") or "",
        title_suffix=config.get("title_suffix") or "",
        title_separator=config.get("title_separator") or "|",
    )
    served = store_codes()
    stores = tuple(
        StoreLink(
            code=s["store_code"],
            name=s.get("store_name") or s["store_code"],
            locale=s.get("locale") or "",
            prefix=url_prefix(s["store_code"]),
        )
        for s in data.get("availableStores") or []
        if s and s.get("store_code") in served
    )
    if not any(s.code == store for s in stores):
        stores = (StoreLink(code=store, name=identity.name, locale=identity.locale, prefix=prefix), *stores)
    roots = ((data.get("categories") or {}).get("items")) or []
    blocks = {b.get("identifier"): b.get("content") for b in ((data.get("cmsBlocks") or {}).get("items") or []) if b}
    return Chrome(
        store=identity,
        menu=_menu((roots[0] or {}).get("children") or [] if roots else [], prefix),
        stores=stores,
        currencies=tuple(c for c in currency_info.get("available_currency_codes") or [] if c),
        footer_html=clean_html(blocks.get("footer-links"), prefix=prefix),
        notice_html=clean_html(blocks.get("site-notice"), prefix=prefix),
    )


def _with_currency(chrome: Chrome, currency: str | None) -> Chrome:
    """The chrome with the currency actually shown (the shopper's choice when the store offers it)."""
    if currency and currency in chrome.currencies and currency != chrome.store.currency:
        from dataclasses import replace

        return replace(chrome, store=replace(chrome.store, currency=currency))
    return chrome


def fetch_chrome(store: str, currency: str | None = None) -> tuple[Chrome, tuple[str, ...]]:
    data, tags = _query("ChromeOnly", None, store, currency, needs="storeConfig")
    return _with_currency(_chrome(data, store), currency), tags


# --- pages ------------------------------------------------------------------------------------------------


def _cms(node: Json | None, prefix: str) -> CmsContent | None:
    if not node:
        return None
    return CmsContent(
        identifier=node.get("identifier") or "",
        title=node.get("title") or "",
        heading=node.get("content_heading") or "",
        content_html=clean_html(node.get("content"), prefix=prefix),
        meta_title=node.get("meta_title") or "",
        meta_description=node.get("meta_description") or "",
    )


def fetch_home_page(
    store: str,
    currency: str | None = None,
    *,
    identifier: str = "home",
    featured_path: str = "",
    featured_count: int = 8,
) -> HomePage:
    variables: Json = {"identifier": identifier, "featuredCount": featured_count}
    if featured_path:
        variables["featured"] = {"category_url_path": {"eq": featured_path}}
    else:
        variables["featured"] = {"price": {"from": "0"}}
    data, tags = _query("HomePage", variables, store, currency, needs="storeConfig")
    chrome = _with_currency(_chrome(data, store), currency)
    featured = ((data.get("products") or {}).get("items")) or []
    return HomePage(
        chrome=chrome, cms=_cms(data.get("cmsPage"), chrome.prefix), featured=_cards(featured, chrome), tags=tags
    )


def _listing_variables(params: ListingParams, *, search: bool, category_url_path: str | None = None) -> Json:
    variables: Json = {
        "filter": magento_filter(params, category_url_path=category_url_path),
        "pageSize": params.limit,
        "currentPage": params.page,
    }
    sort = magento_sort(params, search=search)
    if sort:
        variables["sort"] = sort
    return variables


def _breadcrumbs(nodes: list[Json] | None, suffix: str | None, prefix: str) -> tuple[Breadcrumb, ...]:
    crumbs = [n for n in nodes or [] if n and n.get("category_url_path")]
    return tuple(
        Breadcrumb(n.get("category_name") or "", _category_url(n["category_url_path"], suffix, prefix)) for n in crumbs
    )


def _category(node: Json, prefix: str) -> Category:
    suffix = node.get("url_suffix")
    children = tuple(
        MenuCategory(
            uid=c.get("uid") or "",
            name=c.get("name") or "",
            url=_category_url(c.get("url_path"), c.get("url_suffix"), prefix),
        )
        for c in sorted(
            (c for c in node.get("children") or [] if c and c.get("url_path")), key=lambda c: c.get("position") or 0
        )
    )
    return Category(
        uid=node.get("uid") or "",
        name=node.get("name") or "",
        url=_category_url(node.get("url_path"), suffix, prefix),
        description_html=clean_html(node.get("category_description"), prefix=prefix),
        meta_title=node.get("meta_title") or "",
        meta_description=node.get("meta_description") or "",
        breadcrumbs=_breadcrumbs(node.get("breadcrumbs"), suffix, prefix),
        children=children,
    )


def _options(node: Json) -> tuple[tuple[str, str, list[tuple[str, str, str]]], ...]:
    """(code, label, [(value_index, label, colour)]) per configurable option, in Magento's order."""
    result = []
    for option in sorted(
        (o for o in node.get("configurable_options") or [] if o), key=lambda o: o.get("position") or 0
    ):
        values = []
        for value in option.get("values") or []:
            if not value or value.get("value_index") is None:
                continue
            swatch = value.get("swatch_data") or {}
            color = _swatch_color(swatch.get("value")) if swatch.get("__typename") == "ColorSwatchData" else ""
            values.append((str(value["value_index"]), value.get("label") or "", color))
        result.append((option.get("attribute_code") or "", option.get("label") or "", values))
    return tuple(result)


def _variants(node: Json, chrome: Chrome) -> tuple[Variant, ...]:
    variants = []
    for entry in node.get("variants") or []:
        product = (entry or {}).get("product")
        if not product:
            continue
        values = tuple(
            (a.get("code") or "", str(a.get("value_index")))
            for a in entry.get("attributes") or []
            if a and a.get("value_index") is not None
        )
        variants.append(
            Variant(
                sku=product.get("sku") or "",
                price=_price(product.get("price_range"), chrome.store.currency, chrome.store.locale),
                in_stock=product.get("stock_status") != "OUT_OF_STOCK",
                only_left=_only_left(product),
                image=_image(product.get("image")),
                values=values,
            )
        )
    return tuple(variants)


def _only_left(node: Json) -> int | None:
    value = node.get("only_x_left_in_stock")
    try:
        return int(value) if value is not None and float(value) > 0 else None
    except (TypeError, ValueError):
        return None


def _choose(
    options: tuple[tuple[str, str, list[tuple[str, str, str]]], ...],
    variants: tuple[Variant, ...],
    chosen: dict[str, str],
) -> tuple[tuple[ProductOption, ...], tuple[tuple[str, str], ...], Variant | None]:
    """Option groups with selection and availability, the valid chosen pairs, and the resolved variant."""
    valid = {code: chosen[code] for code, _label, values in options if chosen.get(code) in {v[0] for v in values}}
    groups = []
    for code, label, values in options:
        others = {c: v for c, v in valid.items() if c != code}
        group_values = []
        for value, value_label, color in values:
            wanted = {**others, code: value}
            available = any(
                variant.in_stock and all(dict(variant.values).get(c) == v for c, v in wanted.items())
                for variant in variants
            )
            group_values.append(OptionValue(value, value_label, color, valid.get(code) == value, available))
        groups.append(ProductOption(code=code, label=label, values=tuple(group_values)))
    selected = tuple((code, valid[code]) for code, _l, _v in options if code in valid)
    variant = None
    if len(selected) == len(options) and options:
        variant = next((v for v in variants if all(dict(v.values).get(c) == val for c, val in selected)), None)
    return tuple(groups), selected, variant


def _product(node: Json, chrome: Chrome, chosen: dict[str, str]) -> Product:
    prefix = chrome.prefix
    images: list[Image] = []
    gallery = sorted((m for m in node.get("media_gallery") or [] if m), key=lambda m: m.get("position") or 0)
    for entry in [node.get("image"), *gallery]:
        image = _image(entry)
        if image and all(i.url != image.url for i in images):
            images.append(image)
    categories = [c for c in node.get("categories") or [] if c and c.get("url_path")]
    # The deepest category gives the trail (Magento's product breadcrumbs without a referring category).
    deepest = max(categories, key=lambda c: len(c.get("breadcrumbs") or []), default=None)
    crumbs: tuple[Breadcrumb, ...] = ()
    if deepest:
        crumbs = (
            *_breadcrumbs(deepest.get("breadcrumbs"), deepest.get("url_suffix"), prefix),
            Breadcrumb(
                deepest.get("name") or "", _category_url(deepest["url_path"], deepest.get("url_suffix"), prefix)
            ),
        )
    options = _options(node)
    variants = _variants(node, chrome)
    groups, selected, variant = _choose(options, variants, chosen)
    attributes: list[tuple[str, str]] = [("SKU", node.get("sku") or "")]
    for group in groups:
        attributes.append((group.label, ", ".join(v.label for v in group.values)))
    weight = node.get("weight")
    if weight:
        attributes.append(("Weight", f"{_decimal(weight).normalize():f}"))
    return Product(
        uid=node.get("uid") or "",
        sku=node.get("sku") or "",
        name=node.get("name") or "",
        url=_product_url(node, prefix),
        price=_price(node.get("price_range"), chrome.store.currency, chrome.store.locale),
        in_stock=node.get("stock_status") != "OUT_OF_STOCK",
        only_left=_only_left(node),
        images=tuple(images),
        description_html=clean_html((node.get("description") or {}).get("html"), prefix=prefix),
        short_description_html=clean_html((node.get("short_description") or {}).get("html"), prefix=prefix),
        meta_title=node.get("meta_title") or "",
        meta_description=node.get("meta_description") or "",
        breadcrumbs=crumbs,
        attributes=tuple(attributes),
        related=_cards(node.get("related_products"), chrome),
        upsells=_cards(node.get("upsell_products"), chrome),
        options=groups,
        variants=variants,
        selected=selected,
        variant=variant,
    )


def fetch_route(
    store: str, currency: str | None, url_path: str, params: ListingParams, chosen: dict[str, str]
) -> RoutePage:
    """Resolve a Magento URL (``men/tops-men.html``) to its page, with its listing, in one request."""
    category_path = url_path.rsplit(".", 1)[0] if "." in url_path.rsplit("/", 1)[-1] else url_path
    variables = {"url": url_path, **_listing_variables(params, search=False, category_url_path=category_path)}
    data, tags = _query("CatalogRoute", variables, store, currency, needs="storeConfig")
    chrome = _with_currency(_chrome(data, store), currency)
    route = data.get("route")
    if not route:
        return RoutePage(chrome=chrome, tags=tags)
    if route.get("redirect_code") in (301, 302):
        target = route.get("relative_url") or ""
        return RoutePage(
            chrome=chrome,
            tags=tags,
            redirect=Redirect(f"{chrome.prefix}/{target.lstrip('/')}", route["redirect_code"] == 301),
        )
    kind = route.get("__typename")
    if kind == "CategoryTree":
        category = _category(route, chrome.prefix)
        products = data.get("products")
        listing = listing_builder.build(products, params, category.url, chrome, _card, category=category)
        return RoutePage(chrome=chrome, tags=tags, category=category, listing=listing)
    if kind == "CmsPage":
        return RoutePage(chrome=chrome, tags=tags, cms=_cms(route, chrome.prefix))
    if route.get("sku") is not None:
        return RoutePage(chrome=chrome, tags=tags, product=_product(route, chrome, chosen))
    return RoutePage(chrome=chrome, tags=tags)


def fetch_search(store: str, currency: str | None, params: ListingParams, search_path: str) -> SearchPage:
    variables = {"search": params.query, **_listing_variables(params, search=True)}
    data, tags = _query("SearchPage", variables, store, currency, needs="storeConfig")
    chrome = _with_currency(_chrome(data, store), currency)
    products = data.get("products")
    listing = listing_builder.build(products, params, search_path, chrome, _card, search=True)
    suggestions = tuple(
        s["search"]
        for s in ((products or {}).get("suggestions") or [])
        if s and s.get("search") and s["search"] != params.query
    )
    return SearchPage(chrome=chrome, query=params.query, listing=listing, suggestions=suggestions, tags=tags)


def _trail(category: Json) -> str:
    names = [b.get("category_name") or "" for b in category.get("breadcrumbs") or [] if b]
    return " \u203a ".join([*names, category.get("name") or ""])


def fetch_suggestions(store: str, currency: str | None, query: str) -> tuple[Suggestions, Chrome | None]:
    try:
        data, _tags = _query("SearchSuggest", {"search": query, "name": query, "count": 6}, store, currency)
    except MagentoInputError:
        return Suggestions(), None  # e.g. a term shorter than Magento's minimum query length
    prefix = url_prefix(store)
    chrome = Chrome(
        store=StoreIdentity(code=store, name="", title="", currency=currency or "", locale="", copyright=""),
        menu=(),
        stores=(StoreLink(code=store, name="", locale="", prefix=prefix),),
        currencies=(),
    )
    products = _cards(((data.get("products") or {}).get("items")), chrome)
    categories = tuple(
        Breadcrumb(
            _trail(c),
            _category_url(c["url_path"], c.get("url_suffix"), prefix),
        )
        for c in ((data.get("categories") or {}).get("items")) or []
        if c and c.get("url_path")
    )
    return Suggestions(products=products, categories=categories), chrome


# --- sitemap --------------------------------------------------------------------------------------------------


def fetch_product_count(store: str) -> int:
    data, _tags = _query("SitemapIndex", None, store, None)
    return int(((data.get("products") or {}).get("total_count")) or 0)


def fetch_product_urls(store: str, page: int, page_size: int) -> list[str]:
    try:
        data, _tags = _query("SitemapProducts", {"pageSize": page_size, "currentPage": page}, store, None)
    except MagentoInputError:
        return []  # a page past the end: Magento refuses it with an input error
    prefix = url_prefix(store)
    return [
        _product_url(p, prefix) for p in ((data.get("products") or {}).get("items")) or [] if p and p.get("url_key")
    ]


def fetch_category_urls(store: str) -> list[str]:
    data, _tags = _query("SitemapCategories", None, store, None)
    prefix = url_prefix(store)
    urls: list[str] = []

    def walk(nodes: list[Json] | None) -> None:
        for node in nodes or []:
            if node and node.get("url_path"):
                urls.append(_category_url(node["url_path"], node.get("url_suffix"), prefix))
                walk(node.get("children"))

    for root in ((data.get("categories") or {}).get("items")) or []:
        walk((root or {}).get("children"))
    return urls

"""The ``products`` query: filters, search, sort, paging and aggregations, like Magento's search layer.

Rules: only enabled products visible in catalog/search are listed (configurable children are not); the
set is narrowed in SQL first (category index, sku, url_key, text, attribute values; a configurable matches
an attribute value when one of its enabled children has it) and finished in Python (price, which depends
on children and specials). Aggregations describe the whole filtered set, not just the page. Errors use
Magento's messages (GraphQlInputException).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from sandbox.catalog.api import convert, final_price, localized
from sandbox.catalog.models import Product, ProductCategory
from sandbox.catalog.shapes import all_categories, attributes, uid
from sandbox.graphql.context import RequestContext
from sandbox.graphql.registry import GraphQLInput

SELECT_ATTRIBUTES = ("color", "size")  # child-level, single option id
MULTI_ATTRIBUTES = ("material", "pattern", "climate", "activity")  # "id,id" strings
BOOLEAN_ATTRIBUTES = ("eco_collection", "new")
AGGREGATED = ("price", "category_uid", *SELECT_ATTRIBUTES, *MULTI_ATTRIBUTES, *BOOLEAN_ATTRIBUTES)
PRICE_STEP = Decimal(10)


@dataclass
class Row:
    product: Product
    position: int
    price: Decimal  # final minimum price in the display currency
    child_values: dict[str, set[int]]


def _values(spec: dict[str, Any] | None) -> list[str] | None:
    """The values of a FilterEqualTypeInput (eq / in)."""
    if not spec:
        return None
    values: list[str] = []
    if spec.get("eq") is not None:
        values.append(str(spec["eq"]))
    if spec.get("in") is not None:
        values.extend(str(v) for v in spec["in"] if v is not None)
    return values


def _decode_uid(value: str) -> str:
    import base64
    import binascii

    try:
        return base64.b64decode(value.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise GraphQLInput(f'Value of uid "{value}" is incorrect.') from None


def _category_ids(ctx: RequestContext, flt: dict[str, Any]) -> list[int] | None:
    ids: list[int] | None = None
    if (values := _values(flt.get("category_id"))) is not None:
        ids = [int(v) for v in values if v.isdigit()]
    if (values := _values(flt.get("category_uid"))) is not None:
        decoded = [_decode_uid(v) for v in values]
        ids = (ids or []) + [int(v) for v in decoded if v.isdigit()]
    if (values := _values(flt.get("category_url_path"))) is not None:
        cats = all_categories(ctx).values()
        ids = (ids or []) + [c.id for c in cats if c.url_path in values]
    return ids


def _multi_q(field: str, value: str) -> Q:
    return (
        Q(**{field: value})
        | Q(**{f"{field}__startswith": f"{value},"})
        | Q(**{f"{field}__endswith": f",{value}"})
        | Q(**{f"{field}__contains": f",{value},"})
    )


def _base_queryset(ctx: RequestContext, search: str | None, flt: dict[str, Any]) -> tuple[QuerySet, list[int] | None]:
    qs = Product.objects.filter(status=1, visibility=Product.VISIBILITY_BOTH)
    category_ids = _category_ids(ctx, flt)
    if category_ids is not None:
        qs = qs.filter(id__in=ProductCategory.objects.filter(category_id__in=category_ids).values("product_id"))
    if (values := _values(flt.get("sku"))) is not None:
        qs = qs.filter(sku__in=values)
    if (values := _values(flt.get("url_key"))) is not None:
        qs = qs.filter(url_key__in=values)
    for field in ("name", "description", "short_description"):
        match = (flt.get(field) or {}).get("match")
        if match:
            qs = qs.filter(**{f"{field}__icontains": match})
    for code in SELECT_ATTRIBUTES:
        if (values := _values(flt.get(code))) is not None:
            ints = [int(v) for v in values if v.lstrip("-").isdigit()]
            children = Product.objects.filter(status=1, **{f"{code}__in": ints}).exclude(parent_id=None)
            qs = qs.filter(Q(**{f"{code}__in": ints}) | Q(id__in=children.values("parent_id")))
    for code in MULTI_ATTRIBUTES:
        if (values := _values(flt.get(code))) is not None:
            condition = Q(pk__in=[])
            for value in values:
                condition |= _multi_q(code, value)
            qs = qs.filter(condition)
    for code in BOOLEAN_ATTRIBUTES:
        if (values := _values(flt.get(code))) is not None:
            qs = qs.filter(**{f"{code}__in": [int(v) for v in values if v.isdigit()]})
    if search:
        words = [w for w in search.split() if w]
        condition = Q()
        for word in words:
            condition &= Q(name__icontains=word) | Q(sku__icontains=word) | Q(meta_keyword__icontains=word)
        qs = qs.filter(condition)
    return qs, category_ids


ROW_FIELDS = (
    "id",
    "type_id",
    "name",
    "price",
    "special_price",
    "special_from_date",
    "special_to_date",
    "position",
    "color",
    "size",
    *MULTI_ATTRIBUTES,
    *BOOLEAN_ATTRIBUTES,
)


def _rows(ctx: RequestContext, qs: QuerySet, category_ids: list[int] | None) -> list[Row]:
    # Only the columns filtering, sorting and aggregating need: the page's items are loaded in full later.
    products = list(qs.only(*ROW_FIELDS))
    positions: dict[int, int] = {}
    if category_ids:
        for pid, position in ProductCategory.objects.filter(
            category_id__in=category_ids, product_id__in=[p.id for p in products]
        ).values_list("product_id", "position"):
            positions[pid] = min(position, positions.get(pid, position))
    conf_ids = [p.id for p in products if p.type_id == Product.CONFIGURABLE]
    kids: dict[int, list[Product]] = {}
    if conf_ids:
        for child in Product.objects.filter(parent_id__in=conf_ids, status=1).only(
            "id",
            "parent_id",
            "price",
            "special_price",
            "special_from_date",
            "special_to_date",
            "in_stock",
            "color",
            "size",
        ):
            kids.setdefault(child.parent_id, []).append(child)
    base, display = ctx.store.base_currency_code, ctx.currency
    rows = []
    for product in products:
        children = kids.get(product.id, [])
        if product.type_id == Product.CONFIGURABLE and children:
            sellable = [c for c in children if c.in_stock] or children
            price = min(final_price(c) for c in sellable)
            values = {code: {getattr(c, code) for c in children if getattr(c, code)} for code in SELECT_ATTRIBUTES}
        else:
            price = final_price(product)
            values = {code: {getattr(product, code)} if getattr(product, code) else set() for code in SELECT_ATTRIBUTES}
        rows.append(Row(product, positions.get(product.id, product.position), convert(price, base, display), values))
    return rows


def _price_filter(rows: list[Row], spec: dict[str, Any] | None) -> list[Row]:
    if not spec:
        return rows
    low = Decimal(str(spec["from"])) if spec.get("from") not in (None, "") else None
    high = Decimal(str(spec["to"])) if spec.get("to") not in (None, "") else None
    return [r for r in rows if (low is None or r.price >= low) and (high is None or r.price <= high)]


def _sort(rows: list[Row], sort: dict[str, str] | None, search: str | None, category_ids: list[int] | None) -> None:
    sort = {k: v for k, v in (sort or {}).items() if v}
    if not sort:
        sort = {"relevance": "DESC"} if search and not category_ids else {"position": "ASC"}
    # Python's sort is stable: apply keys from the least to the most significant.
    rows.sort(key=lambda r: r.product.id)
    for field, direction in reversed(list(sort.items())):
        reverse = direction == "DESC"
        if field == "name":
            rows.sort(key=lambda r: r.product.name.lower(), reverse=reverse)
        elif field == "price":
            rows.sort(key=lambda r: r.price, reverse=reverse)
        elif field == "relevance" and search:
            term = search.lower()
            # relevance DESC = best first: exact-phrase name matches before the rest.
            rows.sort(key=lambda r: (term in r.product.name.lower(), -r.position), reverse=direction != "ASC")
        else:
            rows.sort(key=lambda r: r.position, reverse=reverse)


def _aggregations(ctx: RequestContext, rows: list[Row], category_ids: list[int] | None) -> list[dict[str, Any]]:
    attrs, options = attributes(ctx)
    store = ctx.store_code
    result: list[dict[str, Any]] = []
    if rows:
        buckets: dict[int, int] = {}
        for row in rows:
            start = int(row.price // PRICE_STEP * PRICE_STEP)
            buckets[start] = buckets.get(start, 0) + 1
        step = int(PRICE_STEP)
        price_options = [
            {"label": f"{start}-{start + step}", "value": f"{start}_{start + step}", "count": count}
            for start, count in sorted(buckets.items())
        ]
        result.append(_aggregation("price", "Price", price_options, 0))
        result.append(_category_aggregation(ctx, rows, category_ids))
    for code in (*SELECT_ATTRIBUTES, *MULTI_ATTRIBUTES, *BOOLEAN_ATTRIBUTES):
        attribute = attrs.get(code)
        if attribute is None:
            continue
        counts: dict[int, int] = {}
        for row in rows:
            if code in SELECT_ATTRIBUTES:
                values = row.child_values[code]
            elif code in MULTI_ATTRIBUTES:
                raw = getattr(row.product, code)
                values = {int(v) for v in raw.split(",") if v} if raw else set()
            else:
                value = getattr(row.product, code)
                values = {value} if value is not None else set()
            for value in values:
                counts[value] = counts.get(value, 0) + 1
        if not counts:
            continue
        if code in BOOLEAN_ATTRIBUTES:
            opts = [
                {"label": "Yes" if value else "No", "value": str(value), "count": count}
                for value, count in sorted(counts.items(), reverse=True)
            ]
        else:
            ordered = sorted((v for v in counts if v in options), key=lambda v: (options[v].position, v))
            opts = [
                {"label": localized(options[v], "label", store), "value": str(v), "count": counts[v]} for v in ordered
            ]
        result.append(_aggregation(code, localized(attribute, "label", store), opts, attribute.position + 1))
    return [a for a in result if a["options"]]


def _aggregation(code: str, label: str, opts: list[dict[str, Any]], position: int) -> dict[str, Any]:
    return {
        "attribute_code": code,
        "label": label,
        "count": len(opts),
        "position": position,
        "options": [{"__typename": "AggregationOption", **o} for o in opts],
    }


def _category_aggregation(ctx: RequestContext, rows: list[Row], category_ids: list[int] | None) -> dict[str, Any]:
    cats = all_categories(ctx)
    ids = [r.product.id for r in rows]
    counts: dict[int, int] = {}
    if ids:
        pairs = ProductCategory.objects.filter(product_id__in=ids).values_list("category_id", "product_id")
        for cid, _pid in pairs:
            counts[cid] = counts.get(cid, 0) + 1
    # Like Magento's layered navigation: the children of the filtered category (or top-level ones).
    parents = set(category_ids or [ctx.store.root_category_id])
    candidates = [c for c in cats.values() if c.parent_id in parents and c.id in counts and c.include_in_menu]
    candidates.sort(key=lambda c: (c.position, c.id))
    opts = [
        {"label": localized(c, "name", ctx.store_code), "value": uid(c.id), "count": counts[c.id]} for c in candidates
    ]
    return _aggregation("category_uid", "Category", opts, 1)


def search_products(ctx: RequestContext, args: dict[str, Any]) -> dict[str, Any]:
    search = args.get("search")
    flt = args.get("filter") or {}
    if search is None and not flt:
        raise GraphQLInput("'search' or 'filter' input argument is required.")
    page_size = args.get("pageSize", 20)
    current_page = args.get("currentPage", 1)
    page_size = 20 if page_size is None else page_size
    current_page = 1 if current_page is None else current_page
    if current_page < 1:
        raise GraphQLInput("currentPage value must be greater than 0.")
    if page_size < 1:
        raise GraphQLInput("pageSize value must be greater than 0.")
    qs, category_ids = _base_queryset(ctx, search, flt)
    rows = _price_filter(_rows(ctx, qs, category_ids), flt.get("price"))
    _sort(rows, args.get("sort"), search, category_ids)
    total = len(rows)
    total_pages = math.ceil(total / page_size) if total else 0
    if total and current_page > total_pages:
        raise GraphQLInput(
            f"currentPage value {current_page} specified is greater than the {total_pages} page(s) available."
        )
    page = rows[(current_page - 1) * page_size : current_page * page_size]
    if category_ids:
        ctx.tag(*(f"cat_c_p_{cid}" for cid in category_ids))

    from sandbox.catalog.shapes import ProductBatch

    def items(info: Any) -> list[dict[str, Any]]:
        if page:
            ctx.tag("cat_p")
        full = Product.objects.in_bulk([r.product.id for r in page])
        return ProductBatch(ctx, [full[r.product.id] for r in page]).dicts()

    return {
        "total_count": total,
        "items": items,
        "page_info": {"current_page": current_page, "page_size": page_size, "total_pages": total_pages},
        "aggregations": lambda info, **kw: _aggregations(ctx, rows, category_ids),
        "sort_fields": {
            "default": "relevance" if search else "position",
            "options": [
                {"label": "Position", "value": "position"},
                {"label": "Product Name", "value": "name"},
                {"label": "Price", "value": "price"},
                *([{"label": "Relevance", "value": "relevance"}] if search else []),
            ],
        },
        "suggestions": lambda info: _suggestions(search) if search and not total else [],
    }


def _suggestions(search: str) -> list[dict[str, str]]:
    first = search.split()[0] if search.split() else ""
    if len(first) < 3:
        return []
    names = Product.objects.filter(status=1, visibility=Product.VISIBILITY_BOTH, name__icontains=first[:3]).values_list(
        "name", flat=True
    )[:5]
    return [{"search": n} for n in names]

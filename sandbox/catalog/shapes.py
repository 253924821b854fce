"""Turns catalog rows into Magento-shaped GraphQL dicts, loading related rows in bulk.

Rules: a product dict holds plain values plus *callables* for the expensive parts (categories, links,
variants, options, gallery); graphql-core's default resolver calls them only when the query asks, and
they load what they need for the whole batch at once (no N+1). Money is converted to the requested
currency here and nowhere else. Every product or category put into a response adds its Magento cache tag.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sandbox.catalog.api import convert, final_price, image_path, localized
from sandbox.catalog.models import Attribute, AttributeOption, Category, Product, ProductCategory, ProductLink
from sandbox.graphql.context import RequestContext

URL_SUFFIX = ".html"
LOW_STOCK_THRESHOLD = Decimal(5)  # cataloginventory/options/stock_threshold_qty on a demo store


def uid(value: object) -> str:
    return base64.b64encode(str(value).encode()).decode()


def money(ctx: RequestContext, amount: Decimal) -> dict[str, Any]:
    return {"value": float(convert(amount, ctx.store.base_currency_code, ctx.currency)), "currency": ctx.currency}


def absolute(ctx: RequestContext, path: str) -> str:
    return ctx.base_url.rstrip("/") + path


# --- categories -------------------------------------------------------------------------------------------


def all_categories(ctx: RequestContext) -> dict[int, Category]:
    if "categories" not in ctx.cache:
        ctx.cache["categories"] = {c.id: c for c in Category.objects.filter(is_active=True)}
    return ctx.cache["categories"]


def product_counts(ctx: RequestContext) -> dict[int, int]:
    """Visible, enabled products per category (anchor-indexed), one GROUP BY per request."""
    if "product_counts" not in ctx.cache:
        from django.db.models import Count

        rows = (
            ProductCategory.objects.filter(product__visibility=Product.VISIBILITY_BOTH, product__status=1)
            .values("category_id")
            .annotate(n=Count("product_id"))
        )
        ctx.cache["product_counts"] = {r["category_id"]: r["n"] for r in rows}
    return ctx.cache["product_counts"]


def category_dict(ctx: RequestContext, category: Category) -> dict[str, Any]:
    ctx.tag(f"cat_c_{category.id}")
    store = ctx.store_code
    cats = all_categories(ctx)
    children = sorted((c for c in cats.values() if c.parent_id == category.id), key=lambda c: (c.position, c.id))

    def breadcrumbs(info: Any) -> list[dict[str, Any]] | None:
        ids = [int(x) for x in category.path.split("/")[2:-1]]
        crumbs = [cats[i] for i in ids if i in cats]
        if not crumbs:
            return None
        return [
            {
                "category_id": c.id,
                "category_uid": uid(c.id),
                "category_level": c.level,
                "category_name": localized(c, "name", store),
                "category_url_key": c.url_key,
                "category_url_path": c.url_path,
            }
            for c in crumbs
        ]

    return {
        "__typename": "CategoryTree",
        "id": category.id,
        "uid": uid(category.id),
        "name": localized(category, "name", store),
        "url_key": category.url_key if category.level > 1 else None,
        "url_path": category.url_path or None,
        "url_suffix": URL_SUFFIX,
        "canonical_url": f"{category.url_path}{URL_SUFFIX}" if category.url_path else None,
        "level": category.level,
        "position": category.position,
        "path": category.path,
        "include_in_menu": int(category.include_in_menu),
        "is_anchor": int(category.is_anchor),
        "description": localized(category, "description", store) or None,
        "meta_title": localized(category, "meta_title", store) or None,
        "meta_description": localized(category, "meta_description", store) or None,
        "meta_keywords": category.meta_keywords or None,
        "image": absolute(ctx, category.image) if category.image else None,
        "display_mode": category.display_mode,
        "children_count": str(len(children)),
        "product_count": lambda info: product_counts(ctx).get(category.id, 0),
        "available_sort_by": ["position", "name", "price"],
        "default_sort_by": "position",
        "breadcrumbs": breadcrumbs,
        "children": lambda info: [category_dict(ctx, c) for c in children],
        "redirect_code": 0,
        "relative_url": f"{category.url_path}{URL_SUFFIX}" if category.url_path else None,
        "type": "CATEGORY",
    }


# --- attributes -------------------------------------------------------------------------------------------


def attributes(ctx: RequestContext) -> tuple[dict[str, Attribute], dict[int, AttributeOption]]:
    if "attributes" not in ctx.cache:
        attrs = {a.code: a for a in Attribute.objects.all()}
        options = {o.option_id: o for o in AttributeOption.objects.all()}
        ctx.cache["attributes"] = (attrs, options)
    return ctx.cache["attributes"]


# --- products ---------------------------------------------------------------------------------------------


class ProductBatch:
    """The products of one list (a page of results, a set of links); loads relations for all of them."""

    def __init__(self, ctx: RequestContext, products: list[Product]) -> None:
        self.ctx = ctx
        self.products = products
        self._children: dict[int, list[Product]] | None = None
        self._categories: dict[int, list[int]] | None = None
        self._links: dict[tuple[int, str], list[int]] | None = None
        self._linked: dict[int, dict[str, Any]] | None = None

    # bulk loaders
    def children(self) -> dict[int, list[Product]]:
        if self._children is None:
            ids = [p.id for p in self.products if p.type_id == Product.CONFIGURABLE]
            grouped: dict[int, list[Product]] = {i: [] for i in ids}
            if ids:
                for child in Product.objects.filter(parent_id__in=ids).order_by("id"):
                    grouped[child.parent_id].append(child)
            self._children = grouped
        return self._children

    def categories(self) -> dict[int, list[int]]:
        if self._categories is None:
            grouped: dict[int, list[int]] = {p.id: [] for p in self.products}
            rows = ProductCategory.objects.filter(product_id__in=list(grouped), direct=True).values_list(
                "product_id", "category_id"
            )
            for pid, cid in rows:
                grouped[pid].append(cid)
            self._categories = grouped
        return self._categories

    def links(self, link_type: str, product_id: int) -> list[dict[str, Any]]:
        if self._links is None:
            grouped: dict[tuple[int, str], list[int]] = {}
            rows = (
                ProductLink.objects.filter(product_id__in=[p.id for p in self.products])
                .order_by("position")
                .values_list("product_id", "link_type", "linked_id")
            )
            for pid, kind, linked in rows:
                grouped.setdefault((pid, kind), []).append(linked)
            self._links = grouped
            linked_ids = {i for ids in grouped.values() for i in ids}
            linked_products = list(
                Product.objects.filter(id__in=linked_ids, status=1, visibility=Product.VISIBILITY_BOTH)
            )
            nested = ProductBatch(self.ctx, linked_products)
            self._linked = {p.id: d for p, d in zip(linked_products, nested.dicts(), strict=True)}
        assert self._linked is not None
        return [self._linked[i] for i in self._links.get((product_id, link_type), []) if i in self._linked]

    # prices
    def price_range(self, product: Product) -> dict[str, Any]:
        if product.type_id == Product.CONFIGURABLE:
            kids = [c for c in self.children().get(product.id, []) if c.status == 1]
            sellable = [c for c in kids if c.in_stock] or kids
            pairs = [(c.price, final_price(c)) for c in sellable] or [(product.price, final_price(product))]
        else:
            pairs = [(product.price, final_price(product))]
        low = min(pairs, key=lambda p: (p[1], p[0]))
        high = max(pairs, key=lambda p: (p[1], p[0]))
        return {"minimum_price": self._price(*low), "maximum_price": self._price(*high)}

    def _price(self, regular: Decimal, final: Decimal) -> dict[str, Any]:
        regular_money = money(self.ctx, regular)
        final_money = money(self.ctx, final)
        off = Decimal(str(regular_money["value"])) - Decimal(str(final_money["value"]))
        percent = (off / Decimal(str(regular_money["value"])) * 100) if regular_money["value"] else Decimal(0)
        return {
            "regular_price": regular_money,
            "final_price": final_money,
            "discount": {"amount_off": float(off), "percent_off": float(round(percent, 2))},
        }

    # shapes
    def dicts(self) -> list[dict[str, Any]]:
        return [self.product_dict(p) for p in self.products]

    def image(self, product: Product, label: str, color: str | None = None, view: str = "main") -> dict[str, Any]:
        return {
            "__typename": "ProductImage",
            "url": absolute(self.ctx, image_path(product.shape, color or product.image_color, view)),
            "label": label,
            "position": None,
            "disabled": False,
        }

    def gallery(self, product: Product, name: str) -> list[dict[str, Any]]:
        colors = [product.image_color]
        if product.type_id == Product.CONFIGURABLE:
            for child in self.children().get(product.id, []):
                if child.image_color not in colors:
                    colors.append(child.image_color)
        views = [(colors[0], "main"), (colors[0], "back")] + [(c, "main") for c in colors[1:]]
        images = []
        for position, (color, view) in enumerate(views, start=1):
            image = self.image(product, name, color, view)
            image["position"] = position
            images.append(image)
        return images

    def stock_status(self, product: Product) -> str:
        if product.type_id == Product.CONFIGURABLE:
            ok = product.in_stock and any(c.in_stock and c.status == 1 for c in self.children().get(product.id, []))
        else:
            ok = product.in_stock
        return "IN_STOCK" if ok else "OUT_OF_STOCK"

    def product_dict(self, product: Product, *, variant: bool = False) -> dict[str, Any]:
        ctx = self.ctx
        ctx.tag(f"cat_p_{product.id}")
        name = localized(product, "name", ctx.store_code)
        special = final_price(product) if final_price(product) != product.price else None
        low_stock = (
            float(product.qty)
            if product.type_id == Product.SIMPLE and product.in_stock and 0 < product.qty <= LOW_STOCK_THRESHOLD
            else None
        )
        data: dict[str, Any] = {
            "__typename": "ConfigurableProduct" if product.type_id == Product.CONFIGURABLE else "SimpleProduct",
            "id": product.id,
            "uid": uid(product.id),
            "sku": product.sku,
            "name": name,
            "type_id": product.type_id,
            "url_key": product.url_key,
            "url_suffix": URL_SUFFIX,
            "canonical_url": f"{product.url_key}{URL_SUFFIX}" if not variant else None,
            "relative_url": f"{product.url_key}{URL_SUFFIX}",
            "redirect_code": 0,
            "type": "PRODUCT",
            "meta_title": product.meta_title or None,
            "meta_description": product.meta_description or None,
            "meta_keyword": product.meta_keyword or None,
            "description": {"html": product.description},
            "short_description": {"html": product.short_description},
            "stock_status": lambda info: self.stock_status(product),
            "only_x_left_in_stock": low_stock,
            "image": self.image(product, name),
            "small_image": self.image(product, name),
            "thumbnail": self.image(product, name),
            "swatch_image": None,
            "media_gallery": lambda info: self.gallery(product, name),
            "price_range": lambda info: self.price_range(product),
            "special_price": float(money(ctx, special)["value"]) if special is not None else None,
            "special_from_date": _date(product.special_from_date) if special is not None else None,
            "special_to_date": _date(product.special_to_date) if special is not None else None,
            "new_from_date": None,
            "new_to_date": None,
            "created_at": product.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            "updated_at": product.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            "categories": lambda info: self._categories_of(product),
            "related_products": lambda info: self.links(ProductLink.RELATED, product.id),
            "upsell_products": lambda info: self.links(ProductLink.UPSELL, product.id),
            "crosssell_products": lambda info: self.links(ProductLink.CROSSSELL, product.id),
            "rating_summary": 0.0,
            "review_count": 0,
            "weight": float(product.weight),
            "color": product.color,
            "size": product.size,
            "material": product.material or None,
            "pattern": product.pattern or None,
            "climate": product.climate or None,
            "activity": product.activity or None,
            "eco_collection": product.eco_collection,
            "new": product.new,
        }
        if product.type_id == Product.CONFIGURABLE:
            data["configurable_options"] = lambda info: self.configurable_options(product)
            data["variants"] = lambda info: self.variants(product)
        return data

    def _categories_of(self, product: Product) -> list[dict[str, Any]]:
        cats = all_categories(self.ctx)
        return [category_dict(self.ctx, cats[cid]) for cid in self.categories().get(product.id, []) if cid in cats]

    def configurable_options(self, product: Product) -> list[dict[str, Any]]:
        attrs, options = attributes(self.ctx)
        kids = [c for c in self.children().get(product.id, []) if c.status == 1]
        store = self.ctx.store_code
        result = []
        for position, code in enumerate(filter(None, product.configurable_attributes.split(","))):
            attribute = attrs[code]
            used = {getattr(c, code) for c in kids}
            values = []
            for option in sorted((options[v] for v in used if v in options), key=lambda o: (o.position, o.option_id)):
                swatch = None
                if attribute.swatch_type == "visual":
                    swatch = {"__typename": "ColorSwatchData", "value": option.swatch}
                elif attribute.swatch_type == "text":
                    swatch = {"__typename": "TextSwatchData", "value": option.swatch or option.label}
                values.append(
                    {
                        "uid": uid(f"configurable/{attribute.attribute_id}/{option.option_id}"),
                        "value_index": option.option_id,
                        "label": localized(option, "label", store),
                        "default_label": option.label,
                        "store_label": localized(option, "label", store),
                        "use_default_value": True,
                        "swatch_data": swatch,
                    }
                )
            result.append(
                {
                    "id": attribute.attribute_id * 1000 + product.id % 1000,
                    "uid": uid(f"configurable/{product.id}/{attribute.attribute_id}"),
                    "attribute_id": str(attribute.attribute_id),
                    "attribute_id_v2": attribute.attribute_id,
                    "attribute_uid": uid(f"catalog_product/{code}"),
                    "attribute_code": code,
                    "label": localized(attribute, "label", store),
                    "position": position,
                    "product_id": product.id,
                    "use_default": False,
                    "values": values,
                }
            )
        return result

    def variants(self, product: Product) -> list[dict[str, Any]]:
        attrs, options = attributes(self.ctx)
        codes = [c for c in product.configurable_attributes.split(",") if c]
        kids = [c for c in self.children().get(product.id, []) if c.status == 1]
        child_batch = ProductBatch(self.ctx, kids)
        out = []
        for child in kids:
            values = []
            for code in codes:
                option = options.get(getattr(child, code))
                if option is None:
                    continue
                values.append(
                    {
                        "code": code,
                        "value_index": option.option_id,
                        "label": localized(option, "label", self.ctx.store_code),
                        "uid": uid(f"configurable/{attrs[code].attribute_id}/{option.option_id}"),
                    }
                )
            out.append({"attributes": values, "product": child_batch.product_dict(child, variant=True)})
        return out


def _date(value: dt.date | None) -> str | None:
    return f"{value.isoformat()} 00:00:00" if value else None


def product_dicts(ctx: RequestContext, products: Iterable[Product]) -> list[dict[str, Any]]:
    return ProductBatch(ctx, list(products)).dicts()

"""The catalog interface the rest of the sandbox (carts, orders, admin REST) codes against.

Rules: callers get small frozen dataclasses with ``Decimal`` money in the website's BASE currency (USD),
never model instances; nothing here knows about HTTP. Stock and admin edits record the product's
original values first (``ProductUndo``) so ``/sandbox/reset`` can put the seeded catalog back.
Image URLs are paths (``/media/catalog/product/...``); prefix the sandbox's base URL to show them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F

from sandbox.catalog.models import (
    Attribute,
    AttributeOption,
    CmsBlock,
    CmsPage,
    CmsUndo,
    Product,
    ProductCategory,
    ProductUndo,
    Store,
)

# One fixed rate, as a store with a manually entered rate would have (Stores > Currency Rates).
RATES: dict[tuple[str, str], Decimal] = {("USD", "EUR"): Decimal("0.92")}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Sellable:
    """A purchasable simple product (or a simple child of a configurable)."""

    id: int
    sku: str
    name: str
    product_type: str
    price: Decimal
    qty: Decimal
    in_stock: bool
    enabled: bool
    parent_sku: str | None
    parent_id: int | None
    options: tuple[tuple[str, int, str, str], ...]  # (attribute_id, option id, attribute label, value label)
    image_url: str | None
    weight: Decimal
    url_key: str | None


@dataclass(frozen=True)
class ProductInfo:
    """Any product, configurable parents included."""

    id: int
    sku: str
    name: str
    product_type: str
    price: Decimal  # final price (special applied); for a configurable, the lowest child's
    regular_price: Decimal
    qty: Decimal
    in_stock: bool
    enabled: bool
    visibility: int
    url_key: str
    image_url: str | None
    weight: Decimal
    parent_sku: str | None
    parent_id: int | None
    category_ids: tuple[int, ...]
    configurable_attributes: tuple[tuple[str, str, str], ...]  # (attribute_id, code, label)
    children_skus: tuple[str, ...]


@dataclass(frozen=True)
class StoreInfo:
    id: int
    code: str
    name: str
    website_id: int
    group_id: int
    locale: str
    base_currency_code: str
    default_display_currency_code: str
    available_currency_codes: tuple[str, ...]
    root_category_id: int


def image_path(shape: str, color: str, view: str = "main") -> str:
    """Magento-style dispersed path: the first two letters become folders (``/t/e/tee-black_main.jpg``)."""
    name = f"{shape}-{color}_{view}.jpg"
    return f"/media/catalog/product/{name[0]}/{name[1]}/{name}"


def final_price(product: Product, today: dt.date | None = None) -> Decimal:
    """Price with an active special price applied (Magento takes the lower of the two)."""
    today = today or dt.date.today()
    special = product.special_price
    if special is None or special >= product.price:
        return product.price
    if product.special_from_date and product.special_from_date > today:
        return product.price
    if product.special_to_date and product.special_to_date < today:
        return product.price
    return special


def localized(obj: object, field: str, store_code: str) -> str:
    """The store view's value of a text field, falling back to the default (admin) value."""
    labels = getattr(obj, "labels", None) or {}
    value = labels.get(store_code, {}).get(field) if isinstance(labels, dict) else None
    return value if value else getattr(obj, field)


def convert(amount: Decimal, from_code: str, to_code: str) -> Decimal:
    """Convert between the store currencies; rounded to cents like Magento's displayed prices."""
    if from_code == to_code:
        return Decimal(amount).quantize(CENT, ROUND_HALF_UP)
    if (from_code, to_code) in RATES:
        rate = RATES[(from_code, to_code)]
        return (Decimal(amount) * rate).quantize(CENT, ROUND_HALF_UP)
    if (to_code, from_code) in RATES:
        rate = RATES[(to_code, from_code)]
        return (Decimal(amount) / rate).quantize(CENT, ROUND_HALF_UP)
    raise ValueError(f"No exchange rate from {from_code} to {to_code}")


def store_info(store_code: str) -> StoreInfo | None:
    store = Store.objects.filter(code=store_code).first()
    if store is None:
        return None
    return StoreInfo(
        id=store.store_id,
        code=store.code,
        name=store.name,
        website_id=store.website_id,
        group_id=store.group_id,
        locale=store.locale,
        base_currency_code=store.base_currency,
        default_display_currency_code=store.default_display_currency,
        available_currency_codes=tuple(store.allowed()),
        root_category_id=store.root_category_id,
    )


def _option_labels(store_code: str) -> tuple[dict[str, Attribute], dict[int, AttributeOption]]:
    attributes = {a.code: a for a in Attribute.objects.all()}
    options = {o.option_id: o for o in AttributeOption.objects.all()}
    return attributes, options


def _sellable(product: Product, parent: Product | None, store_code: str) -> Sellable:
    options: list[tuple[str, int, str, str]] = []
    if parent is not None:
        attributes, all_options = _option_labels(store_code)
        for code in filter(None, parent.configurable_attributes.split(",")):
            attribute = attributes[code]
            value = getattr(product, code)
            option = all_options.get(value)
            if option is not None:
                options.append(
                    (
                        str(attribute.attribute_id),
                        option.option_id,
                        localized(attribute, "label", store_code),
                        localized(option, "label", store_code),
                    )
                )
    return Sellable(
        id=product.id,
        sku=product.sku,
        name=localized(product, "name", store_code),
        product_type=product.type_id,
        price=final_price(product),
        qty=product.qty,
        in_stock=product.in_stock,
        enabled=product.status == 1,
        parent_sku=parent.sku if parent else None,
        parent_id=parent.id if parent else None,
        options=tuple(options),
        image_url=image_path(product.shape, product.image_color),
        weight=product.weight,
        url_key=(parent.url_key if parent else product.url_key) or None,
    )


def get_sellable(store_code: str, sku: str) -> Sellable | None:
    """A simple product by SKU (a configurable parent is not sellable by itself → None)."""
    product = Product.objects.filter(sku=sku, type_id=Product.SIMPLE).first()
    if product is None:
        return None
    parent = Product.objects.filter(id=product.parent_id).first() if product.parent_id else None
    return _sellable(product, parent, store_code)


def get_product_by_sku(store_code: str, sku: str) -> ProductInfo | None:
    product = Product.objects.filter(sku=sku).first()
    if product is None:
        return None
    parent = Product.objects.filter(id=product.parent_id).first() if product.parent_id else None
    children = list(Product.objects.filter(parent_id=product.id).order_by("id"))
    price = final_price(product)
    regular = product.price
    in_stock = product.in_stock
    if product.type_id == Product.CONFIGURABLE and children:
        sellable = [c for c in children if c.status == 1 and c.in_stock] or children
        price = min(final_price(c) for c in sellable)
        regular = min(c.price for c in sellable)
        in_stock = product.in_stock and any(c.in_stock and c.status == 1 for c in children)
    attributes, _ = _option_labels(store_code)
    configurable = tuple(
        (str(attributes[code].attribute_id), code, localized(attributes[code], "label", store_code))
        for code in filter(None, product.configurable_attributes.split(","))
    )
    return ProductInfo(
        id=product.id,
        sku=product.sku,
        name=localized(product, "name", store_code),
        product_type=product.type_id,
        price=price,
        regular_price=regular,
        qty=product.qty,
        in_stock=in_stock,
        enabled=product.status == 1,
        visibility=product.visibility,
        url_key=product.url_key,
        image_url=image_path(product.shape, product.image_color),
        weight=product.weight,
        parent_sku=parent.sku if parent else None,
        parent_id=parent.id if parent else None,
        category_ids=tuple(
            ProductCategory.objects.filter(product_id=(parent or product).id, direct=True).values_list(
                "category_id", flat=True
            )
        ),
        configurable_attributes=configurable,
        children_skus=tuple(c.sku for c in children),
    )


def resolve_configurable_child(store_code: str, parent_sku: str, selections: dict[str, int]) -> Sellable | None:
    """The child matching every ``{attribute_id: option id}`` selection; None when none or incomplete."""
    parent = Product.objects.filter(sku=parent_sku, type_id=Product.CONFIGURABLE).first()
    if parent is None:
        return None
    codes = [c for c in parent.configurable_attributes.split(",") if c]
    ids = {str(a.attribute_id): a.code for a in Attribute.objects.filter(code__in=codes)}
    wanted: dict[str, int] = {}
    for attribute_id, value in selections.items():
        code = ids.get(str(attribute_id))
        if code is None:
            return None
        wanted[code] = int(value)
    if set(wanted) != set(codes):
        return None
    child = Product.objects.filter(parent_id=parent.id, **wanted).first()
    return _sellable(child, parent, store_code) if child else None


def _remember(product: Product) -> None:
    ProductUndo.objects.get_or_create(
        product_id=product.id,
        defaults={
            "name": product.name,
            "labels": product.labels,
            "price": product.price,
            "qty": product.qty,
            "in_stock": product.in_stock,
            "status": product.status,
            "description": product.description,
            "short_description": product.short_description,
        },
    )


def decrement_stock(sku: str, qty: Decimal) -> None:
    """Take ``qty`` from stock; raises ValueError when there is not enough (stock is left untouched)."""
    with transaction.atomic():
        product = Product.objects.filter(sku=sku).first()
        if product is None:
            raise ValueError(f'The product "{sku}" does not exist.')
        if not product.in_stock or product.qty < qty:
            raise ValueError(f'The requested qty of "{sku}" is not available')
        _remember(product)
        Product.objects.filter(id=product.id).update(qty=F("qty") - qty)
        # Magento flips the stock status when the last unit is sold (backorders off).
        Product.objects.filter(id=product.id, qty__lte=0).update(in_stock=False)


def product_identities(product: Product, *, status_or_stock_changed: bool) -> list[str]:
    """Cache tags of a saved product, after Magento's Product::getIdentities (2.4).

    ``cat_p_<id>`` always; ``cat_c_p_<category id>`` for each category when the status or the stock status
    changed (the product appears in / disappears from listings); the configurable parent's ``cat_p_<id>``
    as ConfigurableProduct's identities plugin adds it on the storefront.
    """
    tags = [f"cat_p_{product.id}"]
    owner_id = product.parent_id or product.id
    if product.parent_id:
        tags.append(f"cat_p_{product.parent_id}")
    if status_or_stock_changed:
        category_ids = ProductCategory.objects.filter(product_id=owner_id, direct=True).values_list(
            "category_id", flat=True
        )
        tags.extend(f"cat_c_p_{cid}" for cid in sorted(category_ids))
    return list(dict.fromkeys(tags))


def update_product(
    sku: str,
    *,
    name: str | None = None,
    price: Decimal | None = None,
    qty: Decimal | None = None,
    status: int | None = None,
    description: str | None = None,
    short_description: str | None = None,
    store_code: str = "default",
) -> list[str]:
    """Admin save (PUT /V1/products/{sku}); returns the cache tags to invalidate. KeyError if unknown SKU."""
    with transaction.atomic():
        product = Product.objects.filter(sku=sku).first()
        if product is None:
            raise KeyError(sku)
        _remember(product)
        before = (product.status, product.in_stock)
        if name is not None:
            if store_code in ("default", "all", ""):
                product.name = name
            else:
                labels = dict(product.labels)
                labels[store_code] = {**labels.get(store_code, {}), "name": name}
                product.labels = labels
        if price is not None:
            product.price = Decimal(price)
        if qty is not None:
            product.qty = Decimal(qty)
            product.in_stock = product.qty > 0
        if status is not None:
            product.status = int(status)
        if description is not None:
            product.description = description
        if short_description is not None:
            product.short_description = short_description
        product.save()
        return product_identities(product, status_or_stock_changed=before != (product.status, product.in_stock))


def revert_catalog_edits() -> int:
    """Put back every product touched by update_product/decrement_stock; returns how many."""
    restored = 0
    with transaction.atomic():
        for undo in ProductUndo.objects.all():
            restored += Product.objects.filter(id=undo.product_id).update(
                name=undo.name,
                labels=undo.labels,
                price=undo.price,
                qty=undo.qty,
                in_stock=undo.in_stock,
                status=undo.status,
                description=undo.description,
                short_description=undo.short_description,
            )
        ProductUndo.objects.all().delete()
        for cms in CmsUndo.objects.all():
            kind, _, entity_id = cms.key.partition(":")
            if kind == "page":
                CmsPage.objects.filter(page_id=int(entity_id)).update(
                    title=cms.title, content=cms.content, content_heading=cms.content_heading, meta_title=cms.meta_title
                )
            else:
                CmsBlock.objects.filter(block_id=int(entity_id)).update(title=cms.title, content=cms.content)
            restored += 1
        CmsUndo.objects.all().delete()
    return restored


def update_cms_page(
    page_id: int,
    *,
    title: str | None = None,
    content: str | None = None,
    content_heading: str | None = None,
    meta_title: str | None = None,
) -> list[str]:
    """Admin save (PUT /V1/cmsPage/{id}); returns the cache tags to invalidate. KeyError if unknown id."""
    with transaction.atomic():
        page = CmsPage.objects.filter(page_id=page_id).first()
        if page is None:
            raise KeyError(page_id)
        CmsUndo.objects.get_or_create(
            key=f"page:{page_id}",
            defaults={
                "title": page.title,
                "content": page.content,
                "content_heading": page.content_heading,
                "meta_title": page.meta_title,
            },
        )
        changes = {"title": title, "content": content, "content_heading": content_heading, "meta_title": meta_title}
        for name, value in changes.items():
            if value is not None:
                setattr(page, name, value)
        page.save()
    return [f"cms_p_{page_id}"]


def update_cms_block(block_id: int, *, title: str | None = None, content: str | None = None) -> list[str]:
    """Admin save (PUT /V1/cmsBlock/{id}); returns the cache tags to invalidate. KeyError if unknown id."""
    with transaction.atomic():
        block = CmsBlock.objects.filter(block_id=block_id).first()
        if block is None:
            raise KeyError(block_id)
        CmsUndo.objects.get_or_create(
            key=f"block:{block_id}", defaults={"title": block.title, "content": block.content}
        )
        for name, value in (("title", title), ("content", content)):
            if value is not None:
                setattr(block, name, value)
        block.save()
    return [f"cms_b_{block_id}", f"cms_b_{block.identifier}"]

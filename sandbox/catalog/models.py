"""Catalog tables of the sandbox, shaped after what Magento's storefront APIs expose (not after EAV).

Rules: ids are assigned by the seed (deterministic, so cache tags such as ``cat_p_42`` are stable between
seeds); store-specific texts live in ``labels`` (``{"de": {"name": ...}}``) and fall back to the default
values; money is ``Decimal`` in the website's base currency (USD).
"""

from __future__ import annotations

from django.db import models


class Store(models.Model):  # noqa: DJ008 (no admin; never printed)
    """A store view. One website, one store group, several views (``default``, ``de``)."""

    store_id = models.IntegerField(primary_key=True)
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=255)
    website_id = models.IntegerField(default=1)
    website_code = models.CharField(max_length=32, default="base")
    website_name = models.CharField(max_length=255, default="Main Website")
    group_id = models.IntegerField(default=1)
    group_code = models.CharField(max_length=32, default="main_website_store")
    group_name = models.CharField(max_length=255, default="Main Website Store")
    locale = models.CharField(max_length=16)
    base_currency = models.CharField(max_length=3)
    default_display_currency = models.CharField(max_length=3)
    allowed_currencies = models.CharField(max_length=64)  # comma-separated ISO codes
    root_category_id = models.IntegerField()
    is_default = models.BooleanField(default=False)
    sort_order = models.IntegerField(default=0)

    def allowed(self) -> list[str]:
        return [c for c in self.allowed_currencies.split(",") if c]


class Category(models.Model):  # noqa: DJ008 (no admin; never printed)
    id = models.IntegerField(primary_key=True)
    parent_id = models.IntegerField(null=True, db_index=True)
    path = models.CharField(max_length=255)  # "1/2/3/7": ids from the tree root, like Magento
    level = models.IntegerField()
    position = models.IntegerField(default=0)
    name = models.CharField(max_length=255)
    url_key = models.CharField(max_length=255)
    url_path = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    meta_title = models.CharField(max_length=255, blank=True, default="")
    meta_description = models.TextField(blank=True, default="")
    meta_keywords = models.TextField(blank=True, default="")
    include_in_menu = models.BooleanField(default=True)
    is_anchor = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    display_mode = models.CharField(max_length=32, default="PRODUCTS")
    image = models.CharField(max_length=255, blank=True, default="")
    labels = models.JSONField(default=dict)

    class Meta:
        ordering = ["level", "position", "id"]


class Attribute(models.Model):  # noqa: DJ008 (no admin; never printed)
    """A product attribute the storefront can filter on (``color``, ``size``, ``material``...)."""

    attribute_id = models.IntegerField(primary_key=True)
    code = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=255)
    labels = models.JSONField(default=dict)
    frontend_input = models.CharField(max_length=32)  # select | multiselect | boolean
    position = models.IntegerField(default=0)
    swatch_type = models.CharField(max_length=16, blank=True, default="")  # visual | text | ""


class AttributeOption(models.Model):  # noqa: DJ008 (no admin; never printed)
    option_id = models.IntegerField(primary_key=True)
    attribute = models.ForeignKey(Attribute, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=255)
    labels = models.JSONField(default=dict)
    swatch = models.CharField(max_length=64, blank=True, default="")  # "#000000" or a short text
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "option_id"]


class Product(models.Model):  # noqa: DJ008 (no admin; never printed)
    SIMPLE = "simple"
    CONFIGURABLE = "configurable"
    VISIBILITY_NOT_VISIBLE = 1
    VISIBILITY_BOTH = 4

    id = models.IntegerField(primary_key=True)
    sku = models.CharField(max_length=64, unique=True)
    type_id = models.CharField(max_length=32)
    name = models.CharField(max_length=255)
    labels = models.JSONField(default=dict)
    url_key = models.CharField(max_length=255, db_index=True)
    description = models.TextField(blank=True, default="")
    short_description = models.TextField(blank=True, default="")
    meta_title = models.CharField(max_length=255, blank=True, default="")
    meta_description = models.TextField(blank=True, default="")
    meta_keyword = models.TextField(blank=True, default="")
    price = models.DecimalField(max_digits=12, decimal_places=2)
    special_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    special_from_date = models.DateField(null=True)
    special_to_date = models.DateField(null=True)
    qty = models.DecimalField(max_digits=12, decimal_places=4, default=0)
    in_stock = models.BooleanField(default=True)
    status = models.IntegerField(default=1)  # 1 enabled, 2 disabled (Magento's values)
    visibility = models.IntegerField(default=4)
    parent_id = models.IntegerField(null=True, db_index=True)
    position = models.IntegerField(default=0)
    weight = models.DecimalField(max_digits=10, decimal_places=4, default=1)
    # Attribute values, as Magento exposes them: select → option id, multiselect → "id,id".
    color = models.IntegerField(null=True, db_index=True)
    size = models.IntegerField(null=True, db_index=True)
    material = models.CharField(max_length=64, blank=True, default="")
    pattern = models.CharField(max_length=64, blank=True, default="")
    climate = models.CharField(max_length=64, blank=True, default="")
    activity = models.CharField(max_length=64, blank=True, default="")
    eco_collection = models.IntegerField(null=True)
    new = models.IntegerField(null=True)
    configurable_attributes = models.CharField(max_length=64, blank=True, default="")  # "color,size"
    # Images are shared by (shape, colour): a 50,000-product catalog needs only a few hundred files.
    shape = models.CharField(max_length=32, default="tee")
    image_color = models.CharField(max_length=32, default="black")
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["visibility", "status"])]


class ProductCategory(models.Model):  # noqa: DJ008 (no admin; never printed)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, db_constraint=False)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, db_constraint=False)
    position = models.IntegerField(default=0)
    # False for the rows that only index an anchor ancestor (Magento's catalog_category_product_index):
    # listings use every row, ProductInterface.categories only the direct assignments.
    direct = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["category", "position"])]


class ProductLink(models.Model):  # noqa: DJ008 (no admin; never printed)
    RELATED = "related"
    UPSELL = "upsell"
    CROSSSELL = "crosssell"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    linked = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    link_type = models.CharField(max_length=16)
    position = models.IntegerField(default=0)


class CmsPage(models.Model):  # noqa: DJ008 (no admin; never printed)
    page_id = models.IntegerField(primary_key=True)
    identifier = models.CharField(max_length=100)
    store_code = models.CharField(max_length=32, blank=True, default="")  # "" = all store views
    title = models.CharField(max_length=255)
    content_heading = models.CharField(max_length=255, blank=True, default="")
    content = models.TextField()
    meta_title = models.CharField(max_length=255, blank=True, default="")
    meta_description = models.TextField(blank=True, default="")
    meta_keywords = models.TextField(blank=True, default="")
    page_layout = models.CharField(max_length=32, default="1column")
    is_active = models.BooleanField(default=True)


class CmsBlock(models.Model):  # noqa: DJ008 (no admin; never printed)
    block_id = models.IntegerField(primary_key=True)
    identifier = models.CharField(max_length=100)
    store_code = models.CharField(max_length=32, blank=True, default="")
    title = models.CharField(max_length=255)
    content = models.TextField()
    is_active = models.BooleanField(default=True)


class UrlRewrite(models.Model):  # noqa: DJ008 (no admin; never printed)
    PRODUCT = "product"
    CATEGORY = "category"
    CMS_PAGE = "cms-page"
    CUSTOM = "custom"

    store_code = models.CharField(max_length=32)
    request_path = models.CharField(max_length=255)
    target_path = models.CharField(max_length=255)
    entity_type = models.CharField(max_length=32)
    entity_id = models.IntegerField()
    redirect_type = models.IntegerField(default=0)  # 0, 301 or 302

    class Meta:
        indexes = [models.Index(fields=["store_code", "request_path"])]


class ProductUndo(models.Model):  # noqa: DJ008 (no admin; never printed)
    """The values a product had before its first admin update, so ``/sandbox/reset`` can restore them."""

    product_id = models.IntegerField(primary_key=True)
    name = models.CharField(max_length=255)
    labels = models.JSONField(default=dict)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    qty = models.DecimalField(max_digits=12, decimal_places=4)
    in_stock = models.BooleanField()
    status = models.IntegerField()
    description = models.TextField(default="")
    short_description = models.TextField(default="")


class CmsUndo(models.Model):  # noqa: DJ008 (no admin; never printed)
    """A CMS page's or block's content before its first admin save (``page:<id>`` / ``block:<id>``)."""

    key = models.CharField(max_length=32, primary_key=True)
    title = models.CharField(max_length=255)
    content = models.TextField()
    content_heading = models.CharField(max_length=255, blank=True, default="")
    meta_title = models.CharField(max_length=255, blank=True, default="")

"""Commerce tables of the sandbox: customers, tokens, quotes, orders, outbox, webhook log.

Rules: money is ``Decimal``; amounts on quotes are never stored, they are collected from the live catalog
each time (as Magento's ``collectTotals`` does), orders keep a snapshot. Addresses on quotes and orders are
JSON in Magento's REST shape (snake_case keys) because they are copied around whole. ``is_seed`` marks the
rows ``/sandbox/reset`` keeps.
"""

from __future__ import annotations

from django.db import models


class Customer(models.Model):
    email = models.CharField(max_length=255, unique=True)
    firstname = models.CharField(max_length=255)
    lastname = models.CharField(max_length=255)
    middlename = models.CharField(max_length=255, blank=True, default="")
    prefix = models.CharField(max_length=40, blank=True, default="")
    suffix = models.CharField(max_length=40, blank=True, default="")
    dob = models.CharField(max_length=32, blank=True, default="")
    gender = models.IntegerField(default=0)
    taxvat = models.CharField(max_length=64, blank=True, default="")
    group_id = models.IntegerField(default=1)
    store_id = models.IntegerField(default=1)
    website_id = models.IntegerField(default=1)
    created_in = models.CharField(max_length=255, default="Default Store View")
    password_hash = models.CharField(max_length=255)
    default_billing = models.IntegerField(null=True)
    default_shipping = models.IntegerField(null=True)
    is_subscribed = models.BooleanField(default=False)
    rp_token = models.CharField(max_length=64, blank=True, default="")
    rp_token_created_at = models.DateTimeField(null=True)
    is_seed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.email)


class CustomerAddress(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    firstname = models.CharField(max_length=255)
    lastname = models.CharField(max_length=255)
    middlename = models.CharField(max_length=255, blank=True, default="")
    prefix = models.CharField(max_length=40, blank=True, default="")
    suffix = models.CharField(max_length=40, blank=True, default="")
    company = models.CharField(max_length=255, blank=True, default="")
    street = models.JSONField(default=list)
    city = models.CharField(max_length=255)
    region = models.CharField(max_length=255, blank=True, default="")
    region_code = models.CharField(max_length=32, blank=True, default="")
    region_id = models.IntegerField(default=0)
    country_id = models.CharField(max_length=2)
    postcode = models.CharField(max_length=32, blank=True, default="")
    telephone = models.CharField(max_length=64)
    fax = models.CharField(max_length=64, blank=True, default="")
    vat_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class AccessToken(models.Model):
    CUSTOMER = "customer"
    ADMIN = "admin"

    token = models.CharField(max_length=64, unique=True)
    user_type = models.CharField(max_length=16)
    customer = models.ForeignKey(Customer, null=True, on_delete=models.CASCADE, related_name="tokens")
    admin_username = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return str(self.user_type)


class LoginThrottle(models.Model):
    """Magento's ``oauth_token_request_log``: failures per username and user type, and the lock."""

    username = models.CharField(max_length=255)
    user_type = models.CharField(max_length=16)
    failures_count = models.IntegerField(default=0)
    lock_expires_at = models.DateTimeField(null=True)

    class Meta:
        unique_together = [("username", "user_type")]

    def __str__(self) -> str:
        return str(self.username)


class SalesRule(models.Model):
    code = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=255)
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    free_shipping = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return str(self.code)


class Quote(models.Model):
    masked_id = models.CharField(max_length=32, unique=True, null=True)  # noqa: DJ001 - NULL once assigned, unique otherwise
    customer = models.ForeignKey(Customer, null=True, on_delete=models.CASCADE, related_name="quotes")
    store_code = models.CharField(max_length=32)
    is_active = models.BooleanField(default=True)
    customer_email = models.CharField(max_length=255, blank=True, default="")
    coupon_code = models.CharField(max_length=64, blank=True, default="")
    shipping_carrier_code = models.CharField(max_length=64, blank=True, default="")
    shipping_method_code = models.CharField(max_length=64, blank=True, default="")
    payment_method = models.CharField(max_length=64, blank=True, default="")
    payment_po_number = models.CharField(max_length=64, blank=True, default="")
    reserved_order_id = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"#{self.pk}"


class QuoteAddress(models.Model):
    BILLING = "billing"
    SHIPPING = "shipping"

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="addresses")
    address_type = models.CharField(max_length=16)
    data = models.JSONField(default=dict)

    class Meta:
        unique_together = [("quote", "address_type")]

    def __str__(self) -> str:
        return str(self.address_type)


class QuoteItem(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="items")
    sku = models.CharField(max_length=64)  # the simple product's sku (a configurable's child)
    parent_sku = models.CharField(max_length=64, blank=True, default="")
    product_type = models.CharField(max_length=32, default="simple")
    name = models.CharField(max_length=255)
    qty = models.DecimalField(max_digits=12, decimal_places=4)
    price = models.DecimalField(max_digits=12, decimal_places=2)  # base currency, refreshed on collect
    options = models.JSONField(default=list)  # [{"option_id": "93", "option_value": 49}, ...]

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.sku)


class Order(models.Model):
    increment_id = models.CharField(max_length=32, unique=True, null=True)  # noqa: DJ001 - set right after insert
    quote_id = models.IntegerField(unique=True)
    customer = models.ForeignKey(Customer, null=True, on_delete=models.SET_NULL, related_name="orders")
    customer_email = models.CharField(max_length=255)
    customer_firstname = models.CharField(max_length=255, blank=True, default="")
    customer_lastname = models.CharField(max_length=255, blank=True, default="")
    store_code = models.CharField(max_length=32)
    state = models.CharField(max_length=32, default="new")
    status = models.CharField(max_length=32, default="pending")
    base_currency_code = models.CharField(max_length=3)
    order_currency_code = models.CharField(max_length=3)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    discount_amount = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_amount = models.DecimalField(max_digits=12, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2)
    grand_total = models.DecimalField(max_digits=12, decimal_places=2)
    base_grand_total = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_address = models.JSONField(default=dict)
    billing_address = models.JSONField(default=dict)
    shipping_method = models.CharField(max_length=128)
    shipping_description = models.CharField(max_length=255)
    payment_method = models.CharField(max_length=64)
    payment_title = models.CharField(max_length=255)
    coupon_code = models.CharField(max_length=64, blank=True, default="")
    protect_code = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"#{self.pk}"


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    sku = models.CharField(max_length=64)
    parent_sku = models.CharField(max_length=64, blank=True, default="")
    product_type = models.CharField(max_length=32, default="simple")
    name = models.CharField(max_length=255)
    qty = models.DecimalField(max_digits=12, decimal_places=4)
    price = models.DecimalField(max_digits=12, decimal_places=2)  # order currency
    row_total = models.DecimalField(max_digits=12, decimal_places=2)
    options = models.JSONField(default=list)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.sku)


class OutboxMail(models.Model):
    to = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    reset_url = models.CharField(max_length=512, blank=True, default="")
    reset_token = models.CharField(max_length=64, blank=True, default="")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.subject)


class WebhookDelivery(models.Model):
    url = models.CharField(max_length=512)
    status = models.IntegerField(null=True)
    tags = models.JSONField(default=list)
    error = models.TextField(blank=True, default="")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.url)

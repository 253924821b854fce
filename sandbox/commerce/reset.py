"""``POST /sandbox/reset`` hook: wipe carts, orders, tokens, throttles, outbox, webhook log and every
customer, then seed again — the demo customers come back with their original password, addresses and order.
"""

from __future__ import annotations

from django.db import transaction

from sandbox.commerce.models import (
    AccessToken,
    Customer,
    LoginThrottle,
    Order,
    OutboxMail,
    Quote,
    SalesRule,
    WebhookDelivery,
)
from sandbox.commerce.seed import seed_commerce


def reset_commerce() -> None:
    with transaction.atomic():
        for model in (Order, Quote, AccessToken, LoginThrottle, OutboxMail, WebhookDelivery, Customer, SalesRule):
            model.objects.all().delete()
        seed_commerce()

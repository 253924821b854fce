from __future__ import annotations

from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "cart"

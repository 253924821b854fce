from __future__ import annotations

from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "cart"

    def ready(self) -> None:
        # Connects the customer_signed_in receiver (merge the guest cart) however the process starts.
        from cart import services  # noqa: F401

from __future__ import annotations

from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "storefront"
    verbose_name = "Storefront infrastructure"

    def ready(self) -> None:
        from storefront import checks  # noqa: F401 - registers the project's system checks

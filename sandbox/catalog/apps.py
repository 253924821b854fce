"""App config: the label is prefixed so it can never clash with the storefront's own ``catalog`` app."""

from __future__ import annotations

from django.apps import AppConfig


class SandboxCatalogConfig(AppConfig):
    name = "sandbox.catalog"
    label = "sandbox_catalog"
    default_auto_field = "django.db.models.BigAutoField"

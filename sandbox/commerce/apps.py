"""App config for the sandbox's commerce tables.

The label is prefixed (like ``sandbox_catalog``) so it never clashes with storefront apps. After
``migrate`` the demo customer is seeded, so a fresh sandbox can log in without running the reset tool.
"""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    from sandbox.commerce.seed import seed_commerce

    seed_commerce()


class SandboxCommerceConfig(AppConfig):
    name = "sandbox.commerce"
    label = "sandbox_commerce"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_seed_after_migrate, sender=self, dispatch_uid="sandbox_commerce_seed")
        try:
            from sandbox.tools.state import register_reset_hook
        except ImportError:  # the tools module is optional; without it there is no reset endpoint
            return
        from sandbox.commerce.reset import reset_commerce

        register_reset_hook(reset_commerce)

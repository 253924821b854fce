"""System checks of our own: what Django's deploy checks cannot see in this project.

Rules: a check replaces a silenced Django check only when it is at least as strict — ``security.W003`` is
silenced because it looks for ``CsrfViewMiddleware`` by name, so ``storefront.E001`` requires our
``OriginCsrfMiddleware`` (a subclass that adds the origin check) or Django's own, and is an error, not a
warning, when neither is installed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

CSRF_MIDDLEWARES = ("storefront.csrf.OriginCsrfMiddleware", "django.middleware.csrf.CsrfViewMiddleware")


@register(Tags.security)
def csrf_middleware_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if any(name in settings.MIDDLEWARE for name in CSRF_MIDDLEWARES):
        return []
    return [
        Error(
            "No CSRF protection: neither OriginCsrfMiddleware nor CsrfViewMiddleware is in MIDDLEWARE.",
            hint="Add 'storefront.csrf.OriginCsrfMiddleware' after SessionMiddleware (see storefront/csrf.py).",
            id="storefront.E001",
        )
    ]

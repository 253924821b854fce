"""Sandbox settings: a small Django project that plays Magento 2.4 (never imported by the storefront).

Rules: configuration only from the environment (below), no admin/auth apps, SQLite with WAL. Variables:
``SANDBOX_DB``, ``SANDBOX_MEDIA_ROOT``, ``SANDBOX_TOOLS`` (the ``/sandbox/...`` test tools; off → 404),
``SANDBOX_TOKEN_LIFETIME`` (customer token seconds), ``STOREFRONT_REVALIDATE_URL`` and
``STOREFRONT_REVALIDATE_SECRET`` (the webhook a product update fires).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


SANDBOX_DB = Path(os.environ.get("SANDBOX_DB") or REPO_DIR / "var" / "sandbox.sqlite3")
SANDBOX_MEDIA_ROOT = Path(os.environ.get("SANDBOX_MEDIA_ROOT") or REPO_DIR / "var" / "sandbox-media")
SANDBOX_TOOLS = _flag("SANDBOX_TOOLS", True)
SANDBOX_TOKEN_LIFETIME = int(os.environ.get("SANDBOX_TOKEN_LIFETIME", "3600"))
STOREFRONT_REVALIDATE_URL = os.environ.get("STOREFRONT_REVALIDATE_URL", "http://127.0.0.1:8000/_revalidate")
STOREFRONT_REVALIDATE_SECRET = os.environ.get("STOREFRONT_REVALIDATE_SECRET", "dev-only-revalidation-secret")

# Modules whose import registers GraphQL resolvers (sandbox/graphql/registry.py); missing ones are skipped.
SANDBOX_GRAPHQL_MODULES = ["sandbox.catalog.resolvers", "sandbox.commerce.graphql"]

# The sandbox is a local test double: its key protects nothing.
SECRET_KEY = os.environ.get("SANDBOX_SECRET_KEY", "sandbox-only-not-a-secret")
DEBUG = _flag("SANDBOX_DEBUG", False)
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "sandbox.catalog",
    "sandbox.commerce",
]

MIDDLEWARE = [
    "sandbox.tools.middleware.sandbox_tools",
]

ROOT_URLCONF = "sandbox.urls"
WSGI_APPLICATION = "sandbox.wsgi.application"

SANDBOX_DB.parent.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(SANDBOX_DB),
        "OPTIONS": {
            # Sixteen gunicorn threads share one file: wait for the writer instead of failing at once,
            # and take the write lock up front so two writers never deadlock on a lock upgrade.
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; "
                "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA foreign_keys=ON;"
            ),
        },
        "CONN_MAX_AGE": None,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False

MEDIA_URL = "/media/"
MEDIA_ROOT = str(SANDBOX_MEDIA_ROOT)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SANDBOX_LOG_LEVEL", "WARNING").upper()},
}

"""Settings come from the environment; a missing production setting stops start-up and names itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "shop.example.com",
    "MAGENTO_BASE_URL": "https://magento.example.com",
    "REVALIDATE_SECRET": "s" * 32,
}


def load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "DEBUG"}
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.MAGENTO_BASE_URL, settings.SESSION_COOKIE_SECURE, settings.CACHES['default']['BACKEND'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "storefront.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_embedded_defaults_need_no_variables() -> None:
    result = load_settings({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["http://127.0.0.1:8001", "False", "django.core.cache.backends.locmem.LocMemCache"]


def test_full_production_environment_starts() -> None:
    result = load_settings({**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:1/0"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["https://magento.example.com", "True", "django_redis.cache.RedisCache"]


@pytest.mark.parametrize("missing", sorted(set(PRODUCTION) - {"DJANGO_ENV"}))
def test_missing_production_setting_is_named(missing: str) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = load_settings(env)
    assert result.returncode != 0
    assert f"{missing} must be set when DJANGO_ENV=production" in result.stderr


def test_malformed_number_is_reported() -> None:
    result = load_settings({"MAGENTO_READ_TIMEOUT": "soon"})
    assert result.returncode != 0
    assert "MAGENTO_READ_TIMEOUT must be a number" in result.stderr


def test_a_malformed_sentinel_list_stops_start_up_and_says_what_is_expected() -> None:
    result = load_settings({"REDIS_URL": "redis://shopcache/0", "REDIS_SENTINELS": "10.0.0.1:26379,10.0.0.2"})
    assert result.returncode != 0
    assert "REDIS_SENTINELS must be host:port pairs" in result.stderr and "'10.0.0.2'" in result.stderr

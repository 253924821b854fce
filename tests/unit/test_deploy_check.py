"""``manage.py check --deploy`` is clean with production settings (DESIGN.md §6), and stays strict.

Each check runs ``manage.py`` in a subprocess with only the environment an operator would set, so the
settings module is evaluated exactly as in production (it reads the environment at import).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Every variable settings.py or env.py might read from the developer's shell is dropped first.
_OURS = ("DJANGO_", "SECRET_KEY", "ALLOWED_HOSTS", "MAGENTO_", "REVALIDATE_", "SECURE_", "TRUST_", "DEBUG")


def production_env(**overrides: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "storefront.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters of real randomness, as an operator would
        "ALLOWED_HOSTS": "shop.example.com,www.shop.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://shop.example.com",
        "MAGENTO_BASE_URL": "https://magento.example.com",
        "REVALIDATE_SECRET": secrets.token_hex(32),
        "REDIS_URL": "redis://redis.internal:6379/0",
        **overrides,
    }


def manage_check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings() -> None:
    result = manage_check(production_env(), "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output
    assert "System check identified no issues" in output


def test_deploy_check_still_catches_an_insecure_production_override() -> None:
    """The clean run above is not a blanket silence: turning a protection off shows up again."""
    env = production_env(SECURE_HSTS_SECONDS="0", SECURE_COOKIES="false", SECURE_SSL_REDIRECT="false")
    result = manage_check(env, "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012"):
        assert check in output, output


def test_weak_secret_key_is_reported() -> None:
    result = manage_check(production_env(SECRET_KEY="short-and-guessable"), "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_removing_csrf_protection_is_an_error_although_w003_is_silenced() -> None:
    """W003 is silenced because it only knows CsrfViewMiddleware by name; storefront.E001 takes its place."""
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if 'Csrf' not in m]; "
        "from django.core.checks import run_checks; "
        "print(sorted(m.id for m in run_checks(include_deployment_checks=True)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=production_env(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "storefront.E001" in result.stdout


def test_development_defaults_are_unchanged() -> None:
    """`make run` keeps plain HTTP on 127.0.0.1: no redirect, no HSTS, no Secure-only cookies."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_SECURE, "
        "getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "storefront.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "0", "False", "None"]

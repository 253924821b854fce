"""Typed readers for settings that come from the environment.

Rules:
- Every setting has a safe default for the embedded development setup (`make run`).
- With ``DJANGO_ENV=production`` a setting marked ``required_in_production`` must be set; a missing one
  stops start-up with ``ImproperlyConfigured`` naming the variable.
- Every variable read here is documented in docs/configuration.md.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

PRODUCTION = os.environ.get("DJANGO_ENV", "development").strip().lower() == "production"


def _missing(name: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name} must be set when DJANGO_ENV=production (see docs/configuration.md).")


def env_str(name: str, default: str, *, required_in_production: bool = False) -> str:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if PRODUCTION and required_in_production:
            raise _missing(name)
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from exc


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name: str, default: list[str], *, required_in_production: bool = False) -> list[str]:
    raw = env_str(name, ",".join(default), required_in_production=required_in_production)
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_hosts(name: str) -> list[tuple[str, int]]:
    """``host:port,host:port`` (e.g. Redis Sentinels) as (host, port) pairs; empty when unset."""
    pairs = []
    for part in env_list(name, []):
        host, sep, port = part.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ImproperlyConfigured(f"{name} must be host:port pairs separated by commas, not {part!r}.")
        pairs.append((host.strip("[]"), int(port)))
    return pairs

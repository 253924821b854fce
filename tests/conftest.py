"""Shared fixtures: real processes, started once per test session on free ports.

- ``sandbox``: the Magento sandbox as a real gunicorn process over HTTP (tests/support/sandbox.py).
- ``redis_server``: a real redis-server (tests/support/redis.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.support.redis import RedisProcess, start_redis

if TYPE_CHECKING:
    from tests.support.sandbox import SandboxProcess


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    from tests.support.sandbox import start_sandbox

    proc = start_sandbox(tmp_path_factory.mktemp("sandbox"))
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def clean_sandbox(sandbox: SandboxProcess) -> SandboxProcess:
    """The sandbox with counters, faults and transactional data reset before the test."""
    sandbox.reset()
    return sandbox


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisProcess]:
    proc = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture(scope="session", autouse=True)
def _plain_static_files() -> Iterator[None]:
    """Tests render templates without running collectstatic first: serve static files from the finders.

    (Browser tests that check hashed, compressed files run collectstatic themselves.)
    """
    from django.test.utils import override_settings

    override = override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        WHITENOISE_USE_FINDERS=True,
        WHITENOISE_AUTOREFRESH=True,
    )
    override.enable()
    try:
        yield
    finally:
        override.disable()

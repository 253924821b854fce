"""Integration fixtures: the storefront (Django test client) wired to the live sandbox process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storefront.magento.client import reset_client
from storefront.pagecache.store import get_store, reset_store
from tests.support.sandbox import SandboxProcess, start_sandbox


@pytest.fixture
def shop(settings, clean_sandbox: SandboxProcess) -> Iterator[SandboxProcess]:
    """Point the storefront's Magento client at the sandbox for one test; counters start at zero."""
    settings.MAGENTO_BASE_URL = clean_sandbox.url
    reset_client()
    try:
        yield clean_sandbox
    finally:
        reset_client()


@pytest.fixture(scope="module")
def short_lived_sandbox(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SandboxProcess]:
    """A private sandbox whose customer tokens expire after the test module's ``LIFETIME`` seconds."""
    lifetime = request.module.LIFETIME
    proc = start_sandbox(tmp_path_factory.mktemp("short-tokens"), env={"SANDBOX_TOKEN_LIFETIME": str(lifetime)})
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def short_shop(settings, short_lived_sandbox: SandboxProcess) -> Iterator[SandboxProcess]:
    """Like ``shop``, against the short-token sandbox (reset for each test)."""
    short_lived_sandbox.reset()
    settings.MAGENTO_BASE_URL = short_lived_sandbox.url
    reset_client()
    try:
        yield short_lived_sandbox
    finally:
        reset_client()


@pytest.fixture(autouse=True)
def _empty_page_cache() -> Iterator[None]:
    """Each test starts with an empty page cache (the embedded in-process store unless a test says otherwise)."""
    reset_store()
    get_store().clear()
    yield
    get_store().clear()
    reset_store()

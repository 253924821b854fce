"""``manage.py synthetic_checkout`` against a real gunicorn storefront and the sandbox: a run places a real
guest order (the sandbox has it), and a place-order failure injected in the sandbox exits non-zero naming the
step. The command runs as an operator's cron would run it: a separate process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.sandbox import SandboxProcess
from tests.support.storefront import StorefrontProcess, start_storefront

REPO = Path(__file__).resolve().parents[2]
STEPS = ["home", "category", "product", "add_to_cart", "cart", "checkout", "email", "shipping_address"]
STEPS += ["shipping_method", "payment", "place_order"]


@pytest.fixture(scope="module")
def shop(sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorefrontProcess]:
    proc = start_storefront(tmp_path_factory.mktemp("synthetic-shop"), magento_url=sandbox.url)
    try:
        yield proc
    finally:
        proc.stop()


def synthetic_checkout(shop: StorefrontProcess, sandbox: SandboxProcess, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "storefront.settings", "MAGENTO_BASE_URL": sandbox.url})
    return subprocess.run(
        [sys.executable, "manage.py", "synthetic_checkout", "--base-url", shop.url, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def guest_order(sandbox: SandboxProcess, number: str, email: str, lastname: str) -> dict:
    body = json.dumps(
        {
            "query": "query($i: OrderInformationInput!) { guestOrder(input: $i) { number email status } }",
            "variables": {"i": {"number": number, "email": email, "lastname": lastname}},
        }
    ).encode()
    request = urllib.request.Request(f"{sandbox.url}/graphql", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_places_a_real_order_and_prints_each_step(shop: StorefrontProcess, clean_sandbox: SandboxProcess) -> None:
    email = f"synthetic-{uuid.uuid4().hex[:8]}@example.com"
    result = synthetic_checkout(shop, clean_sandbox, "--email", email, "--lastname", "Probe")
    assert result.returncode == 0, result.stdout + result.stderr
    for step in STEPS:
        assert re.search(rf"^\s+{step}\s+200\s+[\d.]+ ms", result.stdout, re.MULTILINE), (step, result.stdout)
    summary = re.search(r"^OK synthetic checkout: order (\S+) for (\S+) in \d+ ms \(\d+ steps\)$", result.stdout, re.M)
    assert summary, result.stdout
    number = summary.group(1)
    assert summary.group(2) == email
    order = guest_order(clean_sandbox, number, email, "Probe")
    assert order.get("data", {}).get("guestOrder", {}).get("number") == number, order
    assert order["data"]["guestOrder"]["email"] == email


def test_place_order_failure_exits_non_zero_and_names_the_step(
    shop: StorefrontProcess, clean_sandbox: SandboxProcess
) -> None:
    clean_sandbox.fault(path=r"/payment-information$", status=503)
    try:
        result = synthetic_checkout(shop, clean_sandbox, "--email", "synthetic-fail@example.com")
    finally:
        clean_sandbox.clear_faults()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL synthetic checkout at step place_order" in result.stderr
    assert "503" in result.stderr
    assert "OK synthetic checkout" not in result.stdout
    for step in STEPS[:-1]:  # everything up to the order went through and was timed
        assert re.search(rf"^\s+{step}\s+200\s", result.stdout, re.MULTILINE), (step, result.stdout)


def test_unreachable_storefront_fails_at_the_first_step(sandbox: SandboxProcess, tmp_path: Path) -> None:
    from tests.support.redis import free_port

    dead = StorefrontProcess(port=free_port(), env={}, log_path=tmp_path / "none.log")
    result = synthetic_checkout(dead, sandbox, "--timeout", "3")
    assert result.returncode == 1
    assert "FAIL synthetic checkout at step home" in result.stderr

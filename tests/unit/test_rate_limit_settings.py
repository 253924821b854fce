"""Rate limits for place-order and coupons come from the environment (the load suite raises them for its own
storefront); without variables they are the production values, 10 per client IP and cart in 5 minutes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def limits(env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RATE_LIMIT_")}
    code = (
        "import django; django.setup(); "
        "from checkout.views import PLACE_ORDER_LIMIT; from cart.views import COUPON_LIMIT; "
        "print(PLACE_ORDER_LIMIT, COUPON_LIMIT)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "storefront.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()


def test_defaults_are_the_production_limits() -> None:
    assert limits({}) == "(10, 300) (10, 300)"


def test_the_environment_raises_them_for_a_load_run() -> None:
    env = {"RATE_LIMIT_PLACE_ORDER": "5000", "RATE_LIMIT_COUPON": "700", "RATE_LIMIT_WINDOW": "60"}
    assert limits(env) == "(5000, 60) (700, 60)"

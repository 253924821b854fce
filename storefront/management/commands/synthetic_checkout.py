"""manage.py synthetic_checkout [--base-url http://127.0.0.1:8000] [--email ...] [address options]

Places one guest order through a running storefront (home → category → product → add to cart → e-mail →
address → shipping method → payment → place order → confirmation), prints each step's time and a one-line
summary. Exit 0 on success; exit 1 with the failing step named otherwise — for cron or a monitor.
Why HTTP against a running storefront and not the services in-process: see storefront/synthetic.py.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from storefront.synthetic import Address, Journey, Options, Step

DEFAULT_ADDRESS = Address()


class Command(BaseCommand):
    help = "Place a synthetic guest order through the storefront, timing each step; non-zero exit on failure."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="the running storefront")
        parser.add_argument(
            "--email",
            default="synthetic-checkout@example.com",
            help="the order's e-mail: keep it recognisable so synthetic orders can be filtered and cancelled",
        )
        parser.add_argument("--category", default="", help="category URL path (default: first menu entry)")
        parser.add_argument("--shipping-method", default="", help="carrier_method code (default: first offered)")
        parser.add_argument("--payment", default="checkmo", help="payment method code")
        parser.add_argument("--timeout", type=float, default=20.0, help="seconds per request")
        for name in ("firstname", "lastname", "street1", "city", "country_id", "region", "postcode", "telephone"):
            flag = "--" + name.replace("_", "-").replace("street1", "street")
            parser.add_argument(flag, dest=name, default=getattr(DEFAULT_ADDRESS, name))

    def handle(self, *args: object, **opts: object) -> None:
        address = Address(**{name: str(opts[name]) for name in Address.__dataclass_fields__})
        options = Options(
            base_url=str(opts["base_url"]),
            email=str(opts["email"]),
            address=address,
            category=str(opts["category"]),
            shipping_method=str(opts["shipping_method"]),
            payment=str(opts["payment"]),
            timeout=float(opts["timeout"]),  # type: ignore[arg-type]
        )
        magento = settings.MAGENTO_BASE_URL
        self.stdout.write(f"synthetic checkout via {options.base_url} (MAGENTO_BASE_URL here: {magento})")
        started = time.perf_counter()
        result = Journey(options, on_step=self._print_step).run()
        wall_ms = (time.perf_counter() - started) * 1000
        if result.failed is not None:
            raise CommandError(
                f"FAIL synthetic checkout at step {result.failed.step}: {result.failed.reason} "
                f"({len(result.steps)} steps, {wall_ms:.0f} ms)",
                returncode=1,
            )
        self.stdout.write(
            f"OK synthetic checkout: order {result.order_number} for {options.email} "
            f"in {wall_ms:.0f} ms ({len(result.steps)} steps)"
        )

    def _print_step(self, step: Step) -> None:
        detail = f"  {step.detail}" if step.detail else ""
        self.stdout.write(f"  {step.name:<17} {step.status:>3} {step.ms:>8.1f} ms{detail}")
        self.stdout.flush()

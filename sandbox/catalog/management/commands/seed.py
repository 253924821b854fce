"""``python -m sandbox seed [--products N]``: replace the catalog with the deterministic seed.

Shows progress on stderr and ends with a one-line summary (counts and seconds) on stdout.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sandbox.catalog.seed import DEFAULT_PRODUCTS, seed_catalog


class Command(BaseCommand):
    help = "Seed the sandbox catalog (deterministic). --products N sets the approximate SKU count."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--products", type=int, default=DEFAULT_PRODUCTS, help="approximate number of SKUs")
        parser.add_argument("--quiet", action="store_true", help="only print the summary")

    def handle(self, *args: Any, **options: Any) -> None:
        total = options["products"]
        if total < 1:
            self.stderr.write("--products must be at least 1")
            raise SystemExit(2)

        def progress(message: str) -> None:
            if not options["quiet"]:
                self.stderr.write(f"seed: {message}")

        result = seed_catalog(total, progress)
        self.stdout.write(result.summary())

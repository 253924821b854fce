"""manage.py preview_link /men.html --hours 24 --note "for the spring campaign" [--base https://shop.example.com]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from storefront.preview_views import mint_link


class Command(BaseCommand):
    help = "Mint a signed, expiring preview link for a page (the link holder previews fresh, uncached pages)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="page to open, e.g. /men.html")
        parser.add_argument("--hours", type=float, default=24.0)
        parser.add_argument("--note", default="")
        parser.add_argument("--base", default="http://127.0.0.1:8000", help="the shop's public base URL")

    def handle(self, *args: object, **opts: object) -> None:
        link, url = mint_link(str(opts["path"]), hours=float(opts["hours"]), note=str(opts["note"]))
        self.stdout.write(f"{str(opts['base']).rstrip('/')}{url}")
        self.stderr.write(f"Valid until {link.expires_at:%Y-%m-%d %H:%M %Z}.")

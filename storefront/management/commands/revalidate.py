"""manage.py revalidate --tag cat_p_42 --path /men.html --store de --all [--hard]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from storefront.pagecache.revalidate import purge


class Command(BaseCommand):
    help = "Purge page-cache entries by Magento tag, path, store or everything (soft unless --hard)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tag", action="append", default=[], help="Magento cache tag, e.g. cat_p_42")
        parser.add_argument("--path", action="append", default=[], help="page path, e.g. /men.html")
        parser.add_argument("--store", action="append", default=[], help="every page of a store view")
        parser.add_argument("--all", action="store_true", help="every cached page")
        parser.add_argument("--hard", action="store_true", help="delete instead of marking stale")

    def handle(self, *args: object, **opts: object) -> None:
        if not (opts["tag"] or opts["path"] or opts["store"] or opts["all"]):
            raise CommandError("name at least one --tag, --path, --store, or --all")
        result = purge(
            tags=opts["tag"],
            paths=opts["path"],
            stores=opts["store"],
            everything=bool(opts["all"]),
            hard=bool(opts["hard"]),
        )
        kind = "deleted" if result.hard else "marked stale"
        self.stdout.write(f"{result.entries} cached pages {kind}.")
        if result.edge.edges:
            self.stdout.write(
                f"Varnish: {result.edge.objects} objects purged at {result.edge.edges - result.edge.failed} of "
                f"{result.edge.edges} edges."
            )

"""manage.py warm_cache [--base-url http://127.0.0.1:8000] [--limit 200] [--concurrency 4]

Renders the most important pages ahead of traffic (after a deploy or a purge-all): every store's home page,
then the pages the sitemap lists, in its order (categories before products), up to ``--limit``. It requests
them over HTTP from the running shop, so the pages land in the cache that shop really uses (Redis, or the
worker's own memory) and in any Varnish in front of it.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
from django.core.management.base import BaseCommand, CommandError, CommandParser

from storefront.stores import store_codes, url_prefix

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_urls(client: httpx.Client, url: str, limit: int, seen: set[str] | None = None) -> list[str]:
    """Page URLs from a sitemap or sitemap index, depth first, at most ``limit``."""
    seen = seen if seen is not None else set()
    if url in seen:
        return []
    seen.add(url)
    response = client.get(url)
    if response.status_code != 200:
        return []
    try:
        root = ET.fromstring(response.content)  # noqa: S314 - our own shop's sitemap
    except ET.ParseError:
        return []
    found: list[str] = []
    if root.tag == f"{NS}sitemapindex":
        for loc in root.iter(f"{NS}loc"):
            found += sitemap_urls(client, (loc.text or "").strip(), limit - len(found), seen)
            if len(found) >= limit:
                break
    else:
        found = [(loc.text or "").strip() for loc in root.iter(f"{NS}loc")][:limit]
    return found[:limit]


class Command(BaseCommand):
    help = "Warm the page cache: home pages, then sitemap pages, up to --limit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--limit", type=int, default=200)
        parser.add_argument("--concurrency", type=int, default=4)
        parser.add_argument("--timeout", type=float, default=30.0)

    def handle(self, *args: object, **opts: object) -> None:
        base = str(opts["base_url"]).rstrip("/")
        limit = int(opts["limit"])  # type: ignore[arg-type]
        started = time.perf_counter()
        with httpx.Client(timeout=float(opts["timeout"]), follow_redirects=False) as client:  # type: ignore[arg-type]
            homes = [f"{base}{url_prefix(code)}/" for code in store_codes()]
            try:
                pages = homes + [u for u in sitemap_urls(client, f"{base}/sitemap.xml", limit) if u not in homes]
            except httpx.HTTPError as exc:
                raise CommandError(f"The shop at {base} did not answer: {exc.__class__.__name__}") from exc
            pages = [self._local(u, base) for u in pages][:limit]
            states: dict[str, int] = {}

            def warm(url: str) -> str:
                try:
                    response = client.get(url, headers={"Accept-Encoding": "br, gzip"})
                except httpx.HTTPError:
                    return "ERROR"
                return response.headers.get("X-Cache", str(response.status_code))

            with ThreadPoolExecutor(max_workers=max(1, int(opts["concurrency"]))) as pool:  # type: ignore[arg-type]
                for done, state in enumerate(pool.map(warm, pages), start=1):
                    states[state] = states.get(state, 0) + 1
                    if done % 25 == 0 or done == len(pages):
                        self.stderr.write(f"warm_cache: {done}/{len(pages)}")
        summary = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
        self.stdout.write(f"Warmed {len(pages)} pages in {time.perf_counter() - started:.1f} s ({summary or 'none'}).")

    @staticmethod
    def _local(url: str, base: str) -> str:
        """Sitemap URLs carry the public host; warm the same path on the shop we were pointed at."""
        parts = urlsplit(url)
        return f"{base}{parts.path}" + (f"?{parts.query}" if parts.query else "")

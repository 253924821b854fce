"""Screenshots of the category and product pages, desktop (1280 wide) and phone (390 wide), for the README.

Usage:
    .venv/bin/python scripts/screenshots.py                      # starts a sandbox and a storefront itself
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8000

Writes PNGs to docs/screenshots/. Uses Debian's /usr/bin/chromium through Playwright (never a downloaded
browser). Prints one line per file and a summary.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

OUT = REPO / "docs" / "screenshots"
PAGES = {
    "category": "/men/tops-men/jackets-men.html",
    "product": "/montana-wind-jacket.html?color=58&size=169",
}
VIEWPORTS = {"desktop": (1280, 1000), "phone": (390, 844)}


def start_stack(stack: ExitStack, workdir: Path) -> str:
    """A sandbox and a gunicorn storefront on free ports (the test suite's helpers); returns the shop URL."""
    from tests.support.sandbox import start_sandbox
    from tests.support.storefront import start_storefront

    sandbox = start_sandbox(workdir / "sandbox")
    stack.callback(sandbox.stop)
    shop = start_storefront(workdir / "shop", magento_url=sandbox.url)
    stack.callback(shop.stop)
    return shop.url


def capture(base_url: str) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for view, (width, height) in VIEWPORTS.items():
            context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
            page = context.new_page()
            for name, path in PAGES.items():
                page.goto(f"{base_url}{path}", wait_until="networkidle")
                target = OUT / f"{name}-{view}.png"
                page.screenshot(path=str(target), full_page=False)
                written.append(target)
                print(f"wrote {target.relative_to(REPO)} ({width}x{height})", flush=True)
            context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="a running storefront; without it one is started with a sandbox")
    args = parser.parse_args()
    with ExitStack() as stack:
        base_url = args.base_url
        if not base_url:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="screenshots-")))
            print("starting a sandbox and a storefront…", flush=True)
            base_url = start_stack(stack, workdir)
        written = capture(base_url.rstrip("/"))
    print(f"done: {len(written)} screenshots in {OUT.relative_to(REPO)}/")


if __name__ == "__main__":
    main()

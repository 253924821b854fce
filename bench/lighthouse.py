"""`make lighthouse`: Lighthouse (mobile preset) on the home, category, simple and configurable product
pages, plus the gzipped JS and CSS each page loads. Writes bench/lighthouse-report.md and bench/lighthouse-report.json.

Rules:
- Lighthouse runs from npm (pinned below) against Debian's Chromium (`CHROME_PATH=/usr/bin/chromium`); it
  is installed under bench/out/ (ignored by git) the first time, never globally, and never downloads a browser.
- Pages are measured as shoppers get them: warmed first, so Lighthouse sees the page-cache HIT.
- Each page runs `--runs` times and the run with the median performance score is reported: Lighthouse's
  simulated mobile throttling multiplies this machine's CPU noise, so the load average is in the report.
- Budgets (goals, not assertions): every category 100; JS <= 20 KB and CSS <= 15 KB gzipped per page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.run import discover_pages  # noqa: E402
from tests.support.sandbox import start_sandbox  # noqa: E402
from tests.support.storefront import start_storefront  # noqa: E402

LIGHTHOUSE_VERSION = "12.8.2"
TOOL_DIR = REPO / "bench" / "out" / "lighthouse-tool"
OUT_DIR = REPO / "bench" / "out" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}
BUDGET_KB = {"script": 20.0, "stylesheet": 15.0}


def log(message: str) -> None:
    print(f"lighthouse: {message}", flush=True)


def lighthouse_binary() -> Path:
    if os.environ.get("LIGHTHOUSE"):
        return Path(os.environ["LIGHTHOUSE"])
    binary = TOOL_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if not shutil.which("npm"):
            raise SystemExit("npm is needed to install Lighthouse (Debian: apt-get install npm)")
        log(f"installing lighthouse@{LIGHTHOUSE_VERSION} under {TOOL_DIR.relative_to(REPO)}")
        TOOL_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(TOOL_DIR),
                "--no-audit",
                "--no-fund",
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            check=True,
            capture_output=True,
        )
    return binary


def run_lighthouse(binary: Path, url: str, output: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(
        [
            str(binary),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={output}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        check=True,
        env=env,
        timeout=300,
    )
    return json.loads(output.read_text())


def summarise(report: dict) -> dict:
    audits = report["audits"]
    failing = sorted(
        f"{a['id']} ({a.get('displayValue') or a['score']})"
        for a in audits.values()
        if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") in ("binary", "numeric")
    )
    return {
        "scores": {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES},
        "metrics": {label: audits[key].get("displayValue", "") for key, label in METRICS.items()},
        "below_full_marks": failing,
    }


def asset_sizes(base_url: str, html: str) -> dict[str, float]:
    """Gzipped KB of the scripts and stylesheets the page's HTML references (same-origin only)."""
    found = {
        "script": re.findall(r'<script[^>]+src="(/[^"]+)"', html),
        "stylesheet": re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="(/[^"]+)"', html),
    }
    sizes = {}
    for kind, paths in found.items():
        total = sum(len(gzip.compress(httpx.get(f"{base_url}{path}").content, 9)) for path in sorted(set(paths)))
        sizes[kind] = round(total / 1024, 1)
    return sizes


def discover_configurable(sandbox_url: str) -> str:
    """A configurable product (swatches, variant JS): the heaviest product page type."""
    query = '{ products(search: "jacket", pageSize: 20) { items { __typename url_key url_suffix } } }'
    items = httpx.get(f"{sandbox_url}/graphql", params={"query": query}).json()["data"]["products"]["items"]
    item = next(i for i in items if i["__typename"] == "ConfigurableProduct")
    return f"/{item['url_key']}{item['url_suffix'] or ''}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median reported)")
    args = parser.parse_args()
    started = time.monotonic()
    binary = lighthouse_binary()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    sandbox = start_sandbox(work / "sandbox")
    shop = None
    results: dict[str, object] = {"lighthouse": LIGHTHOUSE_VERSION, "load_before": os.getloadavg()[0], "pages": {}}
    try:
        category, product = discover_pages(sandbox.url)
        shop = start_storefront(work / "shop", magento_url=sandbox.url)
        pages = {
            "home": "/",
            "category": category,
            "product": product,
            "configurable product": discover_configurable(sandbox.url),
        }
        for name, path in pages.items():
            url = f"{shop.url}{path}"
            html = httpx.get(url).text
            httpx.get(url)  # the second request is the page-cache HIT shoppers get
            runs = []
            for index in range(args.runs):
                log(f"{name} {path} run {index + 1}/{args.runs}")
                runs.append(
                    summarise(run_lighthouse(binary, url, OUT_DIR / f"{name.replace(' ', '-')}-{index + 1}.json"))
                )
            runs.sort(key=lambda r: r["scores"]["performance"])
            median = runs[len(runs) // 2]
            median["performance_runs"] = [r["scores"]["performance"] for r in runs]
            median["path"] = path
            median["gzip_kb"] = asset_sizes(shop.url, html)
            results["pages"][name] = median
    finally:
        if shop:
            shop.stop()
        sandbox.stop()
    results["load_after"] = os.getloadavg()[0]
    results["seconds"] = round(time.monotonic() - started)
    write_report(results)
    worst = min(p["scores"][c] for p in results["pages"].values() for c in CATEGORIES)
    log(f"done in {results['seconds']} s: lowest category score {worst}; report in bench/lighthouse-report.md")


def write_report(results: dict) -> None:
    (REPO / "bench" / "lighthouse-report.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# Lighthouse report",
        "",
        f"Lighthouse {results['lighthouse']}, mobile preset (simulated throttling), Debian Chromium, pages served",
        "from the page cache by one gunicorn worker against the sandbox. Median of the runs by performance score.",
        f"Load average before/after: {results['load_before']:.1f} / {results['load_after']:.1f} on "
        f"{os.cpu_count()} cores. Generated by `make lighthouse` in {results['seconds']} s.",
        "",
        "| page | path | performance (runs) | accessibility | best practices | SEO | "
        + " | ".join(METRICS.values())
        + " | JS KB gz | CSS KB gz |",
        "|---|---|---:|---:|---:|---:|" + "---:|" * len(METRICS) + "---:|---:|",
    ]
    for name, page in results["pages"].items():
        scores = page["scores"]
        runs = "/".join(str(s) for s in page["performance_runs"])
        metrics = " | ".join(page["metrics"][label] for label in METRICS.values())
        lines.append(
            f"| {name} | `{page['path']}` | {scores['performance']} ({runs}) | {scores['accessibility']} | "
            f"{scores['best-practices']} | {scores['seo']} | {metrics} | {page['gzip_kb']['script']} | "
            f"{page['gzip_kb']['stylesheet']} |"
        )
    budget = f"JS ≤ {BUDGET_KB['script']:.0f} KB and CSS ≤ {BUDGET_KB['stylesheet']:.0f} KB gzipped"
    lines += ["", f"Budgets: every category 100; {budget}.", "", "Audits below full marks (median run):", ""]
    for name, page in results["pages"].items():
        lines.append(f"- {name}: {', '.join(page['below_full_marks']) or 'none'}")
    (REPO / "bench" / "lighthouse-report.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

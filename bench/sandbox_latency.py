"""Sandbox speed report: seed time and the latency of a category-page query (24 products).

Writes bench/sandbox-report.md. Run: `.venv/bin/python bench/sandbox_latency.py [--requests 200] [--big 50000]`.
The category query is what a category page asks for: 24 items with prices, images, swatches and the
layered-navigation aggregations, in one GraphQL GET.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.sandbox import _env, _python, start_sandbox  # noqa: E402

TREE_QUERY = "{ categories { items { children { uid name children { uid name product_count } } } } }"
CATEGORY_QUERY = """
query BenchCategory($uid: String!) {
  products(filter: {category_uid: {eq: $uid}}, pageSize: 24, currentPage: 1, sort: {position: ASC}) {
    total_count
    page_info { current_page page_size total_pages }
    aggregations { attribute_code label count options { label value count } }
    items {
      uid sku name url_key url_suffix stock_status
      small_image { url label }
      price_range {
        minimum_price { regular_price { value currency } final_price { value currency } discount { percent_off } }
        maximum_price { final_price { value currency } }
      }
      ... on ConfigurableProduct {
        configurable_options {
          attribute_code label
          values { uid label swatch_data { value } }
        }
      }
    }
  }
}
"""


def seed_seconds(products: int | None) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(Path(tmp) / "bench.sqlite3", Path(tmp) / "media")
        subprocess.run([_python(), "-m", "sandbox", "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=REPO)
        args = [_python(), "-m", "sandbox", "seed"] + (["--products", str(products)] if products else [])
        started = time.perf_counter()
        subprocess.run(args, env=env, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started


def category_latencies(requests: int) -> tuple[list[float], str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        sandbox = start_sandbox(Path(tmp))
        try:
            with httpx.Client(base_url=sandbox.url, timeout=30) as client:
                tree = client.get(
                    "/graphql",
                    params={"query": TREE_QUERY},
                ).json()
                leaves = [c for top in tree["data"]["categories"]["items"][0]["children"] for c in top["children"]]
                leaf = max(leaves, key=lambda c: c["product_count"])
                params = {
                    "query": CATEGORY_QUERY,
                    "operationName": "BenchCategory",
                    "variables": f'{{"uid":"{leaf["uid"]}"}}',
                }
                for _ in range(10):  # warm-up
                    client.get("/graphql", params=params).raise_for_status()
                samples = []
                for _ in range(requests):
                    started = time.perf_counter()
                    response = client.get("/graphql", params=params)
                    samples.append((time.perf_counter() - started) * 1000)
                    response.raise_for_status()
                items = len(response.json()["data"]["products"]["items"])
                return samples, leaf["name"], items
        finally:
            sandbox.stop()


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--big", type=int, default=50000, help="size of the large seed to time (0 to skip)")
    args = parser.parse_args()

    print("Timing the default seed…", flush=True)
    default_seed = seed_seconds(None)
    big_seed = None
    if args.big:
        print(f"Timing a {args.big:,}-product seed…", flush=True)
        big_seed = seed_seconds(args.big)
    print(f"Timing {args.requests} category queries…", flush=True)
    samples, category, items = category_latencies(args.requests)

    rows = [
        ("default seed (≈2,000 SKUs)", f"{default_seed:.1f} s"),
        (f"seed --products {args.big}", f"{big_seed:.1f} s" if big_seed is not None else "skipped"),
        (f"category query p50 ({items} items, '{category}')", f"{statistics.median(samples):.1f} ms"),
        ("category query p95", f"{pct(samples, 95):.1f} ms"),
        ("category query p99", f"{pct(samples, 99):.1f} ms"),
    ]
    report = [
        "# Sandbox report",
        "",
        f"Machine: {os.cpu_count()} cores. Sequential requests over keep-alive HTTP.",
        "",
        "| measure | value |",
        "|---|---|",
    ] + [f"| {a} | {b} |" for a, b in rows]
    (REPO / "bench" / "sandbox-report.md").write_text("\n".join(report) + "\n")
    print("\n".join(report))
    print(
        f"Done: seed {default_seed:.1f} s, category p50 {statistics.median(samples):.1f} ms → bench/sandbox-report.md"
    )


if __name__ == "__main__":
    main()

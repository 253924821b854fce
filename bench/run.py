"""`make bench`: the page-cache benchmark. Starts Redis, the sandbox and the storefront (gunicorn, several
workers, Redis), loads them with wrk, and writes bench/report.md, bench/report.json and bench/report.png.

Scenarios (DESIGN.md §5 / issue 4):
  a  a static file of the same size as the category page, served by WhiteNoise through the same gunicorn
  b  category page HIT            c  product page HIT
  d  MISS render with the page cache off (app time excluding Magento, from Server-Timing)
  e  herd: 200 simultaneous requests for one cold page -> Magento (sandbox) calls
  f  STALE while the sandbox answers 1 s late (fresh window 1 s, so every refresh is slow)
Targets (goals for the report, not assertions): b/a >= 0.9, e = 1 call, f p99 <= 1.5 x b p99, d p50 <= 20 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.redis import start_redis  # noqa: E402
from tests.support.sandbox import start_sandbox  # noqa: E402
from tests.support.storefront import start_storefront  # noqa: E402

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


@dataclass
class Load:
    name: str
    url: str
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    bytes_per_response: int
    errors: int


def log(message: str) -> None:
    print(f"bench: {message}", flush=True)


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def wrk(name: str, url: str, *, seconds: int, connections: int, threads: int = 2) -> Load:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    dist = dict(re.findall(r"^\s*(50|90|99)(?:\.0+)?%\s+(\S+)\s*$", out, re.M))
    if len(dist) < 3:
        raise SystemExit(f"wrk printed no latency distribution for {name}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|Socket errors:.*?timeout)\s*:?\s*(\d+)", out))
    size = len(httpx.get(url).content)
    return Load(name, url, rps, _ms(dist["50"]), _ms(dist["90"]), _ms(dist["99"]), size, errors)


def discover_pages(sandbox_url: str) -> tuple[str, str]:
    """The busiest leaf category and one of its configurable products, as storefront paths."""
    query = "{ categories { items { children { children { uid url_path url_suffix product_count } } } } }"
    tree = httpx.get(f"{sandbox_url}/graphql", params={"query": query}).json()["data"]
    leaves = [c for top in tree["categories"]["items"][0]["children"] for c in top["children"]]
    leaf = max(leaves, key=lambda c: c["product_count"])
    uid = leaf["uid"]
    items_query = (
        f'{{ products(filter: {{category_uid: {{eq: "{uid}"}}}}, pageSize: 1) {{ items {{ url_key url_suffix }} }} }}'
    )
    item = httpx.get(f"{sandbox_url}/graphql", params={"query": items_query}).json()["data"]["products"]["items"][0]
    return f"/{leaf['url_path']}{leaf['url_suffix'] or ''}", f"/{item['url_key']}{item['url_suffix'] or ''}"


def server_timing(header: str, name: str) -> float | None:
    match = re.search(rf"(?:^|,\s*){name};dur=([\d.]+)", header)
    return float(match.group(1)) if match else None


def herd(url: str, n: int) -> tuple[int, dict[str, int]]:
    barrier = threading.Barrier(n)
    states: dict[str, int] = {}
    lock = threading.Lock()

    def one() -> None:
        with httpx.Client(timeout=60) as client:
            barrier.wait()
            response = client.get(url)
        with lock:
            key = f"{response.status_code} {response.headers.get('X-Cache', '-')}"
            states[key] = states.get(key, 0) + 1

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(states.values()), states


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8, help="duration of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--category", help="category page path (default: the busiest leaf category)")
    parser.add_argument("--product", help="product page path (default: one of that category's products)")
    args = parser.parse_args()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    redis = start_redis(work)
    sandbox = start_sandbox(work / "sandbox")
    stacks = []
    results: dict[str, object] = {"machine": {"cores": os.cpu_count()}, "wrk": {"seconds": args.seconds}}
    try:
        category, product = discover_pages(sandbox.url)
        category, product = args.category or category, args.product or product
        log(f"category {category}, product {product}")
        env = {"WEB_CONCURRENCY": str(args.workers), "GUNICORN_THREADS": "8", "CACHE_KEY_PREFIX": "bench"}

        # Stack 1: the production shape (Redis, several workers).
        shop = start_storefront(work / "cached", magento_url=sandbox.url, redis_url=redis.url, extra_env=env)
        stacks.append(shop)
        page = httpx.get(f"{shop.url}{category}")
        if page.status_code != 200:
            raise SystemExit(f"the category page answered {page.status_code}: is the catalog built?")
        static_file = Path(shop.env["STATIC_ROOT"]) / "bench" / "same-size.html"
        static_file.parent.mkdir(parents=True, exist_ok=True)
        static_file.write_bytes(page.content)  # the same bytes, so only the serving path differs
        shop.stop()
        shop.start()  # WhiteNoise indexes STATIC_ROOT at start-up
        for path in (category, product):
            httpx.get(f"{shop.url}{path}")
        assert httpx.get(f"{shop.url}{category}").headers.get("X-Cache") == "HIT"
        loads = {}
        for key, name, path in (
            ("a", "static file (WhiteNoise)", "/static/bench/same-size.html"),
            ("b", "category HIT", category),
            ("c", "product HIT", product),
        ):
            log(f"{key}: {name}")
            loads[key] = wrk(name, f"{shop.url}{path}", seconds=args.seconds, connections=args.connections)

        log("e: herd of 200 on a cold page")
        subprocess.run(["redis-cli", "-p", str(redis.port), "FLUSHALL"], check=True, capture_output=True)
        subprocess.run(
            ["redis-cli", "-p", str(redis.port), "PUBLISH", "bench:pc:events", "C"], check=True, capture_output=True
        )
        sandbox.reset_counters()
        sandbox.fault(path="^/graphql", latency_ms=300)  # a realistic Magento, so the herd really overlaps
        total, states = herd(f"{shop.url}{category}", 200)
        sandbox.clear_faults()
        upstream = sum(v for k, v in sandbox.counters().items() if k.startswith("graphql:"))
        results["herd"] = {"requests": total, "responses": states, "magento_calls": upstream}
        shop.stop()

        # Stack 2: page cache off -> every request renders (MISS cost).
        log("d: MISS render with the cache off")
        nocache = start_storefront(
            work / "nocache",
            magento_url=sandbox.url,
            redis_url=redis.url,
            extra_env={**env, "PAGECACHE_ENABLED": "false"},
        )
        stacks.append(nocache)
        app_ms: dict[str, list[float]] = {"category": [], "product": []}
        magento_ms: dict[str, list[float]] = {"category": [], "product": []}
        with httpx.Client(timeout=30) as client:
            for _ in range(5):
                client.get(f"{nocache.url}{category}")
                client.get(f"{nocache.url}{product}")
            for _ in range(60):
                for kind, path in (("category", category), ("product", product)):
                    timing = client.get(f"{nocache.url}{path}").headers.get("Server-Timing", "")
                    app_ms[kind].append(server_timing(timing, "app") or 0.0)
                    magento_ms[kind].append(server_timing(timing, "magento") or 0.0)
        results["miss"] = {
            kind: {
                "render_p50_ms_excluding_magento": statistics.median(app_ms[kind]),
                "render_p90_ms_excluding_magento": sorted(app_ms[kind])[int(0.9 * len(app_ms[kind]))],
                "magento_p50_ms": statistics.median(magento_ms[kind]),
            }
            for kind in app_ms
        }
        loads["d"] = wrk("category MISS (cache off)", f"{nocache.url}{category}", seconds=args.seconds, connections=4)
        nocache.stop()

        # Stack 3: a 1-second fresh window and a Magento that takes 1 s: pages are STALE most of the time.
        log("f: STALE while Magento is 1 s late")
        slow = start_storefront(
            work / "stale",
            magento_url=sandbox.url,
            redis_url=redis.url,
            extra_env={**env, "CACHE_KEY_PREFIX": "bench-stale", "PAGECACHE_CATEGORY": "1,86400,604800"},
        )
        stacks.append(slow)
        httpx.get(f"{slow.url}{category}")
        time.sleep(1.2)
        sandbox.fault(path="^/graphql", latency_ms=1000)
        seen: dict[str, int] = {}
        for _ in range(20):
            state = httpx.get(f"{slow.url}{category}").headers.get("X-Cache", "-")
            seen[state] = seen.get(state, 0) + 1
        loads["f"] = wrk(
            "category STALE, Magento 1 s late",
            f"{slow.url}{category}",
            seconds=args.seconds,
            connections=args.connections,
        )
        results["stale_states_sampled"] = seen
        sandbox.clear_faults()
        slow.stop()
    finally:
        for proc in stacks:
            proc.stop()
        sandbox.stop()
        redis.stop()
        shutil.rmtree(work, ignore_errors=True)

    results["loads"] = {k: asdict(v) for k, v in loads.items()}
    results["ratios"] = {
        "b_over_a": loads["b"].rps / loads["a"].rps,
        "c_over_a": loads["c"].rps / loads["a"].rps,
        "f_p99_over_b_p99": loads["f"].p99_ms / loads["b"].p99_ms,
    }
    results["seconds"] = time.monotonic() - started
    write_report(results, loads)
    r = results["ratios"]
    miss_p50 = results["miss"]["category"]["render_p50_ms_excluding_magento"]  # type: ignore[index]
    calls = results["herd"]["magento_calls"]  # type: ignore[index]
    log(
        f"done in {results['seconds']:.0f} s: b/a {r['b_over_a']:.2f}, c/a {r['c_over_a']:.2f}, "
        f"herd -> {calls} call(s), STALE p99 {loads['f'].p99_ms:.1f} ms "
        f"(HIT p99 {loads['b'].p99_ms:.1f} ms), MISS p50 {miss_p50:.1f} ms"
    )


def write_report(results: dict, loads: dict[str, Load]) -> None:
    out = REPO / "bench"
    (out / "report.json").write_text(json.dumps(results, indent=2) + "\n")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        keys = list(loads)
        fig, ax = plt.subplots(figsize=(9, 4.5))
        xs = range(len(keys))
        ax.bar([x - 0.2 for x in xs], [loads[k].p50_ms for k in keys], width=0.4, label="p50")
        ax.bar([x + 0.2 for x in xs], [loads[k].p99_ms for k in keys], width=0.4, label="p99")
        ax.set_xticks(list(xs), [f"{k}: {loads[k].name}" for k in keys], rotation=20, ha="right", fontsize=8)
        ax.set_yscale("log")
        ax.set_ylabel("latency (ms, log scale)")
        ax.set_title("Latency by scenario and cache state")
        ax.legend()
        fig.tight_layout()
        fig.savefig(out / "report.png", dpi=110)
        plot = "\n![Latency percentiles per scenario](report.png)\n"
    except ImportError:
        plot = "\n(matplotlib is not installed: no plot)\n"
    miss, herd, ratios = results["miss"], results["herd"], results["ratios"]
    miss_category = miss["category"]["render_p50_ms_excluding_magento"]
    miss_product = miss["product"]["render_p50_ms_excluding_magento"]
    lines = [
        "# Benchmark report",
        "",
        f"Machine: {results['machine']['cores']} cores, shared by wrk, gunicorn, Redis and the sandbox. "
        f"wrk runs of {results['wrk']['seconds']} s. Generated by `make bench` in {results['seconds']:.0f} s.",
        "",
        "| scenario | requests/s | p50 ms | p90 ms | p99 ms | bytes | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for k, v in loads.items():
        lines.append(
            f"| {k}: {v.name} | {v.rps:,.0f} | {v.p50_ms:.2f} | {v.p90_ms:.2f} | {v.p99_ms:.2f} "
            f"| {v.bytes_per_response:,} | {v.errors} |"
        )
    lines += [
        "",
        "| measure | value | target |",
        "|---|---:|---|",
        f"| b/a (category HIT vs static file, requests/s) | {ratios['b_over_a']:.2f} | ≥ 0.9 |",
        f"| c/a (product HIT vs static file, requests/s) | {ratios['c_over_a']:.2f} | ≥ 0.9 |",
        f"| e: Magento calls for {herd['requests']} simultaneous cold requests | {herd['magento_calls']} | 1 |",
        f"| f: STALE p99 / HIT p99 | {ratios['f_p99_over_b_p99']:.2f} | ≤ 1.5 |",
        f"| d: category MISS render p50 excluding Magento | {miss_category:.1f} ms | ≤ 20 ms |",
        f"| d: product MISS render p50 excluding Magento | {miss_product:.1f} ms | ≤ 20 ms |",
        "",
        f"Herd responses by status and X-Cache: {herd['responses']}. "
        f"States seen while Magento was 1 s late: {results['stale_states_sampled']}.",
        plot,
    ]
    (out / "report.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

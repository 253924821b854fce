"""`make load` (`make load QUICK=1`): the load and fault suite (issue 7). Writes bench/load-report.md,
bench/load-report.json, bench/load-latency.png and bench/load-rss.png.

Scenarios, each on its own fresh stack (a seeded sandbox copy, its own redis-server, the storefront under
gunicorn with REDIS_URL and several workers, all on free ports) so one scenario's cache, stock and memory never
leak into the next:
  mixed           200 users, 5 min, browse 60 / search 15 / cart 15 / checkout 10
  spike           0 -> 200 users in 10 s on a cold cache, then hold 2 min
  soak            50 users for 30 min: worker RSS slope and error creep
  sandbox-outage  mixed, the sandbox SIGKILLed for 30 s in the middle and restarted on the same port
  redis-restart   mixed, redis-server restarted (on the same port, empty) in the middle
QUICK scales every duration down (about 10 minutes in all, with start-up) with the same user counts.

Rules: the expectations are written into the report, never asserted (speed and resilience targets live in
bench/, not in the test suite). Locust runs headless as a subprocess; the locustfile writes its raw rows to a
side-channel JSON that this runner classifies. Orders are counted in the sandbox's own database after the run
(the sandbox's counters are in memory and would not survive the outage). Rate limits are raised through
RATE_LIMIT_PLACE_ORDER / RATE_LIMIT_COUPON because every Locust user comes from 127.0.0.1; defaults are untouched.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.load.analysis import summarize  # noqa: E402
from bench.load.report import write_report  # noqa: E402
from tests.support.redis import RedisProcess, start_redis  # noqa: E402
from tests.support.sandbox import SandboxProcess, start_sandbox  # noqa: E402
from tests.support.storefront import StorefrontProcess, start_storefront  # noqa: E402

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
RSS_EVERY = 5.0  # seconds between RSS samples
# Settings of the storefront under load: several workers with threads, a shared Redis, and rate limits that
# one IP cannot exhaust (see the module docstring; production keeps the defaults).
STOREFRONT_ENV = {
    "GUNICORN_THREADS": "8",
    "CACHE_KEY_PREFIX": "load",
    "RATE_LIMIT_PLACE_ORDER": "1000000",
    "RATE_LIMIT_COUPON": "1000000",
    "ACCESS_LOG_LEVEL": "WARNING",
}
# Two sandbox processes: one is held to one core by the GIL and was the bottleneck (docs/load.md). The runner
# never sets faults nor reads the sandbox's counters, the per-process state that needs a single worker.
SANDBOX_ENV = {"SANDBOX_WORKERS": "2", "SANDBOX_THREADS": "16", "SANDBOX_TOKEN_LIFETIME": "3600"}


@dataclass
class Scenario:
    name: str
    users: int
    spawn_rate: float
    seconds: int
    fault: str = ""  # "", "sandbox" or "redis"
    fault_at: int = 0  # seconds after Locust starts
    fault_seconds: int = 0
    expectation: str = ""


@dataclass
class Fault:
    kind: str
    down_at: float = 0.0
    up_at: float = 0.0
    notes: list[str] = field(default_factory=list)


def scenarios(quick: bool) -> list[Scenario]:
    q = quick
    zero = "0 5xx, no lost orders"
    return [
        Scenario("mixed", 200, 5, 60 if q else 300, expectation=zero),
        Scenario("spike", 200, 20, 40 if q else 130, expectation=f"{zero} (cold cache, 0 -> 200 users in 10 s)"),
        Scenario(
            "soak", 50, 5, 150 if q else 1800, expectation=f"{zero}, worker RSS flat, no error creep (last third)"
        ),
        Scenario(
            "sandbox-outage",
            200,
            5,
            90 if q else 300,
            fault="sandbox",
            fault_at=40 if q else 135,
            fault_seconds=15 if q else 30,
            expectation="503 only for uncached/transactional pages while Magento is down; no lost orders",
        ),
        Scenario(
            "redis-restart",
            200,
            5,
            60 if q else 300,
            fault="redis",
            fault_at=30 if q else 150,
            fault_seconds=2,
            expectation=f"{zero} (Redis empty after the restart: cache, locks and rate-limit counters are gone)",
        ),
    ]


def log(message: str) -> None:
    print(f"load {time.strftime('%H:%M:%S')}: {message}", flush=True)


# --- processes ----------------------------------------------------------------------------------------------------


def worker_rss(master: int) -> dict[int, float]:
    """RSS in MB of every child of the gunicorn master (its workers), read from /proc."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return {}
    sizes: dict[int, float] = {}
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue  # the worker exited between the two reads
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                sizes[int(pid)] = int(line.split()[1]) / 1024
    return sizes


def page_copies(shop: StorefrontProcess) -> dict[str, float]:
    """MB of page copies each live worker keeps (``storefront_pagecache_local_copy_bytes`` by pid, from the
    storefront's /metrics, which answers 127.0.0.1); empty when the scrape fails."""
    try:
        text = httpx.get(f"{shop.url}/metrics", timeout=5, headers={"Connection": "close"}).text
    except httpx.HTTPError:
        return {}
    copies: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "storefront_pagecache_local_copy_bytes" and "pid" in sample.labels:
                copies[sample.labels["pid"]] = round(sample.value / 1024 / 1024, 2)
    return copies


class Sampler(threading.Thread):
    """Every few seconds: each worker's RSS and page copies, the sandbox's RSS and the load average."""

    def __init__(self, shop: StorefrontProcess, sandbox: SandboxProcess) -> None:
        super().__init__(daemon=True)
        self.shop, self.sandbox = shop, sandbox
        self.samples: list[dict[str, Any]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            assert self.shop.process is not None
            sandbox_pid = self.sandbox.process.pid if self.sandbox.process else None
            self.samples.append(
                {
                    "t": time.time(),
                    "workers": {str(k): round(v, 1) for k, v in worker_rss(self.shop.process.pid).items()},
                    "copies": page_copies(self.shop),
                    # The sandbox pid is its gunicorn master; the work (and the memory) is in its workers.
                    "sandbox_mb": round(sum(worker_rss(sandbox_pid).values()), 1) if sandbox_pid else None,
                    "load1": os.getloadavg()[0],
                }
            )
            self.done.wait(RSS_EVERY)


def kill_sandbox(sandbox: SandboxProcess) -> None:
    """A crash, not a shutdown: SIGKILL the whole process group, in-flight requests die with it."""
    process, sandbox.process = sandbox.process, None
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def restart_redis(redis: RedisProcess, workdir: Path, down_seconds: float) -> None:
    """Stop redis-server and start a new, empty one on the same port (what a restart without persistence does)."""
    redis.stop()
    time.sleep(down_seconds)
    binary = shutil.which("redis-server") or "redis-server"
    command = [binary, "--port", str(redis.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    redis.process = subprocess.Popen(
        [*command, "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", redis.port), timeout=0.2) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not come back within 10 s")


# --- the catalogue and the orders, from the sandbox -------------------------------------------------------------

_CATEGORIES = "{ categories { items { children { url_path url_suffix children { url_path url_suffix } } } } }"
_PRODUCTS = """query ($page: Int!) { products(filter: {price: {from: "0.01"}}, pageSize: 100, currentPage: $page) {
  total_count items { __typename sku url_key url_suffix stock_status
  ... on ConfigurableProduct { variants { product { sku stock_status } attributes { code value_index } } } } } }"""


def _graphql(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    payload = httpx.post(f"{url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60).json()
    if payload.get("errors"):
        raise RuntimeError(f"sandbox GraphQL: {payload['errors']}")
    return payload["data"]


def discover_catalog(sandbox: SandboxProcess, min_stock: int = 100) -> dict[str, list[Any]]:
    """Category and product paths to browse, and products to buy: in stock with at least ``min_stock`` units, so
    the run does not turn into a stock-out test. Stock levels are read from the sandbox's database."""
    categories: list[str] = []
    for top in _graphql(sandbox.url, _CATEGORIES)["categories"]["items"][0]["children"]:
        for node in [top, *(top.get("children") or [])]:
            categories.append(f"/{node['url_path']}{node['url_suffix'] or ''}")
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        found = _graphql(sandbox.url, _PRODUCTS, {"page": page})["products"]
        items += found["items"]
        if not found["items"] or len(items) >= found["total_count"] or page >= 20:
            break
        page += 1
    with sqlite3.connect(f"file:{sandbox.env['SANDBOX_DB']}?mode=ro", uri=True) as db:
        stock = {sku: float(qty) for sku, qty in db.execute("SELECT sku, qty FROM sandbox_catalog_product")}
    products, purchasable = [], []
    for item in items:
        url = f"/{item['url_key']}{item.get('url_suffix') or ''}"
        products.append(url)
        if item["stock_status"] != "IN_STOCK":
            continue
        if item["__typename"] == "SimpleProduct" and stock.get(item["sku"], 0) >= min_stock:
            purchasable.append({"sku": item["sku"], "url": url, "options": {}})
        for variant in item.get("variants") or []:
            child = variant["product"]
            if child["stock_status"] == "IN_STOCK" and stock.get(child["sku"], 0) >= min_stock:
                options = {a["code"]: str(a["value_index"]) for a in variant["attributes"]}
                purchasable.append({"sku": item["sku"], "url": url, "options": options})
                break  # one variant per product keeps the mix spread over many products
    if not purchasable:
        raise SystemExit("no product with enough stock in the sandbox: is the catalogue seeded?")
    return {"categories": categories, "products": products, "purchasable": purchasable}


def orders_in_magento(sandbox: SandboxProcess) -> list[str]:
    with sqlite3.connect(f"file:{sandbox.env['SANDBOX_DB']}?mode=ro", uri=True, timeout=30) as db:
        return [row[0] for row in db.execute("SELECT increment_id FROM sandbox_commerce_order")]


_CALL = re.compile(r"request_id=(\w+) attempt=\d+ error=(\S+)")


def magento_failures(shop_log: str) -> dict[str, str]:
    """Request id → the last Magento failure logged for it (``timeout``, ``busy``, ``circuit_open``, ...)."""
    found: dict[str, str] = {}
    for match in _CALL.finditer(shop_log):
        if match.group(2) != "-":
            found[match.group(1)] = match.group(2)
    return found


# --- one scenario ---------------------------------------------------------------------------------------------------


def run_scenario(scenario: Scenario, work: Path, shop_env: dict[str, str]) -> dict[str, Any]:
    base = work / scenario.name
    base.mkdir(parents=True)
    log(f"{scenario.name}: starting redis, sandbox and storefront ({shop_env['WEB_CONCURRENCY']} workers)")
    redis = start_redis(base)
    sandbox = start_sandbox(base / "sandbox", env=SANDBOX_ENV)
    shop: StorefrontProcess | None = None
    sampler: Sampler | None = None
    try:
        shop = start_storefront(
            work / "shops" / scenario.name,
            magento_url=sandbox.url,
            redis_url=redis.url,
            extra_env=shop_env,
        )
        catalog = discover_catalog(sandbox)
        catalog_path, out_path = base / "catalog.json", base / "rows.json"
        catalog_path.write_text(json.dumps(catalog))
        orders_before = set(orders_in_magento(sandbox))
        sampler = Sampler(shop, sandbox)
        sampler.start()
        command = [
            str(REPO / ".venv" / "bin" / "locust"),
            *("-f", str(LOCUSTFILE), "--headless", "--host", shop.url),
            *("-u", str(scenario.users), "-r", str(scenario.spawn_rate), "-t", f"{scenario.seconds}s"),
            *("--stop-timeout", "60", "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"),
        ]
        env = {**os.environ, "LOAD_CATALOG": str(catalog_path), "LOAD_OUT": str(out_path)}
        locust_log = (base / "locust.log").open("wb")
        started = time.time()
        log(f"{scenario.name}: {scenario.users} users for {scenario.seconds} s against {shop.url}")
        locust = subprocess.Popen(command, cwd=REPO, env=env, stdout=locust_log, stderr=subprocess.STDOUT)
        fault = None
        if scenario.fault:
            time.sleep(max(0.0, started + scenario.fault_at - time.time()))
            fault = Fault(scenario.fault, down_at=time.time())
            if scenario.fault == "sandbox":
                log(f"{scenario.name}: killing the sandbox for {scenario.fault_seconds} s")
                kill_sandbox(sandbox)
                time.sleep(scenario.fault_seconds)
                sandbox.start()
            else:
                log(f"{scenario.name}: restarting redis")
                restart_redis(redis, base, scenario.fault_seconds)
            fault.up_at = time.time()
            log(f"{scenario.name}: {scenario.fault} back after {fault.up_at - fault.down_at:.1f} s")
        locust.wait(timeout=scenario.seconds + 300)
        ended = time.time()
        locust_log.close()
        sampler.done.set()
        sampler.join()
        raw = json.loads(out_path.read_text())
        new_orders = [n for n in orders_in_magento(sandbox) if n not in orders_before]
        shop_log = shop.log_path.read_text(errors="replace")
        tracebacks = shop_log.count("Traceback (most recent call last)")
        causes = magento_failures(shop_log)
        log_errors = Counter(
            re.sub(r"^\S+ \S+ ", "", line)[:140] for line in shop_log.splitlines() if " ERROR " in line[:40]
        )
    finally:
        if sampler is not None:
            sampler.done.set()
        if shop is not None:
            shop.stop()
        sandbox.stop()
        redis.stop()
    result = summarize(
        scenario=asdict(scenario),
        raw=raw,
        started=started,
        ended=ended,
        fault=asdict(fault) if fault else None,
        orders_in_magento=new_orders,
        samples=sampler.samples,
        # The outage window runs on until the circuit's cool-down after the sandbox is back (the setting's default
        # unless --env overrode it).
        breaker_reset=float(shop_env.get("MAGENTO_BREAKER_RESET", 15.0)),
        causes=causes,
    )
    result["storefront_tracebacks"] = tracebacks
    result["log_errors"] = dict(log_errors.most_common(10))
    result["locust_summary"] = (base / "locust.log").read_text(errors="replace")[-6000:]
    log(
        f"{scenario.name}: {result['requests']} requests, unexpected 5xx {result['unexpected_5xx']}, "
        f"orders confirmed {result['orders']['confirmed']} / in Magento {result['orders']['in_magento']}, "
        f"lost {len(result['orders']['lost'])}"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="scaled-down durations (about 10 minutes in all)")
    parser.add_argument("--only", default="", help="comma-separated scenario names (default: all)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (8 threads each)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, raw rows)")
    parser.add_argument("--seconds", type=int, default=0, help="run each chosen scenario this long instead")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="extra storefront setting (repeatable)"
    )
    parser.add_argument("--out", type=Path, default=REPO / "bench", help="folder for the report (experiments)")
    args = parser.parse_args()
    chosen = [s for s in scenarios(args.quick) if not args.only or s.name in args.only.split(",")]
    if args.seconds:
        for scenario in chosen:
            scenario.seconds = args.seconds
            scenario.fault_at = min(scenario.fault_at, args.seconds // 2)
    shop_env = {**STOREFRONT_ENV, "WEB_CONCURRENCY": str(args.workers)}
    shop_env.update(item.split("=", 1) for item in args.env)
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="load-"))
    log(f"work folder {work}")
    results: dict[str, Any] = {
        "mode": "quick" if args.quick else "full",
        "command": (
            f".venv/bin/python bench/load/run.py {' '.join(sys.argv[1:])}"
            if sys.argv[1:] and not args.quick
            else ("make load QUICK=1" if args.quick else "make load")
        ),
        "machine": {"cores": os.cpu_count(), "load_before": os.getloadavg()},
        "storefront_env": shop_env,
        "sandbox_env": SANDBOX_ENV,
        "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "scenarios": {},
    }
    began = time.monotonic()
    try:
        for scenario in chosen:
            results["scenarios"][scenario.name] = run_scenario(scenario, work, shop_env)
            results["seconds"] = time.monotonic() - began
            write_report(results, args.out)  # after every scenario, so a cut-short run still reports
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    log(f"done in {results['seconds']:.0f} s: {args.out / 'load-report.md'}")


if __name__ == "__main__":
    main()

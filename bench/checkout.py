"""`make bench-checkout`: add-to-cart latency through the storefront against the sandbox's own REST time,
and the Magento calls one complete checkout costs (guest and signed-in customer). Writes
bench/checkout-report.md and bench/checkout-report.json.

Rules:
- Everything goes over HTTP to real processes: the sandbox and the storefront under gunicorn (one worker with
  threads, the embedded default), as a shopper's browser would talk to them (same-origin POSTs).
- Add-to-cart is measured in steady state: each shopper's first add (which also creates the guest cart) is
  left out; the sandbox's own figure is the same `POST /V1/guest-carts/:cartId/items` sent straight to it.
- Calls per checkout are read from the sandbox's per-operation counters, from the first add to the
  confirmation page, so nothing is estimated.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.integration.cart.shop_helpers import ADDRESS, DEMO_EMAIL, DEMO_PASSWORD, simple_sku  # noqa: E402
from tests.support.sandbox import start_sandbox  # noqa: E402
from tests.support.storefront import start_storefront  # noqa: E402

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
FORM = {**{k: v for k, v in ADDRESS.items() if k != "street"}, "street1": ADDRESS["street"]}


def log(message: str) -> None:
    print(f"bench-checkout: {message}", flush=True)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def timed(call, *args, **kwargs) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = call(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, response


def storefront_adds(shop_url: str, skus: list[str], shoppers: int, adds: int, htmx: bool) -> list[float]:
    times = []
    headers = {**SAME_ORIGIN, **({"HX-Request": "true"} if htmx else {})}
    for _shopper in range(shoppers):
        with httpx.Client(base_url=shop_url, headers=headers) as client:
            for n in range(adds):  # one of each product: a line's quantity never outgrows a small stock
                ms, response = timed(client.post, "/cart/add", data={"sku": skus[n % len(skus)], "qty": "1"})
                expected = 200 if htmx else 303
                if response.status_code != expected or (htmx and "Added to your cart" not in response.text):
                    raise SystemExit(f"add to cart answered {response.status_code}: {response.text[:300]}")
                if n:  # the first add also creates the guest cart
                    times.append(ms)
    return times


def sandbox_adds(sandbox_url: str, skus: list[str], shoppers: int, adds: int) -> list[float]:
    times = []
    with httpx.Client(base_url=f"{sandbox_url}/rest/default/V1") as client:
        for _shopper in range(shoppers):
            cart = client.post("/guest-carts").json()
            for n in range(adds):
                item = {"cartItem": {"sku": skus[n % len(skus)], "qty": 1, "quote_id": cart}}
                ms, response = timed(client.post, f"/guest-carts/{cart}/items", json=item)
                response.raise_for_status()
                if n:
                    times.append(ms)
    return times


def checkout_calls(shop_url: str, sandbox, sku: str, *, customer: bool) -> tuple[int, dict[str, int], str]:
    """Magento calls from the first add to the confirmation page, and the order number shown."""
    sandbox.reset_counters()
    with httpx.Client(base_url=shop_url, headers=SAME_ORIGIN) as client:

        def post(path: str, data: dict[str, str] | None = None, expect: str | None = None) -> None:
            response = client.post(path, data=data or {})
            if response.status_code not in (302, 303) or (expect and response.headers["Location"] != expect):
                raise SystemExit(f"POST {path} answered {response.status_code} {response.headers.get('Location')}")

        if customer:
            post("/account/login/", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
        post("/cart/add", {"sku": sku, "qty": "1"}, "/cart/")
        client.get("/cart/")
        if customer:
            page = client.get("/checkout/shipping").text
            saved = re.findall(r'name="saved_address" value="(\d+)"', page)
            post("/checkout/shipping", {"saved_address": saved[0]}, "/checkout/method")
        else:
            client.get("/checkout/")
            post("/checkout/", {"email": "bench@example.com"}, "/checkout/shipping")
            client.get("/checkout/shipping")
            post("/checkout/shipping", FORM, "/checkout/method")
        client.get("/checkout/method")
        post("/checkout/method", {"method": "flatrate_flatrate"}, "/checkout/payment")
        client.get("/checkout/payment")
        post("/checkout/payment", {"payment": "checkmo", "billing_same": "1"}, "/checkout/review")
        client.get("/checkout/review")
        post("/checkout/place-order", None, "/checkout/success")
        found = re.search(r"order number is <strong>([^<]+)</strong>", client.get("/checkout/success").text)
        if not found:
            raise SystemExit("no order number on the confirmation page")
    counters = {name: count for name, count in sandbox.counters().items() if count and name != "total"}
    return sum(counters.values()), counters, found.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shoppers", type=int, default=20)
    parser.add_argument("--adds", type=int, default=11, help="adds per shopper (the first is left out)")
    args = parser.parse_args()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="bench-checkout-"))
    sandbox = start_sandbox(work / "sandbox")
    shop = None
    results: dict[str, object] = {"load_before": os.getloadavg()[0]}
    try:
        shop = start_storefront(work / "shop", magento_url=sandbox.url)
        skus = [simple_sku(sandbox.url, skip) for skip in range(args.adds)]
        log(f"add to cart: {args.shoppers} shoppers x {args.adds} adds, storefront (no JS, htmx) and sandbox")
        series = {
            "storefront, no JS (POST → 303)": storefront_adds(shop.url, skus, args.shoppers, args.adds, htmx=False),
            "storefront, htmx (POST → status line)": storefront_adds(
                shop.url, skus, args.shoppers, args.adds, htmx=True
            ),
            "sandbox REST alone (POST …/items)": sandbox_adds(sandbox.url, skus, args.shoppers, args.adds),
        }
        results["add_to_cart_ms"] = {
            name: {
                "n": len(values),
                "p50": round(statistics.median(values), 1),
                "p95": round(percentile(values, 95), 1),
                "p99": round(percentile(values, 99), 1),
            }
            for name, values in series.items()
        }
        log("calls per complete checkout")
        sandbox.reset()  # carts, orders and counters back to the seed
        guest_total, guest_calls, guest_number = checkout_calls(shop.url, sandbox, skus[0], customer=False)
        customer_total, customer_calls, customer_number = checkout_calls(shop.url, sandbox, skus[1], customer=True)
        results["checkout_calls"] = {
            "guest": {"total": guest_total, "by_operation": guest_calls, "order": guest_number},
            "customer": {"total": customer_total, "by_operation": customer_calls, "order": customer_number},
        }
    finally:
        if shop:
            shop.stop()
        sandbox.stop()
    results["load_after"] = os.getloadavg()[0]
    results["seconds"] = round(time.monotonic() - started)
    write_report(results)
    adds = results["add_to_cart_ms"]
    names = list(adds)
    log(
        f"done in {results['seconds']} s: add p50 {adds[names[0]]['p50']} ms (no JS), {adds[names[1]]['p50']} ms "
        f"(htmx) vs sandbox {adds[names[2]]['p50']} ms; checkout calls guest {guest_total}, customer {customer_total}"
    )


def write_report(results: dict) -> None:
    (REPO / "bench" / "checkout-report.json").write_text(json.dumps(results, indent=2) + "\n")
    adds = results["add_to_cart_ms"]
    sandbox_p50 = adds["sandbox REST alone (POST …/items)"]["p50"]
    lines = [
        "# Cart and checkout benchmark",
        "",
        f"Generated by `make bench-checkout` in {results['seconds']} s; load average before/after "
        f"{results['load_before']:.1f} / {results['load_after']:.1f} on {os.cpu_count()} cores. Storefront: one "
        "gunicorn worker with threads (embedded default); the sandbox as Magento.",
        "",
        "## Add to cart (steady state: the cart already exists)",
        "",
        "| path | n | p50 ms | p95 ms | p99 ms | p50 vs sandbox |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, figures in adds.items():
        ratio = figures["p50"] / sandbox_p50 if sandbox_p50 else 0
        lines.append(
            f"| {name} | {figures['n']} | {figures['p50']} | {figures['p95']} | {figures['p99']} | {ratio:.2f}x |"
        )
    lines += [
        "",
        "Without JS the storefront's add is Magento's `POST …/items` (the product's option ids come from a",
        "5-minute cache), a session write and a 303; with htmx it also reads Magento's totals for the mini-cart",
        "(count and subtotal in the answer), so it costs two Magento calls.",
        "",
        "## Magento calls per complete checkout (first add → confirmation page)",
        "",
        "| shopper | calls | by operation |",
        "|---|---:|---|",
    ]
    for who, figures in results["checkout_calls"].items():
        ops = ", ".join(f"`{op}` {count}" for op, count in sorted(figures["by_operation"].items()))
        lines.append(f"| {who} | {figures['total']} | {ops} |")
    (REPO / "bench" / "checkout-report.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

"""Write bench/load-report.md (tables first), bench/load-report.json (every figure, the RSS series included) and
two plots: latency percentiles per scenario and cache state, and worker RSS over time.

Re-render from the JSON (e.g. after adding a note under "notes"): ``python -m bench.load.report``.

Rules: the verdict of a scenario is computed from its written expectation (0 unexpected 5xx, no lost or
duplicate orders; for the soak also RSS slope and error creep) and stated, never asserted; a QUICK run says so
in its first line, with the command for the full run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RSS_SLOPE_LIMIT = 20.0  # MB/hour per worker: above this over a 30-minute soak the memory is not "flat"


def verdict(name: str, r: dict[str, Any]) -> tuple[bool, list[str]]:
    problems = []
    if r["unexpected_5xx"]:
        causes = r.get("unexpected_5xx_by_cause") or {}
        named = f" ({', '.join(f'{k} {v}' for k, v in causes.items())})" if causes else ""
        problems.append(f"{r['unexpected_5xx']} unexpected 5xx{named}")
    if r["orders"]["lost"]:
        problems.append(f"{len(r['orders']['lost'])} lost orders")
    if r["orders"]["duplicates"]:
        problems.append(f"{len(r['orders']['duplicates'])} duplicate confirmations")
    if name == "soak":
        # Judged without the page copies when the workers reported them: their growth is bounded by design.
        judged = (
            r["rss"].get("slope_second_half_without_copies_mb_per_hour") or r["rss"]["slope_second_half_mb_per_hour"]
        )
        slopes = [v for v in judged.values() if v is not None]
        if slopes and max(slopes) > RSS_SLOPE_LIMIT:
            problems.append(f"worker RSS grows {max(slopes):.0f} MB/h")
        creep = r["error_creep"]
        if creep["last_third"] > max(5, 1.5 * creep["first_third"]):
            problems.append(f"error creep {creep['first_third']} -> {creep['last_third']}")
    return not problems, problems


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def write_report(results: dict[str, Any], out: Path) -> None:
    json_results = {**results}
    (out / "load-report.json").write_text(json.dumps(json_results, indent=1) + "\n")
    runs = results["scenarios"]
    plots = _plots(runs, out)
    quick = results["mode"] == "quick"
    lines = ["# Load and fault report", ""]
    if quick:
        lines += [
            "**QUICK run** (`make load QUICK=1`): every scenario at scaled-down length, listed below. "
            "The full suite is `make load` (about 50 minutes).",
            "",
        ]
    lines += [
        "| scenario | users | ran (until the last task ended) | requests | req/s | unexpected 5xx "
        "| expected 503 / degraded (outage) | other errors "
        "| orders confirmed / in Magento | lost | verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in runs.items():
        ok, problems = verdict(name, r)
        other = sum(r["errors_by_kind"].values()) - r["unexpected_5xx"]
        o = r["orders"]
        lines.append(
            f"| {name} | {r['scenario']['users']} | {r['seconds'] / 60:.1f} min | {r['requests']:,} | {r['rps']} "
            f"| {r['unexpected_5xx']} | {r['expected_503']} / {r['degraded_in_outage']} | {other} "
            f"| {o['confirmed']} / {o['in_magento']} "
            f"| {len(o['lost'])} | {'PASS' if ok else 'FAIL: ' + '; '.join(problems)} |"
        )
    if results.get("notes"):
        lines += ["", "Notes from the run:", ""] + [f"- {note}" for note in results["notes"]]
    lines += ["", "Expectations:", ""]
    for name, r in runs.items():
        lines.append(f"- **{name}**: {r['scenario']['expectation']}.")
    lines += [
        "",
        f"Machine: {results['machine']['cores']} cores, shared by Locust, gunicorn, the sandbox, Redis and other "
        "helpers' test runs. Load average (1 min) during each scenario:",
        "",
        "| scenario | load avg mean | load avg max | storefront tracebacks in log |",
        "|---|---:|---:|---:|",
    ]
    for name, r in runs.items():
        lines.append(f"| {name} | {r['load1']['mean']} | {r['load1']['max']} | {r['storefront_tracebacks']} |")

    lines += [
        "",
        "## Latency by cache state (ms, client side, redirects followed)",
        "",
        "`-` = private pages without an X-Cache header (cart, checkout steps: every one of them talks to Magento).",
        "",
        "| scenario | state | requests | p50 | p95 | p99 |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, r in runs.items():
        for state, p in r["latency_by_state"].items():
            lines.append(f"| {name} | {state} | {p['n']:,} | {_ms(p['p50'])} | {_ms(p['p95'])} | {_ms(p['p99'])} |")
    lines += ["", plots["latency"], "", "## Latency by request (ms)", ""]
    lines += ["| scenario | request | n | p50 | p95 | p99 |", "|---|---|---:|---:|---:|---:|"]
    for name, r in runs.items():
        for req, p in r["latency_by_name"].items():
            lines.append(f"| {name} | {req} | {p['n']:,} | {_ms(p['p50'])} | {_ms(p['p95'])} | {_ms(p['p99'])} |")

    lines += ["", "## Errors by kind", ""]
    for name, r in runs.items():
        kinds = ", ".join(f"{k}: {v}" for k, v in r["errors_by_kind"].items()) or "none"
        lines.append(f"- **{name}**: {kinds}.")
        if r["errors_by_name"]:
            lines.append("  By request: " + ", ".join(f"{k} x{v}" for k, v in r["errors_by_name"].items()) + ".")
        if r["error_details"]:
            lines.append("  Messages: " + "; ".join(f"{k} (x{v})" for k, v in r["error_details"].items()) + ".")
        if r["log_errors"]:
            lines.append("  Storefront log: " + "; ".join(f"{k} (x{v})" for k, v in r["log_errors"].items()) + ".")
        if r["fault"]:
            f, start = r["fault"], _start(r)
            lines.append(
                f"  Fault: {f['kind']} down at {f['down_at'] - start:.0f} s, back at {f['up_at'] - start:.0f} s."
            )
        if r["expected_503_by_name"]:
            lines.append(
                "  Expected 503 during the outage, by request: "
                + ", ".join(f"{k} x{v}" for k, v in r["expected_503_by_name"].items())
                + " (pages never served from the page cache before it, and private pages)."
            )
        if r["fault"] and r["fault"]["kind"] == "sandbox" and "cached_pages_not_served_stale" in r:
            lines.append(
                f"  Pages served from the page cache before the outage that got a 503 in it (not served stale): "
                f"{r['cached_pages_not_served_stale']}."
            )
        if r["degraded_in_outage_by_name"]:
            lines.append(
                "  Degraded during the outage (went back with a message), by request: "
                + ", ".join(f"{k} x{v}" for k, v in r["degraded_in_outage_by_name"].items())
                + "."
            )
        if r.get("unexpected_5xx_by_cause"):
            lines.append(
                "  Unexpected 5xx by cause (what Magento did on that request, from the storefront log): "
                + ", ".join(f"{k} x{v}" for k, v in r["unexpected_5xx_by_cause"].items())
                + "."
            )
        c = r["error_creep"]
        lines.append(f"  Unexpected errors in the first third: {c['first_third']}, last third: {c['last_third']}.")

    lines += [
        "",
        "## Orders",
        "",
        "Each checkout user records the order number its confirmation page shows; after the run the runner reads the "
        "orders the sandbox (the Magento stand-in) stored. Lost = shown to a shopper but not in Magento; "
        "unconfirmed = in Magento but no shopper saw the confirmation (the answer died with a crash).",
        "",
        "| scenario | checkouts started | place-order submitted | confirmed | in Magento | lost | unconfirmed "
        "| duplicates | other outcomes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in runs.items():
        o, c = r["orders"], r["orders"]["checkouts"]
        others = ", ".join(
            f"{k} {v}" for k, v in c.items() if k not in ("started", "place order submitted", "confirmed")
        )
        lines.append(
            f"| {name} | {c.get('started', 0)} | {c.get('place order submitted', 0)} | {o['confirmed']} "
            f"| {o['in_magento']} | {len(o['lost'])} | {o['unconfirmed']} | {len(o['duplicates'])} "
            f"| {others or 'n/a'} |"
        )

    lines += [
        "",
        "## Worker memory (RSS, sum over gunicorn workers)",
        "",
        "Slope per worker (least squares, MB/hour) after the warm-up and over the second half of the run. Each "
        "worker's copies of cached pages (`storefront_pagecache_local_copy_bytes`, read from /metrics with every "
        "sample) fill towards `PAGECACHE_LOCAL_BYTES` for a long while, by design; the soak passes at ≤ "
        f"{RSS_SLOPE_LIMIT:.0f} MB/hour per worker over its second half once they are taken out (the RSS slope "
        "itself when no worker reported them).",
        "",
        "| scenario | start MB | end MB | max MB | slope per worker after warm-up (MB/h) | second half (MB/h) "
        "| page copies at the end (MB) | second half without the copies (MB/h) |",
        "|---|---:|---:|---:|---|---|---|---|",
    ]
    for name, r in runs.items():
        rss = r["rss"]
        slopes = ", ".join(f"{v:+.1f}" for v in rss["slope_mb_per_hour"].values() if v is not None) or "n/a"
        late = ", ".join(f"{v:+.1f}" for v in rss["slope_second_half_mb_per_hour"].values() if v is not None)
        net = rss.get("slope_second_half_without_copies_mb_per_hour") or {}
        net_text = ", ".join(f"{v:+.1f}" for v in net.values() if v is not None)
        copies = ", ".join(f"{v:.1f}" for v in (rss.get("copies_end_mb") or {}).values())
        lines.append(
            f"| {name} | {_ms(rss['workers_start_mb'])} | {_ms(rss['workers_end_mb'])} "
            f"| {_ms(rss['workers_max_mb'])} | {slopes} | {late or 'n/a'} | {copies or 'n/a'} | {net_text or 'n/a'} |"
        )
    lines += [
        "",
        plots["rss"],
        "",
        "## How it ran",
        "",
        f"Command: `{results['command']}` (started {results['started']}, {results.get('seconds', 0) / 60:.0f} min). "
        "Each scenario has its own stack on free ports: a copy of the seeded sandbox "
        f"({_env(results['sandbox_env'])}), its own redis-server, the storefront under gunicorn with REDIS_URL "
        f"({_env(results['storefront_env'])}). Rate limits are raised for the run only, through "
        "`RATE_LIMIT_PLACE_ORDER` and `RATE_LIMIT_COUPON`: every Locust user comes from 127.0.0.1, so the per-IP "
        "limit of 10 per 5 minutes would refuse almost every order. Locust (headless, `bench/load/locustfile.py`) "
        "runs in the same 2 cores, so the latencies include a loaded client. Raw figures: `bench/load-report.json`.",
        "",
    ]
    (out / "load-report.md").write_text("\n".join(lines) + "\n")


def _start(r: dict[str, Any]) -> float:
    return r["fault"]["down_at"] - r["scenario"]["fault_at"]


def _env(env: dict[str, str]) -> str:
    return ", ".join(f"`{k}={v}`" for k, v in env.items())


def _plots(runs: dict[str, Any], out: Path) -> dict[str, str]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return {"latency": "(matplotlib is not installed: no plot)", "rss": ""}

    labels, p50, p95, p99 = [], [], [], []
    for name, r in runs.items():
        for state, p in r["latency_by_state"].items():
            if p["n"]:
                labels.append(f"{name}\n{state}")
                p50.append(p["p50"])
                p95.append(p["p95"])
                p99.append(p["p99"])
    fig, ax = plt.subplots(figsize=(max(8, 0.7 * len(labels)), 4.8))
    xs = list(range(len(labels)))
    ax.bar([x - 0.27 for x in xs], p50, width=0.27, label="p50")
    ax.bar(xs, p95, width=0.27, label="p95")
    ax.bar([x + 0.27 for x in xs], p99, width=0.27, label="p99")
    ax.set_xticks(xs, labels, fontsize=7)
    ax.set_yscale("log")
    ax.set_ylabel("ms (log scale)")
    ax.set_title("Latency per scenario and cache state (- = cart/checkout)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "load-latency.png", dpi=100)
    plt.close(fig)

    fig, axes = plt.subplots(len(runs), 1, figsize=(9, 2.2 * len(runs)), squeeze=False)
    for ax, (name, r) in zip(axes[:, 0], runs.items(), strict=True):
        series = r["rss"]["series"]
        ax.plot([s["s"] / 60 for s in series], [s["workers_mb"] for s in series], label="workers (sum)")
        ax.set_title(name, fontsize=9)
        ax.set_ylabel("MB")
        if r["fault"]:
            f, start = r["fault"], _start(r)
            ax.axvspan((f["down_at"] - start) / 60, (f["up_at"] - start) / 60, color="red", alpha=0.15)
    axes[-1, 0].set_xlabel("minutes")
    fig.tight_layout()
    fig.savefig(out / "load-rss.png", dpi=100)
    plt.close(fig)
    return {
        "latency": "![Latency percentiles per scenario and cache state](load-latency.png)",
        "rss": "![Worker RSS over time (red: fault window)](load-rss.png)",
    }


if __name__ == "__main__":
    bench = Path(__file__).resolve().parents[1]
    write_report(json.loads((bench / "load-report.json").read_text()), bench)

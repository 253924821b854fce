"""The load suite's bookkeeping (bench/load/analysis.py): what the report calls expected, unexpected, lost.

These are the judgements an operator reads off bench/load-report.md, so they are checked on hand-made rows: a
503 during the sandbox outage is expected, the same 503 after the breaker's reset is not; an order shown to a
shopper but missing in Magento is lost; RSS growth shows as a slope.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.load.analysis import percentile, slope_per_hour, summarize
from bench.load.report import verdict

START = 1_000_000.0


def rows(*items: tuple[float, str, str, float, int, str]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {"t": [], "name": [], "state": [], "ms": [], "status": [], "error": []}
    for item in items:
        for key, value in zip(columns, item, strict=True):
            columns[key].append(value)
    return columns


def run(
    data: dict[str, list[Any]],
    *,
    orders: Sequence[str] = (),
    magento: Sequence[str] = (),
    fault: dict[str, Any] | None = None,
    samples: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    return summarize(
        scenario={"name": "s", "seconds": 300, "users": 10, "expectation": ""},
        raw={"rows": data, "orders": [{"number": n, "t": START, "user": 1} for n in orders], "checkouts": {}},
        started=START,
        ended=START + 300,
        fault=fault,
        orders_in_magento=list(magento),
        samples=list(samples),
        breaker_reset=15.0,
    )


def test_a_503_or_a_refused_form_inside_the_outage_window_is_expected_and_after_it_is_not() -> None:
    outage = {"kind": "sandbox", "down_at": START + 100, "up_at": START + 130}
    result = run(
        rows(
            (START + 110, "category", "-", 5.0, 503, "HTTP 503"),
            (START + 140, "place order", "-", 5.0, 503, "HTTP 503"),  # within the breaker's 15 s reset
            (START + 120, "cart add", "-", 5.0, 200, "wrong content"),  # back to the product with a message
            (START + 200, "category", "-", 5.0, 503, "HTTP 503"),  # long after: a real failure
            (START + 205, "cart add", "-", 5.0, 200, "wrong content"),
            (START + 210, "home", "HIT", 2.0, 200, ""),
        ),
        fault=outage,
    )
    assert result["expected_503"] == 2
    assert result["degraded_in_outage_by_name"] == {"cart add": 1}
    assert result["expected_503_by_name"] == {"category": 1, "place order": 1}
    assert result["unexpected_5xx"] == 1
    assert result["errors_by_kind"] == {"HTTP 503": 1, "wrong content": 1}
    assert verdict("sandbox-outage", result) == (
        False,
        ["1 unexpected 5xx (storefront's own (HTTP 503, no Magento failure logged) 1)"],
    )


def test_a_503_in_the_outage_for_a_page_the_cache_served_before_it_is_not_expected() -> None:
    outage = {"kind": "sandbox", "down_at": START + 100, "up_at": START + 130}
    data = rows(
        (START + 10, "category", "MISS", 50.0, 200, ""),
        (START + 20, "product", "BYPASS", 50.0, 200, ""),  # not from the page cache: no copy to fall back on
        (START + 110, "category", "-", 5.0, 503, "HTTP 503"),  # cached before: should have been served stale
        (START + 111, "product", "-", 5.0, 503, "HTTP 503"),
        (START + 112, "category", "-", 5.0, 503, "HTTP 503"),  # another page, never served before: expected
    )
    data["path"] = ["/gear.html", "/bag.html", "/gear.html", "/bag.html", "/gear.html?p=2"]
    result = run(data, fault=outage)
    assert result["cached_pages_not_served_stale"] == 1
    assert result["expected_503"] == 2
    assert result["unexpected_5xx_by_cause"] == {"HTTP 503 for a page cached before the outage": 1}
    assert verdict("sandbox-outage", result)[0] is False


def test_without_an_outage_every_5xx_is_unexpected_but_a_wrong_page_is_not_a_5xx() -> None:
    result = run(
        rows(
            (START + 1, "cart add", "-", 9.0, 500, "HTTP 500"),
            (START + 2, "checkout email", "-", 9.0, 200, "wrong content"),
            (START + 3, "product", "MISS", 9.0, 0, "connection error"),
        )
    )
    assert result["unexpected_5xx"] == 1
    assert result["errors_by_kind"] == {"HTTP 500": 1, "wrong content": 1, "connection error": 1}


def test_orders_seen_but_not_in_magento_are_lost_and_the_reverse_is_unconfirmed() -> None:
    result = run(rows(), orders=["000000001", "000000002", "000000002"], magento=["000000002", "000000003"])
    assert result["orders"]["lost"] == ["000000001"]
    assert result["orders"]["unconfirmed"] == 1
    assert result["orders"]["duplicates"] == ["000000002"]
    ok, problems = verdict("mixed", result)
    assert not ok and problems == ["1 lost orders", "1 duplicate confirmations"]


def test_latency_is_split_by_cache_state() -> None:
    result = run(
        rows(
            *[(START + i, "product", "HIT", float(i), 200, "") for i in range(1, 101)],
            (START + 1, "product", "MISS", 400.0, 200, ""),
        )
    )
    assert result["latency_by_state"]["HIT"] == {"n": 100, "p50": 50.0, "p95": 95.0, "p99": 99.0}
    assert result["latency_by_state"]["MISS"]["p50"] == 400.0


def test_a_growing_worker_fails_the_soak_and_a_flat_one_passes() -> None:
    def samples(growth_mb_per_hour: float) -> list[dict[str, Any]]:
        return [
            {"t": START + s, "workers": {"7": 100 + growth_mb_per_hour * s / 3600}, "sandbox_mb": 50.0, "load1": 1.0}
            for s in range(0, 301, 5)
        ]

    growing = run(rows(), samples=samples(120))
    assert round(growing["rss"]["slope_mb_per_hour"]["7"]) == 120
    assert verdict("soak", growing)[0] is False
    assert verdict("soak", run(rows(), samples=samples(0)))[0] is True


def test_the_soak_judges_memory_without_the_page_copies_the_workers_report() -> None:
    def samples(leak_mb_per_hour: float) -> list[dict[str, Any]]:
        # The copies grow 120 MB/h (filling towards their bound); the rest of the worker grows by ``leak``.
        out = []
        for s in range(0, 301, 5):
            copies = 120 * s / 3600
            rss = 100 + copies + leak_mb_per_hour * s / 3600
            out.append({"t": START + s, "workers": {"7": rss}, "copies": {"7": copies}, "sandbox_mb": 50.0, "load1": 1})
        return out

    filling = run(rows(), samples=samples(0))
    assert round(filling["rss"]["slope_second_half_mb_per_hour"]["7"]) == 120, "the RSS itself grows"
    assert round(filling["rss"]["slope_second_half_without_copies_mb_per_hour"]["7"]) == 0
    assert filling["rss"]["copies_end_mb"] == {"7": 10.0}
    assert verdict("soak", filling)[0] is True, "bounded copies filling up are not a leak"
    leaking = run(rows(), samples=samples(60))
    assert verdict("soak", leaking) == (False, ["worker RSS grows 60 MB/h"])


def test_error_creep_compares_the_last_third_with_the_first() -> None:
    late = [(START + 250 + i, "search", "-", 1.0, 429, "HTTP 429") for i in range(10)]
    result = run(rows((START + 10, "search", "-", 1.0, 429, "HTTP 429"), *late))
    assert result["error_creep"] == {"first_third": 1, "last_third": 10}
    assert verdict("soak", result) == (False, ["error creep 1 -> 10"])


def test_helpers() -> None:
    assert percentile([], 50) is None
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert slope_per_hour([(0, 1), (1, 1)]) is None


def test_each_unexpected_5xx_is_named_by_what_magento_did_on_that_request() -> None:
    data = rows(
        (START + 1, "checkout method", "-", 9.0, 503, "HTTP 503"),
        (START + 2, "cart", "-", 9.0, 503, "HTTP 503"),
        (START + 3, "cart add", "-", 9.0, 500, "HTTP 500"),
        (START + 4, "home", "HIT", 2.0, 200, ""),
    )
    data["rid"] = ["r1", "r2", "r3", ""]
    result = summarize(
        scenario={"name": "s", "seconds": 300, "users": 10, "expectation": ""},
        raw={"rows": data, "orders": [], "checkouts": {}},
        started=START,
        ended=START + 300,
        fault=None,
        orders_in_magento=[],
        samples=[],
        breaker_reset=15.0,
        causes={"r1": "timeout", "r3": "busy"},  # r2: Magento answered fine; a 500 is never Magento's doing
    )
    assert result["unexpected_5xx_by_cause"] == {
        "Magento timed out": 1,
        "storefront's own (HTTP 503, no Magento failure logged)": 1,
        "storefront's own (HTTP 500, no Magento failure logged)": 1,
    }
    ok, problems = verdict("mixed", result)
    assert not ok and problems[0].startswith("3 unexpected 5xx (Magento timed out 1")


def test_the_runner_reads_each_requests_last_magento_failure_from_the_storefront_log() -> None:
    from bench.load.run import magento_failures

    log = "\n".join(
        [
            "x INFO storefront.magento magento call operation=CatalogRoute method=GET status=200 ms=3.0 bytes=9 "
            "request_id=aa attempt=1 error=-",
            "x INFO storefront.magento magento call operation=/V1/guest-carts method=POST status=0 ms=10010.8 "
            "bytes=0 request_id=bb attempt=1 error=timeout",
            "x INFO storefront.magento magento call operation=/V1/x method=GET status=0 ms=0.0 bytes=0 "
            "request_id=cc attempt=1 error=connect",
            "x INFO storefront.magento magento call operation=/V1/x method=GET status=0 ms=0.0 bytes=0 "
            "request_id=cc attempt=2 error=circuit_open",
        ]
    )
    assert magento_failures(log) == {"bb": "timeout", "cc": "circuit_open"}

"""The sandbox's test tools over HTTP: call counters, fault injection, reset."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.support.sandbox import SandboxProcess

QUERY = "query StoreInfo { storeConfig { store_code } }"


def graphql(sandbox: SandboxProcess, query: str = QUERY, timeout: float = 10) -> httpx.Response:
    return httpx.get(f"{sandbox.url}/graphql", params={"query": query}, timeout=timeout)


def test_health(clean_sandbox: SandboxProcess) -> None:
    body = httpx.get(f"{clean_sandbox.url}/sandbox/health", timeout=5).json()
    assert body["ok"] is True and body["products"] > 2000


def test_counters_by_operation_name_and_root_field(clean_sandbox: SandboxProcess) -> None:
    graphql(clean_sandbox)
    graphql(clean_sandbox)
    graphql(clean_sandbox, "{ currency { base_currency_code } }")
    counters = clean_sandbox.counters()
    assert counters["graphql:StoreInfo"] == 2
    assert counters["graphql:currency"] == 1
    assert counters["total"] == 3
    clean_sandbox.reset_counters()
    assert clean_sandbox.counters() == {"total": 0}


def test_latency_fault_applies_n_times_then_expires(clean_sandbox: SandboxProcess) -> None:
    clean_sandbox.fault(path="^/graphql", latency_ms=300, times=1)
    started = time.monotonic()
    assert graphql(clean_sandbox).status_code == 200
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    graphql(clean_sandbox)
    assert time.monotonic() - started < 0.3
    assert httpx.get(f"{clean_sandbox.url}/sandbox/faults", timeout=5).json()["faults"] == []


def test_error_rate_gives_magento_masked_500(clean_sandbox: SandboxProcess) -> None:
    clean_sandbox.fault(path="^/graphql", error_rate=1.0)
    response = graphql(clean_sandbox)
    assert response.status_code == 500
    assert response.json()["errors"][0]["message"] == "Internal server error"
    clean_sandbox.clear_faults()
    assert graphql(clean_sandbox).status_code == 200


def test_resolver_error_is_magentos_200_with_the_root_field_null(clean_sandbox: SandboxProcess) -> None:
    clean_sandbox.fault(path="^/graphql", resolver_error=True)
    response = graphql(clean_sandbox)
    assert response.status_code == 200
    assert response.json() == {
        "errors": [{"message": "Internal server error", "extensions": {"category": "internal"}}],
        "data": {"storeConfig": None},
    }
    rest = httpx.get(f"{clean_sandbox.url}/rest/V1/directory/currency", timeout=5)
    assert rest.status_code == 200, "the fault was only for /graphql"


def test_fault_can_target_one_operation(clean_sandbox: SandboxProcess) -> None:
    clean_sandbox.fault(path="^/graphql", operation="StoreInfo", status=503)
    assert graphql(clean_sandbox).status_code == 503
    assert "Service Temporarily Unavailable" in graphql(clean_sandbox).text
    assert graphql(clean_sandbox, "{ currency { base_currency_code } }").status_code == 200


def test_rate_limit_with_retry_after(clean_sandbox: SandboxProcess) -> None:
    clean_sandbox.fault(path="^/graphql", status=429, retry_after=7)
    response = graphql(clean_sandbox)
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"


def test_hang_until_client_gives_up(clean_sandbox: SandboxProcess) -> None:
    clean_sandbox.fault(path="^/graphql", hang=True, hang_seconds=5, times=1)
    with pytest.raises(httpx.ReadTimeout):
        graphql(clean_sandbox, timeout=0.5)


def test_faults_never_touch_the_tools(clean_sandbox: SandboxProcess) -> None:
    clean_sandbox.fault(path=".*", status=503)
    assert httpx.get(f"{clean_sandbox.url}/sandbox/health", timeout=5).status_code == 200
    clean_sandbox.reset()
    assert graphql(clean_sandbox).status_code == 200


def test_bad_fault_spec_is_rejected(clean_sandbox: SandboxProcess) -> None:
    response = httpx.post(f"{clean_sandbox.url}/sandbox/faults", json={"path": "(", "latency_ms": 1}, timeout=5)
    assert response.status_code == 400


def test_reset_clears_counters_and_faults(clean_sandbox: SandboxProcess) -> None:
    clean_sandbox.fault(path="^/graphql", status=503)
    graphql(clean_sandbox)
    clean_sandbox.reset()
    assert clean_sandbox.counters() == {"total": 0}
    assert graphql(clean_sandbox).status_code == 200


def test_tools_are_404_when_switched_off(tmp_path_factory: pytest.TempPathFactory) -> None:
    from tests.support.sandbox import start_sandbox

    process = start_sandbox(
        tmp_path_factory.mktemp("no-tools"),
        env={"SANDBOX_TOOLS": "0"},
        wait_path="/graphql?query=%7BstoreConfig%7Bstore_code%7D%7D",
    )
    try:
        assert httpx.get(f"{process.url}/sandbox/counters", timeout=5).status_code == 404
    finally:
        process.stop()

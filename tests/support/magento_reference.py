"""Access to Magento's official reference files (GraphQL introspection dumps, REST OpenAPI files).

Rules: the files are read from ``MAGENTO_REFERENCE_DIR`` (default ``<repo>/../shared/magento-reference``) and
never copied into this repository; tests that need them skip with a clear reason when they are absent.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

import pytest
import yaml
from graphql import GraphQLSchema, build_client_schema

REPO = Path(__file__).resolve().parents[2]
GRAPHQL_VERSIONS = ("2.4.7", "2.4.8")
REST_VERSIONS = ("2.4.7", "2.4.8")


def reference_dir() -> Path:
    return Path(os.environ.get("MAGENTO_REFERENCE_DIR", str(REPO.parent / "shared" / "magento-reference")))


def require_reference() -> Path:
    path = reference_dir()
    if not (path / "graphql").is_dir() or not (path / "openapi").is_dir():
        pytest.skip(
            f"Magento reference files not found at {path}; set MAGENTO_REFERENCE_DIR to the folder that holds "
            "graphql/introspection-2.4.x.json and openapi/*.yaml"
        )
    return path


@cache
def graphql_schema(version: str) -> GraphQLSchema:
    raw = json.loads((require_reference() / "graphql" / f"introspection-{version}.json").read_text())
    return build_client_schema(raw.get("data", raw))


@cache
def openapi(kind: str, version: str) -> dict:
    path = require_reference() / "openapi" / f"{kind}-schema-{version}.yaml"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open() as fh:
        return yaml.load(fh, Loader=loader)  # noqa: S506 - SafeLoader / CSafeLoader


_SELF_ROUTE = re.compile(r"^/V1/(carts/mine|customers/me)(/|$)|^/V2/carts/mine(/|$)")


@cache
def shopper_operations(version: str) -> dict[tuple[str, str], dict]:
    """(METHOD, path) → OpenAPI operation for every route a guest or a customer token opens.

    The customer files omit the ``self`` routes (``/V1/carts/mine/…``, ``/V1/customers/me…``); those come from
    the admin file (2.4.8 is the only admin dump), as the reference README prescribes.
    """
    ops: dict[tuple[str, str], dict] = {}
    for kind in ("guest", "customer"):
        for path, methods in openapi(kind, version)["paths"].items():
            for method, op in methods.items():
                ops[(method.upper(), path)] = op
    for path, methods in openapi("admin", "2.4.8")["paths"].items():
        if _SELF_ROUTE.match(path):
            for method, op in methods.items():
                ops.setdefault((method.upper(), path), op)
    return ops


def template_to_openapi(path: str) -> str:
    """Our route templates use ':param' like Magento's webapi.xml; OpenAPI uses '{param}'."""
    return re.sub(r":([A-Za-z_][A-Za-z0-9_]*)", r"{\1}", path)


def body_keys(operation: dict) -> set[str] | None:
    """Top-level body keys the operation accepts, or None when it takes no body."""
    for param in operation.get("parameters", []):
        if param.get("in") == "body":
            return set((param.get("schema") or {}).get("properties", {}))
    return None

"""GraphQL documents: loaded from ``<app>/queries/*.graphql``, fragments resolved, sent compact.

Rules:
- One operation per file, named ``<OperationName>.graphql``; the operation inside must carry that exact
  name (it is what logs, records and ``operationName`` show).
- Fragments live in ``*Fragment.graphql`` files, in the app's ``queries/`` directory or in the shared
  ``storefront/magento/queries/``; the app's own fragment wins over a shared one of the same name.
  Only the fragments the operation uses, transitively, are appended, each once (GraphQL rejects unused
  fragments), in the order of first use so the text, and with it a GET URL, is stable.
- The text is compact (comments and insignificant whitespace stripped) to keep GET URLs short.
- A query is cacheable unless its file has a line ``# cacheable: false``; the client sends uncacheable
  queries as POST, like mutations (DESIGN.md §4).
- A missing file, a missing fragment or a malformed document is a programming error: ``DocumentError``
  at load time, never a ``MagentoError``. Loaded documents are cached per process.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graphql import GraphQLError, parse, print_ast, strip_ignored_characters
from graphql.language import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    OperationDefinitionNode,
    Visitor,
    visit,
)

SHARED_QUERIES_DIR = Path(__file__).resolve().parent / "queries"
FRAGMENT_SUFFIX = "Fragment.graphql"

_UNCACHEABLE_MARK = re.compile(r"^\s*#\s*cacheable\s*:\s*false\s*$", re.IGNORECASE | re.MULTILINE)


class DocumentError(Exception):
    """A GraphQL document file is missing or malformed (a bug in the storefront, not in Magento)."""


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    operation: str  # "query" | "mutation"
    cacheable: bool
    source: str = ""  # file path, for error messages in contract tests


def load_document(app_label: str, operation_name: str) -> Document:
    """The operation ``operation_name`` of app ``app_label``, fragments appended (cached per process)."""
    return _load_cached(app_label, operation_name)


@cache
def _load_cached(app_label: str, operation_name: str) -> Document:
    return load_document_from(_app_queries_dir(app_label), operation_name)


def clear_cache() -> None:
    _load_cached.cache_clear()


def load_document_from(queries_dir: Path, operation_name: str, *, shared_dir: Path = SHARED_QUERIES_DIR) -> Document:
    """Load ``<queries_dir>/<operation_name>.graphql`` (uncached; ``load_document`` caches)."""
    if operation_name.endswith("Fragment") or not re.fullmatch(r"[_A-Za-z][_0-9A-Za-z]*", operation_name):
        raise DocumentError(f"{operation_name!r} is not an operation name")
    path = queries_dir / f"{operation_name}.graphql"
    if not path.is_file():
        raise DocumentError(f"GraphQL operation {operation_name!r} not found: {path} does not exist")
    source = path.read_text(encoding="utf-8")
    ast = _parse(source, path)

    operations = [d for d in ast.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise DocumentError(f"{path}: expected exactly one operation, found {len(operations)}")
    operation = operations[0]
    if operation.name is None or operation.name.value != operation_name:
        found = operation.name.value if operation.name else "an anonymous operation"
        raise DocumentError(f"{path}: the operation must be named {operation_name!r}, found {found!r}")
    if operation.operation.value not in ("query", "mutation"):
        raise DocumentError(f"{path}: {operation.operation.value} operations are not supported")

    local = {d.name.value: d for d in ast.definitions if isinstance(d, FragmentDefinitionNode)}
    available = {**_fragment_index(shared_dir), **_fragment_index(queries_dir), **local}
    where = f"{queries_dir} or {shared_dir}"
    fragments = _used_fragments(operation, available, operation_name, where)

    compact = strip_ignored_characters(print_ast(DocumentNode(definitions=(operation, *fragments))))
    is_query = operation.operation.value == "query"
    return Document(
        name=operation_name,
        text=compact,
        operation=operation.operation.value,
        cacheable=is_query and not _UNCACHEABLE_MARK.search(source),
        source=str(path),
    )


def all_documents() -> list[Document]:
    """Every operation of every installed app that has a ``queries/`` directory (for contract tests)."""
    from django.apps import apps

    documents: list[Document] = []
    for config in apps.get_app_configs():
        queries_dir = Path(config.path) / "queries"
        if not queries_dir.is_dir():
            continue
        for path in sorted(queries_dir.glob("*.graphql")):
            if not path.name.endswith(FRAGMENT_SUFFIX):
                documents.append(load_document(config.label, path.stem))
    return documents


def _app_queries_dir(app_label: str) -> Path:
    from django.apps import apps
    from django.core.exceptions import AppRegistryNotReady

    try:
        return Path(apps.get_app_config(app_label).path) / "queries"
    except (LookupError, AppRegistryNotReady):
        pass
    # Before the app registry is ready (a module-level load_document), fall back to the package.
    spec = importlib.util.find_spec(app_label)
    if spec is None or not spec.submodule_search_locations:
        raise DocumentError(f"Unknown app {app_label!r}: cannot find its queries/ directory")
    return Path(next(iter(spec.submodule_search_locations))) / "queries"


def _parse(source: str, path: Path) -> DocumentNode:
    try:
        return parse(source, no_location=True)
    except GraphQLError as exc:
        raise DocumentError(f"{path}: {exc.message}") from exc


def _fragment_index(directory: Path) -> dict[str, FragmentDefinitionNode]:
    """Fragment name → definition for every ``*Fragment.graphql`` file in ``directory``."""
    index: dict[str, FragmentDefinitionNode] = {}
    if not directory.is_dir():
        return index
    for path in sorted(directory.glob(f"*{FRAGMENT_SUFFIX}")):
        for definition in _parse(path.read_text(encoding="utf-8"), path).definitions:
            if not isinstance(definition, FragmentDefinitionNode):
                raise DocumentError(f"{path}: a fragment file may only define fragments")
            name = definition.name.value
            if name in index:
                raise DocumentError(f"{path}: fragment {name!r} is defined twice in {directory}")
            index[name] = definition
    return index


def _spread_names(node: OperationDefinitionNode | FragmentDefinitionNode) -> list[str]:
    names: list[str] = []

    class _Collector(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_args: object) -> None:
            if spread.name.value not in names:
                names.append(spread.name.value)

    visit(node, _Collector())
    return names


def _used_fragments(
    operation: OperationDefinitionNode,
    available: dict[str, FragmentDefinitionNode],
    operation_name: str,
    where: str,
) -> list[FragmentDefinitionNode]:
    """Fragments reachable from the operation, breadth-first in order of first use, each once."""
    used: list[FragmentDefinitionNode] = []
    seen: set[str] = set()
    queue = _spread_names(operation)
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        fragment = available.get(name)
        if fragment is None:
            raise DocumentError(
                f"Operation {operation_name!r} uses fragment {name!r}, which no *{FRAGMENT_SUFFIX} file "
                f"in {where} defines"
            )
        used.append(fragment)
        queue.extend(n for n in _spread_names(fragment) if n not in seen)
    return used

"""Builds the executable schema: every ``*.graphqls`` in this directory + the registered resolvers.

Rules: files are concatenated in name order; a file may ``extend type Query``/``extend type Mutation``
(when nobody declares ``type Mutation``, the first extension becomes the declaration, so a part can add
mutations without coordinating). Resolver modules come from ``settings.SANDBOX_GRAPHQL_MODULES``; a module
that does not exist yet is skipped, but a resolver for an unknown type or field fails loudly at start-up.
The schema is built once per process.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema, GraphQLUnionType, build_schema

from sandbox.graphql import registry

log = logging.getLogger("sandbox.graphql")
SDL_DIR = Path(__file__).resolve().parent


def load_sdl(directory: Path = SDL_DIR) -> str:
    parts = [path.read_text(encoding="utf-8") for path in sorted(directory.glob("*.graphqls"))]
    sdl = "\n".join(parts)
    for root in ("Query", "Mutation"):
        if not re.search(rf"^\s*type\s+{root}\b", sdl, re.MULTILINE):
            sdl = re.sub(rf"^(\s*)extend\s+type\s+{root}\b", rf"\1type {root}", sdl, count=1, flags=re.MULTILINE)
    return sdl


def import_resolver_modules() -> None:
    for name in getattr(settings, "SANDBOX_GRAPHQL_MODULES", []):
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            log.info("GraphQL resolver module %s not found; skipped", name)
            continue
        importlib.import_module(name)


def attach(schema: GraphQLSchema) -> GraphQLSchema:
    for (type_name, field_name), fn in registry.RESOLVERS.items():
        graphql_type = schema.type_map.get(type_name)
        if not isinstance(graphql_type, GraphQLObjectType) or field_name not in graphql_type.fields:
            raise RuntimeError(f"Resolver registered for unknown field {type_name}.{field_name}")
        graphql_type.fields[field_name].resolve = fn
    for type_name, fn in registry.TYPE_RESOLVERS.items():
        graphql_type = schema.type_map.get(type_name)
        if not isinstance(graphql_type, GraphQLInterfaceType | GraphQLUnionType):
            raise RuntimeError(f"Type resolver registered for unknown abstract type {type_name}")
        graphql_type.resolve_type = fn
    return schema


@lru_cache(maxsize=1)
def get_schema() -> GraphQLSchema:
    import_resolver_modules()
    return attach(build_schema(load_sdl()))

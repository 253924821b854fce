"""Resolver registration for the sandbox schema.

How another module adds resolvers (e.g. ``sandbox/commerce/graphql.py``, listed in the
``SANDBOX_GRAPHQL_MODULES`` setting and imported when the schema is first built)::

    from sandbox.graphql.registry import resolver, type_resolver, GraphQLNoSuchEntity

    @resolver("Query", "customer", cacheable=False)      # root fields: cacheable=False → no-cache response
    def customer(root, info, **args): ...                # info.context is a RequestContext (see context.py)

    @type_resolver("CustomerOrderItemInterface")          # for interfaces and unions
    def order_item_type(value, info, abstract_type) -> str: ...

Rules: a field without a registered resolver falls back to dict/attribute lookup by name; raising one of the
exceptions below produces Magento's ``extensions.category``; any other exception is masked as
"Internal server error" (category ``internal``), like Magento in production mode.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLError

Resolver = Callable[..., Any]
TypeResolver = Callable[..., str | None]

RESOLVERS: dict[tuple[str, str], Resolver] = {}
TYPE_RESOLVERS: dict[str, TypeResolver] = {}
UNCACHEABLE: set[str] = set()  # root field names (Query.<field>) that make a response uncacheable


def resolver(type_name: str, field_name: str, *, cacheable: bool = True) -> Callable[[Resolver], Resolver]:
    def decorate(fn: Resolver) -> Resolver:
        RESOLVERS[(type_name, field_name)] = fn
        if not cacheable:
            UNCACHEABLE.add(field_name)
        return fn

    return decorate


def type_resolver(abstract_type: str) -> Callable[[TypeResolver], TypeResolver]:
    def decorate(fn: TypeResolver) -> TypeResolver:
        TYPE_RESOLVERS[abstract_type] = fn
        return fn

    return decorate


class MagentoGraphQLError(GraphQLError):
    category = "graphql"

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"category": self.category})


class GraphQLInput(MagentoGraphQLError):
    category = "graphql-input"


class GraphQLNoSuchEntity(MagentoGraphQLError):
    category = "graphql-no-such-entity"


class GraphQLAuthorization(MagentoGraphQLError):
    category = "graphql-authorization"


class GraphQLAuthentication(MagentoGraphQLError):
    category = "graphql-authentication"


class GraphQLAlreadyExists(MagentoGraphQLError):
    category = "graphql-already-exists"

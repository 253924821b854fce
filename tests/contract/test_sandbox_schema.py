"""The sandbox's GraphQL schema is a faithful subset of Magento 2.4.8's (introspection dump).

Every type the sandbox declares exists in 2.4.8 with the same kind; every field, argument, enum value,
interface and union member exists there with exactly the same type (the dump prints ``[X]`` where the
SDL source says ``[X!]`` on object fields, and the sandbox SDL is written that way too).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_client_schema,
    build_schema,
)

from sandbox.graphql.schema import load_sdl

REPO = Path(__file__).resolve().parents[2]
REFERENCE = Path(os.environ.get("MAGENTO_REFERENCE_DIR", REPO.parent / "shared" / "magento-reference"))
DUMP = REFERENCE / "graphql" / "introspection-2.4.8.json"

pytestmark = pytest.mark.skipif(
    not DUMP.exists(), reason=f"Magento reference dumps not found at {DUMP} (set MAGENTO_REFERENCE_DIR)"
)


@pytest.fixture(scope="module")
def magento() -> GraphQLSchema:
    data = json.loads(DUMP.read_text())
    return build_client_schema(data.get("data", data))


@pytest.fixture(scope="module")
def sandbox_schema() -> GraphQLSchema:
    return build_schema(load_sdl())


def _differences(sandbox: GraphQLSchema, magento: GraphQLSchema) -> list[str]:
    problems: list[str] = []
    for name, ours in sandbox.type_map.items():
        if name.startswith("__"):
            continue
        theirs = magento.type_map.get(name)
        if theirs is None:
            problems.append(f"type {name} is not in Magento 2.4.8")
            continue
        if type(theirs) is not type(ours):
            problems.append(f"{name} is a {type(ours).__name__} here, a {type(theirs).__name__} in Magento")
            continue
        if isinstance(ours, GraphQLEnumType):
            problems += [f"enum value {name}.{v} is not in Magento" for v in ours.values if v not in theirs.values]
        if isinstance(ours, GraphQLUnionType):
            names = {t.name for t in theirs.types}
            problems += [f"union {name} member {t.name} is not in Magento" for t in ours.types if t.name not in names]
        if isinstance(ours, GraphQLObjectType | GraphQLInterfaceType):
            names = {i.name for i in theirs.interfaces}
            problems += [
                f"{name} implements {i.name}, Magento's does not" for i in ours.interfaces if i.name not in names
            ]
        if isinstance(ours, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in ours.fields.items():
                their_field = theirs.fields.get(field_name)
                if their_field is None:
                    problems.append(f"field {name}.{field_name} is not in Magento")
                    continue
                if str(field.type) != str(their_field.type):
                    problems.append(f"{name}.{field_name}: {field.type} here, {their_field.type} in Magento")
                for arg_name, arg in getattr(field, "args", {}).items():
                    their_arg = their_field.args.get(arg_name)
                    if their_arg is None:
                        problems.append(f"argument {name}.{field_name}({arg_name}) is not in Magento")
                    elif str(arg.type) != str(their_arg.type):
                        problems.append(
                            f"{name}.{field_name}({arg_name}): {arg.type} here, {their_arg.type} in Magento"
                        )
    return problems


def test_sandbox_schema_is_a_subset_of_magento_2_4_8(sandbox_schema: GraphQLSchema, magento: GraphQLSchema) -> None:
    assert _differences(sandbox_schema, magento) == []


def test_the_check_catches_a_wrong_field_type(magento: GraphQLSchema) -> None:
    wrong = build_schema("type Query { products(search: String): Int }")
    assert _differences(wrong, magento) == ["Query.products: Int here, Products in Magento"]


def test_schema_declares_the_runtime_eav_fields_the_storefront_filters_on(sandbox_schema: GraphQLSchema) -> None:
    product = sandbox_schema.type_map["ProductInterface"]
    filters = sandbox_schema.type_map["ProductAttributeFilterInput"]
    assert str(product.fields["color"].type) == "Int"
    assert str(product.fields["material"].type) == "String"
    assert {"color", "size", "material", "price", "category_uid"} <= set(filters.fields)

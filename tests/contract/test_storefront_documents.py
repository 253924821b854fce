"""Every GraphQL document the storefront sends validates against Magento's official 2.4.7 and 2.4.8 schemas."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from storefront.magento.documents import all_documents
from tests.support.magento_reference import GRAPHQL_VERSIONS, graphql_schema

DOCUMENTS = all_documents()


def test_the_storefront_has_documents_to_check() -> None:
    names = {doc.name for doc in DOCUMENTS}
    assert "HomePage" in names


@pytest.mark.parametrize("version", GRAPHQL_VERSIONS)
@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.name)
def test_document_is_valid_on_real_magento(document, version: str) -> None:
    errors = validate(graphql_schema(version), parse(document.text))
    assert not errors, f"{document.name} is invalid on Magento {version}: " + "; ".join(e.message for e in errors)


@pytest.mark.parametrize("version", GRAPHQL_VERSIONS)
def test_the_check_rejects_a_field_magento_does_not_have(version: str) -> None:
    bad = parse("query Bad { storeConfig { store_code no_such_field } }")
    assert validate(graphql_schema(version), bad)

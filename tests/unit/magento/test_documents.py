"""GraphQL documents: one operation per file, fragments resolved transitively, compact text."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import parse
from graphql.language import FragmentDefinitionNode

from storefront.magento import documents
from storefront.magento.documents import Document, DocumentError, load_document, load_document_from


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    app = tmp_path / "catalog" / "queries"
    shared = tmp_path / "shared"
    app.mkdir(parents=True)
    shared.mkdir()
    (app / "ProductPage.graphql").write_text(
        """# The product page: one request per page (DESIGN.md §4).
query ProductPage($urlKey: String!) {
  products(filter: { url_key: { eq: $urlKey } }) {
    items {
      ...ProductCard
      ... on ConfigurableProduct { variants { product { ...PriceRange } } }
    }
  }
}
"""
    )
    (app / "ProductCardFragment.graphql").write_text(
        """fragment ProductCard on ProductInterface {
  sku
  name
  ...PriceRange   # shared with the category page
  small_image { ...Image }
}
"""
    )
    (app / "UnusedFragment.graphql").write_text("fragment Unused on ProductInterface { uid }\n")
    (shared / "MoneyFragment.graphql").write_text(
        "fragment PriceRange on ProductInterface { price_range { minimum_price { final_price { ...Money } } } }\n"
        "fragment Money on Money { value currency }\n"
    )
    (shared / "ImageFragment.graphql").write_text("fragment Image on ProductImage { url label }\n")
    return app, shared


def fragment_names(text: str) -> list[str]:
    return [d.name.value for d in parse(text).definitions if isinstance(d, FragmentDefinitionNode)]


def test_fragments_resolved_transitively_each_once_in_order_of_use(dirs):
    app, shared = dirs
    document = load_document_from(app, "ProductPage", shared_dir=shared)

    assert document.name == "ProductPage"
    assert document.operation == "query"
    assert document.cacheable is True
    # PriceRange is used twice (operation and ProductCard) but appended once; Unused is left out.
    assert fragment_names(document.text) == ["ProductCard", "PriceRange", "Image", "Money"]


def test_text_is_compact(dirs):
    app, shared = dirs
    text = load_document_from(app, "ProductPage", shared_dir=shared).text

    assert "\n" not in text
    assert "#" not in text
    assert "  " not in text
    assert text.startswith("query ProductPage($urlKey:String!){products(filter:{url_key:{eq:$urlKey}})")
    parse(text)  # still a valid document


def test_app_fragment_wins_over_shared_one(dirs):
    app, shared = dirs
    (app / "ImageFragment.graphql").write_text("fragment Image on ProductImage { url }\n")
    text = load_document_from(app, "ProductPage", shared_dir=shared).text
    assert "fragment Image on ProductImage{url}" in text


def test_missing_fragment_is_a_load_time_error(dirs):
    app, shared = dirs
    (shared / "ImageFragment.graphql").unlink()
    with pytest.raises(DocumentError, match="'Image'"):
        load_document_from(app, "ProductPage", shared_dir=shared)


def test_unknown_operation_is_a_load_time_error(dirs):
    app, shared = dirs
    with pytest.raises(DocumentError, match="CategoryPage"):
        load_document_from(app, "CategoryPage", shared_dir=shared)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("query Other { storeConfig { code } }", "must be named"),
        ("{ storeConfig { code } }", "must be named"),
        ("query Broken { storeConfig { code }", "Syntax Error"),
        ("query Broken { a } query Broken2 { b }", "exactly one operation"),
        ("subscription Broken { a }", "not supported"),
    ],
)
def test_malformed_operation_files(dirs, text, problem):
    app, shared = dirs
    name = "Broken"
    (app / f"{name}.graphql").write_text(text)
    with pytest.raises(DocumentError, match=problem):
        load_document_from(app, name, shared_dir=shared)


def test_fragment_file_with_an_operation_is_rejected(dirs):
    app, shared = dirs
    (shared / "BadFragment.graphql").write_text("query Oops { a }\n")
    with pytest.raises(DocumentError, match="only define fragments"):
        load_document_from(app, "ProductPage", shared_dir=shared)


def test_mutation_and_uncacheable_query(dirs):
    app, shared = dirs
    (app / "AddToCart.graphql").write_text("mutation AddToCart($id: String!) { createGuestCart { cart { id } } }")
    (app / "Cart.graphql").write_text("# cacheable: false\nquery Cart($id: String!) { cart(cart_id: $id) { id } }")

    mutation = load_document_from(app, "AddToCart", shared_dir=shared)
    cart = load_document_from(app, "Cart", shared_dir=shared)

    assert (mutation.operation, mutation.cacheable) == ("mutation", False)
    assert (cart.operation, cart.cacheable) == ("query", False)
    assert "cacheable" not in cart.text


def test_load_document_is_cached_per_process(dirs, monkeypatch):
    app, _ = dirs
    monkeypatch.setattr(documents, "_app_queries_dir", lambda label: app)
    (app / "Tiny.graphql").write_text("query Tiny { storeConfig { code } }")
    documents.clear_cache()
    try:
        first = load_document("catalog", "Tiny")
        (app / "Tiny.graphql").write_text("query Tiny { storeConfig { locale } }")
        assert load_document("catalog", "Tiny") is first
        documents.clear_cache()
        assert "locale" in load_document("catalog", "Tiny").text
    finally:
        documents.clear_cache()


def test_all_documents_loads_every_installed_operation():
    # Every operation the installed apps ship must load (fragments present, names right).
    loaded = documents.all_documents()
    assert all(isinstance(d, Document) for d in loaded)
    assert len({(d.source, d.name) for d in loaded}) == len(loaded)
    for document in loaded:
        assert document.operation in ("query", "mutation")
        assert Path(document.source).stem == document.name

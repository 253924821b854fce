"""Configurable products: options as accessible radio groups, choosing them resolves the child variant."""

from __future__ import annotations

import re

import pytest

from tests.integration.catalog.conftest import text_of

pytestmark = pytest.mark.django_db

VARIANTS = (
    "query($sku: String) { products(filter: {sku: {eq: $sku}}) { items { url_key url_suffix "
    "... on ConfigurableProduct { variants { attributes { code label value_index } product { sku stock_status "
    "image { url } price_range { minimum_price { final_price { value } } } } } } } } }"
)


def variants_of(magento, sku: str) -> tuple[str, list[dict]]:
    item = magento.query(VARIANTS, {"sku": sku})["products"]["items"][0]
    return f"/{item['url_key']}{item['url_suffix']}", item["variants"]


def test_options_are_radio_groups_with_legends(client, shop) -> None:
    html = text_of(client.get("/montana-wind-jacket.html"))
    fieldsets = re.findall(r'<fieldset class="option (color|text)">\s*<legend>(\w+)', html)
    assert ("color", "Color") in fieldsets and ("text", "Size") in fieldsets
    radios = re.findall(r'<input type="radio" id="(opt-[\w-]+)" name="(color|size)"', html)
    assert radios
    for radio_id, _name in radios:
        assert f'<label for="{radio_id}"' in html  # every radio has its label
    # Colour swatches are inline SVG with a fill attribute, their names available to screen readers.
    assert re.search(r'<svg width="32" height="32"[^>]*><circle [^>]*fill="#[0-9a-fA-F]{6}"', html)


def test_choosing_options_with_a_get_resolves_the_variant(client, shop, magento) -> None:
    url, variants = variants_of(magento, "MJ01")
    variant = next(v for v in variants if v["product"]["stock_status"] == "IN_STOCK")
    query = "&".join(f"{a['code']}={a['value_index']}" for a in variant["attributes"])
    html = text_of(client.get(f"{url}?{query}"))
    sku = variant["product"]["sku"]
    assert f"SKU <span>{sku}</span>" in html
    assert f'name="variant_sku" value="{sku}"' in html
    for attribute in variant["attributes"]:
        assert f'value="{attribute["value_index"]}" checked>' in html
        assert f": <strong>{attribute['label']}</strong>" in html
    # The variant's image leads the gallery (and is the LCP image).
    first = re.search(r'<ul class="slides"[^>]*>\s*<li[^>]*><img src="([^"]+)"', html).group(1)
    assert first.startswith(variant["product"]["image"]["url"])
    assert "In stock" in html or "left" in html


def test_out_of_stock_combination_is_shown_unavailable(client, shop, magento) -> None:
    for sku in ("MJ08", "MJ03", "MJ06", "MJ14"):
        url, variants = variants_of(magento, sku)
        missing = [v for v in variants if v["product"]["stock_status"] == "OUT_OF_STOCK"]
        if missing:
            break
    else:
        pytest.skip("the seeded catalog has no out-of-stock child in these products")
    variant = missing[0]
    query = "&".join(f"{a['code']}={a['value_index']}" for a in variant["attributes"])
    html = text_of(client.get(f"{url}?{query}"))
    assert "This combination is unavailable" in html
    assert re.search(r'<button type="submit" class="primary" disabled>Add to cart</button>', html)
    # With the other option chosen, the value that completes the unavailable combination is marked.
    color = next(a for a in variant["attributes"] if a["code"] == "color")
    other = next(a for a in variant["attributes"] if a["code"] != "color")
    only_color = text_of(client.get(f"{url}?color={color['value_index']}"))
    marked = re.search(
        rf'<span class="value unavailable"><input type="radio" id="opt-{other["code"]}-{other["value_index"]}"',
        only_color,
    )
    assert marked
    assert "(unavailable)" in only_color


def test_htmx_option_change_returns_the_product_block(client, shop, magento) -> None:
    url, variants = variants_of(magento, "MJ01")
    variant = variants[0]
    query = "&".join(f"{a['code']}={a['value_index']}" for a in variant["attributes"])
    response = client.get(f"{url}?{query}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="product-main")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="product-main"')
    assert f"SKU <span>{variant['product']['sku']}</span>" in html
    assert "<header" not in html


def test_the_options_work_with_htmx_and_without(client, shop) -> None:
    html = client.get("/montana-wind-jacket.html").content.decode()
    options = re.search(r'<div id="options"[^>]*>', html).group(0)
    assert 'hx-get="/montana-wind-jacket.html"' in options and 'hx-push-url="true"' in options
    assert 'hx-target="#product-main"' in options
    # Without JavaScript the same form's secondary button reloads the page with the chosen options.
    assert 'formmethod="get" formaction="/montana-wind-jacket.html"' in html


def test_invalid_option_values_are_ignored(client, shop) -> None:
    response = client.get("/montana-wind-jacket.html?color=99999&size=abc")
    html = text_of(response)
    assert response.status_code == 200
    assert "SKU <span>MJ01</span>" in html
    assert " checked>" not in html

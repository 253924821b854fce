"""Category listings: layered navigation, chips, sort, pagination, page size, htmx partials, canonical URLs."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.integration.catalog.conftest import graphql_calls, text_of

pytestmark = pytest.mark.django_db

JACKETS = "/men/tops-men/jackets-men.html"
JACKETS_PATH = "men/tops-men/jackets-men"


def names_on(html: str) -> list[str]:
    return re.findall(r'<span class="name">(.*?)</span>', html)


def prices_on(html: str) -> list[Decimal]:
    return [Decimal(p.replace(",", "")) for p in re.findall(r'<span class="final[^"]*">\$([\d,.]+)</span>', html)]


def color_option(magento, label: str) -> str:
    aggregations = magento.query(
        "query($f: ProductAttributeFilterInput) { products(filter: $f) { aggregations { attribute_code options "
        "{ label value } } } }",
        {"f": {"category_url_path": {"eq": JACKETS_PATH}}},
    )["products"]["aggregations"]
    colors = next(a for a in aggregations if a["attribute_code"] == "color")["options"]
    return next(o["value"] for o in colors if o["label"] == label)


def test_colour_filter_narrows_the_grid_and_shows_a_removable_chip(client, shop, magento) -> None:
    black = color_option(magento, "Black")
    expected = magento.query(
        "query($f: ProductAttributeFilterInput) { products(filter: $f) { total_count items { name } } }",
        {"f": {"category_url_path": {"eq": JACKETS_PATH}, "color": {"eq": black}}},
    )["products"]
    html = text_of(client.get(f"{JACKETS}?color={black}"))
    assert sorted(names_on(html)) == sorted(i["name"] for i in expected["items"])
    chips = re.search(r'<ul class="chips".*?</ul>', html, re.S).group(0)
    assert "Color: Black" in chips
    assert f'href="{JACKETS}"' in chips  # removing the only filter goes back to the plain category URL
    # The active option in the layered navigation is a link that removes it again.
    active = re.search(r'<a href="([^"]*)" hx-get="[^"]*" aria-current="true" class="active">', html)
    assert active and active.group(1) == JACKETS


def test_filter_links_work_as_plain_links_and_combine(client, shop, magento) -> None:
    black = color_option(magento, "Black")
    html = text_of(client.get(JACKETS))
    link = re.search(rf'<a href="({re.escape(JACKETS)}\?color={black})"', html)
    assert link, "each filter option is a plain link (works without JavaScript)"
    filtered = text_of(client.get(link.group(1)))
    size_link = re.search(
        rf'<a href="({re.escape(JACKETS)}\?color={black}&amp;size=\d+)"', client.get(link.group(1)).content.decode()
    )
    assert size_link, "a second filter keeps the first one"
    assert "Color: Black" in filtered


def test_price_filter_uses_the_aggregation_ranges(client, shop) -> None:
    html = client.get(JACKETS).content.decode()
    ranges = re.findall(rf'<a href="{re.escape(JACKETS)}\?price=(\d+)_(\d+)"', html)
    assert ranges
    low, high = (Decimal(v) for v in ranges[0])
    filtered = client.get(f"{JACKETS}?price={low}_{high}").content.decode()
    prices = prices_on(filtered)
    assert prices and all(low <= p <= high for p in prices)
    assert "Price: $" in text_of(client.get(f"{JACKETS}?price={low}_{high}"))


@pytest.mark.parametrize(
    ("sort", "key", "reverse"), [("price_asc", "price", False), ("price_desc", "price", True), ("name", "name", False)]
)
def test_sorting(client, shop, sort: str, key: str, reverse: bool) -> None:
    html = text_of(client.get(f"{JACKETS}?sort={sort}&limit=36"))
    values = prices_on(html) if key == "price" else [n.lower() for n in names_on(html)]
    assert len(values) > 5
    assert values == sorted(values, reverse=reverse)
    assert f'<option value="{sort}" selected>' in html


def test_pagination_pages_are_different_and_numbered(client, shop, magento) -> None:
    total = magento.query(f'{{ products(filter: {{category_url_path: {{eq: "{JACKETS_PATH}"}}}}) {{ total_count }} }}')[
        "products"
    ]["total_count"]
    first = text_of(client.get(JACKETS))
    second = text_of(client.get(f"{JACKETS}?p=2"))
    assert set(names_on(first)).isdisjoint(names_on(second))
    pages = -(-total // 12)
    nav = re.search(r'<nav class="pagination".*?</nav>', first, re.S).group(0)
    for number in range(2, pages + 1):
        assert f'href="{JACKETS}?p={number}"' in nav
    assert 'aria-current="page"><span class="visually-hidden">Page </span>1<' in nav
    assert f"13\u2013{min(24, total)} of {total}" in second
    assert 'rel="prev"' in second


def test_page_size_choice(client, shop) -> None:
    assert len(names_on(text_of(client.get(f"{JACKETS}?limit=24")))) == 24
    html = text_of(client.get(JACKETS))
    assert len(names_on(html)) == 12
    assert '<select id="limit" name="limit">' in html


def test_sort_form_keeps_filters_and_works_without_javascript(client, shop, magento) -> None:
    black = color_option(magento, "Black")
    html = text_of(client.get(f"{JACKETS}?color={black}"))
    form = re.search(r'<form class="toolbar".*?</form>', html, re.S).group(0)
    assert f'action="{JACKETS}"' in form and 'method="get"' in form
    assert f'<input type="hidden" name="color" value="{black}">' in form
    assert 'type="submit"' in form


def test_page_past_the_end_is_not_found(client, shop) -> None:
    response = client.get(f"{JACKETS}?p=99")
    assert response.status_code == 404
    assert "We couldn't find that page" in text_of(response)


def test_filters_that_match_nothing_show_an_empty_state(client, shop) -> None:
    response = client.get(f"{JACKETS}?price=0_1")
    html = text_of(response)
    assert response.status_code == 200
    assert "Nothing matches these filters" in html
    assert f'href="{JACKETS}"' in html  # "clear them all"


def test_htmx_request_gets_only_the_listing_partial(client, shop) -> None:
    response = client.get(f"{JACKETS}?sort=name", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="listing")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="listing"')
    assert "<html" not in html and "<header" not in html
    assert 'hx-push-url="true"' in html
    # A full page and its htmx partial are different cache entries.
    assert client.get(f"{JACKETS}?sort=name").content.decode().startswith("<!doctype html>")


def test_canonical_url_drops_tracking_and_presentation_parameters(client, shop) -> None:
    html = client.get(f"{JACKETS}?utm_source=news&gclid=abc&sort=name").content.decode()
    assert f'<link rel="canonical" href="http://testserver{JACKETS}">' in html
    assert '<meta name="robots" content="noindex, follow">' in html  # re-sorted copies are not indexed
    page2 = client.get(f"{JACKETS}?p=2&utm_campaign=x").content.decode()
    assert f'<link rel="canonical" href="http://testserver{JACKETS}?p=2">' in page2


def test_tracking_parameters_share_the_cached_page(client, shop) -> None:
    client.get(JACKETS)
    response = client.get(f"{JACKETS}?utm_source=news&fbclid=xyz")
    assert response["X-Cache"] == "HIT"
    assert graphql_calls(shop) == {"graphql:CatalogRoute": 1}


def test_swatch_preview_on_cards_is_inline_svg(client, shop) -> None:
    html = client.get(JACKETS).content.decode()
    swatch = re.search(
        r'<ul class="swatch-preview" aria-label="Colours"><li><svg [^>]*role="img" aria-label="([^"]+)">'
        r'<circle [^>]*fill="(#[0-9a-fA-F]{6})"',
        html,
    )
    assert swatch
    assert 'style="' not in html  # the CSP forbids inline styles

"""Catalog pages end to end: Django test client → storefront → live sandbox.

Each test compares what the page shows with what Magento (the sandbox) says, so the assertions follow the
seeded catalog instead of hard-coding it where they can.
"""

from __future__ import annotations

import re

import pytest

from tests.integration.catalog.conftest import graphql_calls, jsonld, text_of

pytestmark = pytest.mark.django_db

JACKETS = "/men/tops-men/jackets-men.html"


# --- home ---------------------------------------------------------------------------------------------------


def test_home_shows_cms_content_featured_products_and_categories(client, shop, magento) -> None:
    data = magento.query(
        '{ cmsPage(identifier: "home") { content } '
        'products(filter: {category_url_path: {eq: "what-is-new"}}, pageSize: 8) { items { name } } }'
    )
    response = client.get("/")
    html = text_of(response)
    assert response.status_code == 200
    assert "New Luma Yoga Collection" in html  # from the CMS home page
    assert '<a href="/collections/yoga-new.html"' in html
    for item in data["products"]["items"]:
        assert item["name"] in html
    types = {item["@type"] for item in jsonld(response)}
    assert {"Organization", "WebSite"} <= types
    website = next(i for i in jsonld(response) if i["@type"] == "WebSite")
    assert website["potentialAction"]["target"]["urlTemplate"].endswith("/search?q={search_term_string}")
    assert graphql_calls(shop) == {"graphql:HomePage": 1}


def test_home_of_the_german_store_links_stay_in_the_store(client, shop) -> None:
    html = text_of(client.get("/de/"))
    assert "Neue Luma Yoga-Kollektion" in html
    assert '<a href="/de/collections/yoga-new.html"' in html  # CMS links get the store prefix
    assert 'action="/de/search"' in html


# --- category -------------------------------------------------------------------------------------------------


def test_category_page_shows_breadcrumbs_description_and_products(client, shop, magento) -> None:
    expected = magento.query(
        '{ products(filter: {category_url_path: {eq: "men/tops-men/jackets-men"}}, pageSize: 12) '
        "{ total_count items { name sku } } }"
    )["products"]
    response = client.get(JACKETS)
    html = text_of(response)
    assert response.status_code == 200
    assert "<h1>Jackets</h1>" in html
    assert "Discover our jackets" in html
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert '<a href="/men.html">Men</a>' in crumbs and '<a href="/men/tops-men.html">Tops</a>' in crumbs
    for item in expected["items"]:
        assert item["name"] in html
    assert f"of {expected['total_count']} products" in html
    # Every grid image has dimensions and a srcset; only the first one is loaded eagerly.
    images = re.findall(r'<li class="card product-card">.*?<img ([^>]*)>', html, re.S)
    assert len(images) == len(expected["items"])
    assert all('width="360"' in i and 'height="450"' in i and "srcset=" in i for i in images)
    assert 'fetchpriority="high"' in images[0] and all('loading="lazy"' in i for i in images[1:])
    assert graphql_calls(shop) == {"graphql:CatalogRoute": 1}


def test_category_shows_special_price_and_regular_price(client, shop, magento) -> None:
    items = magento.query(
        '{ products(filter: {category_url_path: {eq: "men/tops-men/jackets-men"}}, pageSize: 40) { items { name '
        "price_range { minimum_price { final_price { value } regular_price { value } } } } } }"
    )["products"]["items"]
    on_sale = next(
        i
        for i in items
        if i["price_range"]["minimum_price"]["final_price"]["value"]
        < i["price_range"]["minimum_price"]["regular_price"]["value"]
    )
    page = 1 + items.index(on_sale) // 12
    html = text_of(client.get(f"{JACKETS}?p={page}" if page > 1 else JACKETS))
    final = on_sale["price_range"]["minimum_price"]["final_price"]["value"]
    regular = on_sale["price_range"]["minimum_price"]["regular_price"]["value"]
    card = re.search(
        re.escape(on_sale["name"]) + r"</span>\s*</a>\s*(<span class=\"price\">.*?</span></span>)", html, re.S
    ).group(1)
    assert f"${final:.2f}" in card and "sale" in card
    assert f"${regular:.2f}</s>" in card


def test_category_with_sub_categories_links_them_in_layered_navigation(client, shop) -> None:
    html = text_of(client.get("/men.html"))
    assert '<a href="/men/tops-men.html"' in html
    assert '<a href="/men/bottoms-men.html"' in html


# --- product -------------------------------------------------------------------------------------------------


def test_product_page_shows_name_sku_price_gallery_and_structured_data(client, shop, magento) -> None:
    product = magento.query(
        '{ products(filter: {sku: {eq: "MJ01"}}) { items { name sku url_key url_suffix '
        "price_range { minimum_price { final_price { value currency } } } media_gallery { url } } } }"
    )["products"]["items"][0]
    url = f"/{product['url_key']}{product['url_suffix']}"
    response = client.get(url)
    html = text_of(response)
    assert response.status_code == 200
    assert "<h1>Montana Wind Jacket</h1>" in html
    assert "SKU <span>MJ01</span>" in html
    price = product["price_range"]["minimum_price"]["final_price"]["value"]
    assert f"${price:.2f}" in html
    first_image = re.search(r'<ul class="slides"[^>]*>\s*<li[^>]*><img ([^>]*)>', html).group(1)
    assert 'fetchpriority="high"' in first_image and "loading=" not in first_image
    assert 'width="640"' in first_image and 'height="800"' in first_image and "srcset=" in first_image
    assert html.count('<ul class="thumbs"') == 1
    ld = {item["@type"]: item for item in jsonld(response)}
    assert ld["Product"]["sku"] == "MJ01"
    assert ld["Product"]["offers"]["price"] == f"{price:.2f}"
    assert ld["Product"]["offers"]["priceCurrency"] == "USD"
    assert ld["Product"]["offers"]["availability"] == "https://schema.org/InStock"
    assert [e["name"] for e in ld["BreadcrumbList"]["itemListElement"]][-1] == "Montana Wind Jacket"
    assert graphql_calls(shop) == {"graphql:CatalogRoute": 1}


def test_product_description_is_sanitised(client, shop) -> None:
    html = client.get("/montana-wind-jacket.html").content.decode()
    details = re.search(r'<section class="description".*?</section>', html, re.S).group(0)
    assert "Moisture-wicking" in details or "<li>" in details
    assert "<script" not in details and "alert(" not in details
    assert "onerror" not in html and "javascript:" not in html
    assert "Size guide" in details  # the link text survives, its javascript: URL does not


def test_product_has_attributes_table_related_products_and_add_to_cart_form(client, shop) -> None:
    html = text_of(client.get("/montana-wind-jacket.html"))
    assert '<th scope="row">SKU</th><td>MJ01</td>' in html
    assert '<th scope="row">Color</th>' in html and '<th scope="row">Size</th>' in html
    assert "Related products" in html or "You may also like" in html
    form = re.search(r'<form id="buy".*?</form>', html, re.S).group(0)
    assert 'action="/cart/add" method="post"' in form
    assert 'name="sku" value="MJ01"' in form and 'name="qty"' in form
    assert "csrfmiddlewaretoken" not in form  # cached pages carry no per-visitor token


# --- CMS, 404, redirects ----------------------------------------------------------------------------------------


def test_cms_page_by_url(client, shop) -> None:
    response = client.get("/about-us")
    html = text_of(response)
    assert response.status_code == 200
    assert "<h1>About us</h1>" in html
    assert "sportswear brand" in html
    assert "<title>About us</title>" in html
    assert graphql_calls(shop) == {"graphql:CatalogRoute": 1}


def test_cms_blocks_fill_footer_and_notice(client, shop) -> None:
    html = text_of(client.get("/about-us"))
    footer = re.search(r'<footer class="site-footer">.*?</footer>', html, re.S).group(0)
    assert '<a href="/customer-service">Customer Service</a>' in footer
    assert "<strong>Free shipping</strong> on orders over $100." in html


def test_unknown_url_is_the_styled_404_page_with_search(client, shop) -> None:
    response = client.get("/no-such-thing.html")
    html = text_of(response)
    assert response.status_code == 404
    assert "We couldn't find that page" in html
    assert 'role="search"' in html and 'name="q"' in html
    assert '<nav class="menu"' in html  # the full layout, not a bare error
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize(
    ("old", "new", "status"),
    [
        ("/montana-jacket.html", "/montana-wind-jacket.html", 301),
        ("/men/tops-men/jackets.html", "/men/tops-men/jackets-men.html", 301),
        ("/summer-sale.html", "/sale.html", 302),
        ("/about.html", "/about-us", 301),
        ("/de/montana-jacket.html", "/de/montana-wind-jacket.html", 301),
    ],
)
def test_magento_redirects_become_http_redirects(client, shop, old: str, new: str, status: int) -> None:
    response = client.get(old)
    assert response.status_code == status
    assert response["Location"] == new


def test_redirect_keeps_the_query_string(client, shop) -> None:
    response = client.get("/men/tops-men/jackets.html?color=49&utm_source=mail")
    assert response["Location"] == "/men/tops-men/jackets-men.html?color=49&utm_source=mail"


def test_store_code_without_slash_goes_to_the_store_home(client, shop) -> None:
    response = client.get("/de")
    assert response.status_code == 301
    assert response["Location"] == "/de/"


# --- second store view -----------------------------------------------------------------------------------------


def test_german_store_view_shows_german_names_and_euro_prices(client, shop, magento) -> None:
    name = magento.query('{ products(filter: {sku: {eq: "MJ01"}}) { items { name } } }', store="de")["products"][
        "items"
    ][0]["name"]
    response = client.get("/de/montana-wind-jacket.html")
    html = text_of(response)
    assert response.status_code == 200
    assert 'lang="de"' in html
    assert f"<h1>{name}</h1>" in html
    assert "\u00a0€" in html  # "43,99 €"
    assert '<a href="/de/men.html"' in html or '<a href="/de/' in html


def test_category_in_german_store(client, shop) -> None:
    response = client.get("/de/men/tops-men/jackets-men.html")
    assert response.status_code == 200
    assert "Entdecken Sie unsere" in text_of(response)

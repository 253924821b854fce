"""The catalog's pure building blocks (no sandbox needed): parameters, URLs, sanitising, money, JSON-LD.

They live beside the integration tests because this part owns only ``tests/integration/catalog``.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.http import QueryDict

from catalog.money import format_money
from catalog.params import ListingParams, magento_filter, magento_sort, parse_listing
from catalog.sanitize import clean_html, plain_text
from catalog.templatetags.catalog_tags import ld_json


def test_listing_parameters_keep_only_well_formed_values() -> None:
    params = parse_listing(QueryDict("color=49&size=x&price=10_20&p=3&limit=24&sort=name&evil=1&cat=Mw=="))
    assert params.filters == (("price", "10_20"), ("color", "49"))  # cat only counts on search pages
    assert (params.page, params.limit, params.sort) == (3, 24, "name")
    assert parse_listing(QueryDict("p=0&limit=7&sort=drop")).page == 1
    assert parse_listing(QueryDict("p=0&limit=7&sort=drop")).limit == 12
    assert parse_listing(QueryDict("p=0&limit=7&sort=drop")).sort == ""
    assert parse_listing(QueryDict("q=%20a%00b%20%20c"), search=True).query == "ab c"


def test_urls_are_canonical_and_reset_the_page_on_change() -> None:
    params = ListingParams(filters=(("color", "49"),), page=3, sort="name")
    assert params.url("/c.html") == "/c.html?color=49&sort=name&p=3"
    assert params.with_filter("price", "10_20").url("/c.html") == "/c.html?price=10_20&color=49&sort=name"
    assert params.without("color").url("/c.html") == "/c.html?sort=name"
    assert ListingParams().url("/c.html") == "/c.html"


def test_magento_filter_and_sort() -> None:
    params = ListingParams(filters=(("cat", "Mw=="), ("price", "10_"), ("size", "168")), sort="price_desc")
    assert magento_filter(params, category_url_path="men") == {
        "category_url_path": {"eq": "men"},  # Magento refuses category_uid next to it
        "price": {"from": "10"},
        "size": {"eq": "168"},
    }
    assert magento_filter(params)["category_uid"] == {"eq": "Mw=="}
    assert magento_sort(params) == {"price": "DESC"}
    assert magento_sort(ListingParams()) is None


def test_sanitiser_allow_list() -> None:
    dirty = (
        '<h1>T</h1><script>alert(1)</script><p style="color:red" onclick="x()">Hi <img src=x onerror=alert(2)>'
        '<a href="javascript:alert(3)">bad</a> <a href="/about-us">ok</a></p><iframe src="//x"></iframe>'
    )
    clean = clean_html(dirty, prefix="/de")
    assert clean == '<h2>T</h2><p>Hi <span>bad</span> <a href="/de/about-us">ok</a></p>'
    assert clean_html('<a href="/de/x">already</a>', prefix="/de") == '<a href="/de/x">already</a>'
    # A link whose address was refused is plain text, not an anchor without href (not crawlable, misannounced).
    assert clean_html('<a title="x>y" href="https://e.com">e</a> <a href="vbscript:x" title="href=">f</a>') == (
        '<a title="x&gt;y" href="https://e.com">e</a> <span title="href=">f</span>'
    )
    assert clean_html("<h3>a</h3><h5>b</h5>") == "<h2>a</h2><h3>b</h3>"  # no skipped heading levels
    assert plain_text("<p>A &amp; B</p><ul><li>c</li></ul><script>x</script>") == "A & B c"


def test_money_by_locale() -> None:
    assert format_money(Decimal("1234.5"), "USD", "en_US") == "$1,234.50"
    assert format_money(Decimal("1234.5"), "EUR", "de_DE") == "1.234,50\u00a0€"
    assert format_money(Decimal("3"), "SEK", "en_US") == "SEK\u00a03.00"


def test_json_ld_cannot_close_its_script_element() -> None:
    html = ld_json({"name": "</script><script>alert(1)</script> & more"})
    assert html.startswith('<script type="application/ld+json">') and html.count("</script>") == 1
    body = html[len('<script type="application/ld+json">') : -len("</script>")]
    assert json.loads(body)["name"] == "</script><script>alert(1)</script> & more"

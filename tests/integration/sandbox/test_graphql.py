"""GraphQL contracts of the sandbox, over HTTP against a real sandbox process."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.support.sandbox import SandboxProcess

CATEGORY_PAGE = """
query CategoryPage($page: Int, $sort: ProductAttributeSortInput, $filter: ProductAttributeFilterInput) {
  products(filter: $filter, pageSize: 24, currentPage: $page, sort: $sort) {
    total_count
    page_info { current_page page_size total_pages }
    aggregations { attribute_code label count options { label value count } }
    sort_fields { default options { label value } }
    items {
      __typename uid sku name url_key url_suffix stock_status
      small_image { url label }
      price_range { minimum_price { regular_price { value currency } final_price { value currency }
                                    discount { amount_off percent_off } } }
      ... on ConfigurableProduct {
        configurable_options { attribute_code attribute_uid label uid
          values { uid value_index label swatch_data { value } } }
        variants { attributes { code value_index label uid } product { sku stock_status } }
      }
    }
  }
}"""


def uid(value: int) -> str:
    return base64.b64encode(str(value).encode()).decode()


def get(sandbox: SandboxProcess, query: str, variables: dict[str, Any] | None = None, **headers: str) -> httpx.Response:
    params = {"query": query}
    if variables is not None:
        params["variables"] = json.dumps(variables)
    return httpx.get(f"{sandbox.url}/graphql", params=params, headers=headers, timeout=30)


def post(
    sandbox: SandboxProcess, query: str, variables: dict[str, Any] | None = None, **headers: str
) -> httpx.Response:
    return httpx.post(
        f"{sandbox.url}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30
    )


def data(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def category_id(sandbox: SandboxProcess, url_path: str) -> int:
    query = '{ categoryList(filters: {url_path: {eq: "' + url_path + '"}}) { id } }'
    found = data(get(sandbox, query))
    return found["categoryList"][0]["id"]


def test_store_config_and_store_switch(sandbox: SandboxProcess) -> None:
    query = (
        "{ storeConfig { store_code locale base_currency_code default_display_currency_code"
        " product_url_suffix root_category_uid secure_base_media_url } }"
    )
    default = data(get(sandbox, query))["storeConfig"]
    german = data(get(sandbox, query, Store="de"))["storeConfig"]
    assert default["store_code"] == "default" and default["default_display_currency_code"] == "USD"
    assert german["locale"] == "de_DE" and german["default_display_currency_code"] == "EUR"
    assert default["product_url_suffix"] == ".html"
    assert base64.b64decode(default["root_category_uid"]) == b"2"
    assert default["secure_base_media_url"].startswith(sandbox.url)


def test_category_page_query_is_magento_shaped(sandbox: SandboxProcess) -> None:
    jackets = category_id(sandbox, "men/tops-men/jackets-men")
    response = get(sandbox, CATEGORY_PAGE, {"filter": {"category_uid": {"eq": uid(jackets)}}})
    result = data(response)["products"]
    assert 0 < len(result["items"]) <= 24
    assert result["page_info"]["total_pages"] == -(-result["total_count"] // 24)
    first = result["items"][0]
    assert first["__typename"] == "ConfigurableProduct"
    assert first["url_suffix"] == ".html"
    assert {o["attribute_code"] for o in first["configurable_options"]} == {"color", "size"}
    color = next(o for o in first["configurable_options"] if o["attribute_code"] == "color")
    assert color["values"][0]["swatch_data"]["value"].startswith("#")
    assert first["variants"][0]["product"]["sku"].startswith(first["sku"] + "-")
    assert first["small_image"]["url"].startswith(sandbox.url + "/media/catalog/product/")
    image = httpx.get(first["small_image"]["url"], params={"width": 240}, timeout=30)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert "max-age=31536000" in image.headers["cache-control"]
    # Cacheable GET: public headers and the tags of every product and the category listing.
    tags = response.headers["X-Magento-Tags"].split(",")
    assert f"cat_p_{base64.b64decode(first['uid']).decode()}" in tags
    assert f"cat_c_p_{jackets}" in tags
    assert "public" in response.headers["Cache-Control"]


def test_aggregation_counts_agree_with_filtered_totals(sandbox: SandboxProcess) -> None:
    women = category_id(sandbox, "women")
    result = data(get(sandbox, CATEGORY_PAGE, {"filter": {"category_uid": {"eq": uid(women)}}}))["products"]
    color = next(a for a in result["aggregations"] if a["attribute_code"] == "color")
    option = color["options"][0]
    filtered = data(
        get(sandbox, CATEGORY_PAGE, {"filter": {"category_uid": {"eq": uid(women)}, "color": {"eq": option["value"]}}})
    )["products"]
    assert filtered["total_count"] == option["count"]
    price = next(a for a in result["aggregations"] if a["attribute_code"] == "price")
    assert sum(o["count"] for o in price["options"]) == result["total_count"]
    bucket = price["options"][0]
    low, high = bucket["value"].split("_")
    in_bucket = data(
        get(
            sandbox,
            CATEGORY_PAGE,
            {"filter": {"category_uid": {"eq": uid(women)}, "price": {"from": low, "to": str(float(high) - 0.01)}}},
        )
    )["products"]
    assert in_bucket["total_count"] == bucket["count"]


def test_sort_and_pagination(sandbox: SandboxProcess) -> None:
    men = category_id(sandbox, "men")
    variables = {"filter": {"category_uid": {"eq": uid(men)}}, "sort": {"price": "ASC"}}
    page1 = data(get(sandbox, CATEGORY_PAGE, variables))["products"]
    page2 = data(get(sandbox, CATEGORY_PAGE, {**variables, "page": 2}))["products"]
    prices = [i["price_range"]["minimum_price"]["final_price"]["value"] for i in page1["items"] + page2["items"]]
    assert prices == sorted(prices)
    assert not {i["sku"] for i in page1["items"]} & {i["sku"] for i in page2["items"]}
    too_far = get(sandbox, CATEGORY_PAGE, {**variables, "page": 999}).json()
    assert too_far["errors"][0]["extensions"]["category"] == "graphql-input"
    assert "greater than the" in too_far["errors"][0]["message"]


def test_currency_header_converts_prices(sandbox: SandboxProcess) -> None:
    query = (
        '{ products(filter: {sku: {eq: "MJ01"}}) '
        "{ items { price_range { minimum_price { final_price { value currency } } } } } }"
    )
    usd = data(get(sandbox, query))["products"]["items"][0]["price_range"]["minimum_price"]["final_price"]
    eur = data(get(sandbox, query, **{"Content-Currency": "EUR"}))["products"]["items"][0]
    eur_price = eur["price_range"]["minimum_price"]["final_price"]
    assert usd["currency"] == "USD" and eur_price["currency"] == "EUR"
    assert eur_price["value"] == pytest.approx(round(usd["value"] * 0.92, 2), abs=0.011)
    german = data(get(sandbox, query, Store="de"))["products"]["items"][0]["price_range"]["minimum_price"]
    assert german["final_price"]["currency"] == "EUR"


def test_store_header_switches_names(sandbox: SandboxProcess) -> None:
    query = '{ categoryList(filters: {url_path: {eq: "men"}}) { name children { name } } }'
    assert data(get(sandbox, query))["categoryList"][0]["name"] == "Men"
    assert data(get(sandbox, query, Store="de"))["categoryList"][0]["name"] == "Herren"


def test_route_and_url_resolver(sandbox: SandboxProcess) -> None:
    route = (
        '{ route(url: "%s") { __typename relative_url redirect_code type ... on CmsPage { title } '
        "... on CategoryTree { name } ... on ProductInterface { sku } } }"
    )
    category = data(get(sandbox, route % "men/tops-men/jackets-men.html"))["route"]
    assert category["__typename"] == "CategoryTree" and category["redirect_code"] == 0
    product = data(get(sandbox, route % "montana-wind-jacket.html"))["route"]
    assert product == {
        "__typename": "ConfigurableProduct",
        "relative_url": "montana-wind-jacket.html",
        "redirect_code": 0,
        "type": "PRODUCT",
        "sku": "MJ01",
    }
    cms = data(get(sandbox, route % "about-us"))["route"]
    assert cms["__typename"] == "CmsPage" and cms["type"] == "CMS_PAGE"
    moved = data(get(sandbox, route % "montana-jacket.html"))["route"]
    assert moved["redirect_code"] == 301 and moved["relative_url"] == "montana-wind-jacket.html"
    temporary = data(get(sandbox, route % "summer-sale.html"))["route"]
    assert temporary["redirect_code"] == 302 and temporary["relative_url"] == "sale.html"
    assert data(get(sandbox, route % "no-such-page.html"))["route"] is None
    resolver = data(
        get(sandbox, '{ urlResolver(url: "/montana-jacket.html") { type redirectCode relative_url entity_uid } }')
    )
    assert resolver["urlResolver"]["type"] == "PRODUCT" and resolver["urlResolver"]["redirectCode"] == 301


def test_cms_page_and_blocks(sandbox: SandboxProcess) -> None:
    response = get(sandbox, '{ cmsPage(identifier: "about-us") { title content url_key } }', Store="de")
    assert data(response)["cmsPage"]["title"] == "Über uns"
    assert any(t.startswith("cms_p_") for t in response.headers["X-Magento-Tags"].split(","))
    blocks = get(
        sandbox, '{ cmsBlocks(identifiers: ["footer-links", "site-notice"]) { items { identifier content } } }'
    )
    assert [b["identifier"] for b in data(blocks)["cmsBlocks"]["items"]] == ["footer-links", "site-notice"]
    assert "cms_b_footer-links" in blocks.headers["X-Magento-Tags"]
    missing = get(sandbox, '{ cmsPage(identifier: "nope") { title } }').json()
    assert missing["errors"][0]["extensions"]["category"] == "graphql-no-such-entity"


def test_product_detail_fields(sandbox: SandboxProcess) -> None:
    query = """{ products(filter: {url_key: {eq: "montana-wind-jacket"}}) { items {
        sku meta_title description { html } media_gallery { url label position } categories { name url_path }
        related_products { sku } upsell_products { sku } crosssell_products { sku } } } }"""
    item = data(get(sandbox, query))["products"]["items"][0]
    assert item["sku"] == "MJ01"
    assert "<script>" in item["description"]["html"] and "onerror=" in item["description"]["html"]
    assert len(item["media_gallery"]) >= 2
    assert any(c["url_path"] == "men/tops-men/jackets-men" for c in item["categories"])
    assert item["related_products"] and item["crosssell_products"]


def test_error_shapes(sandbox: SandboxProcess) -> None:
    syntax = get(sandbox, "{ products(")
    assert syntax.status_code == 400 and syntax.json()["errors"][0]["message"].startswith("Syntax Error")
    unknown = get(sandbox, "{ nope }")
    assert unknown.status_code == 200
    assert unknown.json()["errors"][0]["extensions"]["category"] == "graphql"
    bad_variables = get(sandbox, CATEGORY_PAGE, {"page": "two"})
    assert bad_variables.status_code == 200 and bad_variables.json()["errors"]
    store = get(sandbox, "{ storeConfig { store_code } }", Store="nowhere").json()
    assert store["errors"][0] == {
        "message": "Requested store is not found",
        "extensions": {"category": "graphql-input"},
    }
    currency = get(sandbox, "{ storeConfig { store_code } }", **{"Content-Currency": "JPY"}).json()
    assert currency["errors"][0]["extensions"]["category"] == "graphql-input"
    mutation = get(sandbox, "mutation { createEmptyCart }").json()
    assert mutation["errors"][0]["message"] == "Mutation requests allowed only for POST requests"
    assert httpx.put(f"{sandbox.url}/graphql", timeout=10).status_code == 204
    bad_json = httpx.post(f"{sandbox.url}/graphql", content=b"{not json", timeout=10)
    assert bad_json.status_code == 400 and "errors" in bad_json.json()
    empty = httpx.post(f"{sandbox.url}/graphql", content=b"", timeout=10)
    assert empty.status_code == 400


def test_post_is_never_publicly_cacheable(sandbox: SandboxProcess) -> None:
    response = post(sandbox, "{ storeConfig { store_code } }")
    assert response.status_code == 200
    assert "X-Magento-Tags" not in response.headers
    assert "no-cache" in response.headers["Cache-Control"]


def test_long_get_urls_are_accepted(sandbox: SandboxProcess) -> None:
    padding = "#" + "x" * 6500 + "\n"  # ≈ 6.5 KB in the request line, like a real client's compact query
    response = get(sandbox, padding + '{ products(search: "jacket", pageSize: 1) { items { sku } } }')
    assert response.status_code == 200 and data(response)["products"]["items"]


def test_search_and_categories_paging(sandbox: SandboxProcess) -> None:
    found = data(get(sandbox, '{ products(search: "Jacket", pageSize: 5) { total_count items { name } } }'))
    assert found["products"]["total_count"] > 0
    assert all("jacket" in i["name"].lower() for i in found["products"]["items"])
    categories = data(
        get(
            sandbox,
            '{ categories(filters: {parent_id: {eq: "2"}}, pageSize: 3) '
            "{ total_count items { name level product_count } page_info { total_pages } } }",
        )
    )
    assert categories["categories"]["page_info"]["total_pages"] == -(-categories["categories"]["total_count"] // 3)
    assert all(item["level"] == 2 for item in categories["categories"]["items"])

"""The sandbox's admin content routes (Magento's own): ``PUT /V1/products/{sku}`` with description attributes,
``PUT /V1/cmsPage/{id}`` and ``PUT /V1/cmsBlock/{id}`` — saved as given, visible over GraphQL, undone by reset.
"""

from __future__ import annotations

from tests.integration.sandbox.commerce_helpers import ADMIN, Rest, graphql
from tests.support.sandbox import SandboxProcess

PRODUCT = (
    'query { products(filter: {sku: {eq: "MJ01"}}) { items { description { html } short_description { html } } } }'
)
ABOUT = 'query { cmsPage(identifier: "about-us") { title content content_heading meta_title } }'
NOTICE = 'query { cmsBlocks(identifiers: ["site-notice"]) { items { content } } }'


def test_content_edits_show_over_graphql_and_reset_undoes_them(clean_sandbox: SandboxProcess) -> None:
    rest = Rest(clean_sandbox)
    token = rest.ok("POST", "integration/admin/token", ADMIN)
    _, before = graphql(clean_sandbox, PRODUCT)
    _, about_before = graphql(clean_sandbox, ABOUT)
    _, notice_before = graphql(clean_sandbox, NOTICE)
    attributes = [
        {"attribute_code": "description", "value": "<p>New <script>x()</script></p>"},
        {"attribute_code": "short_description", "value": "<b>short</b>"},
    ]
    rest.ok("PUT", "products/MJ01", {"product": {"custom_attributes": attributes}}, token)
    page = rest.ok(
        "PUT", "cmsPage/3", {"page": {"content": "<p>c</p>", "meta_title": "M", "content_heading": "H"}}, token
    )
    assert (page["id"], page["identifier"], page["content"]) == (3, "about-us", "<p>c</p>")
    block = rest.ok("PUT", "cmsBlock/2", {"block": {"content": "<p>notice</p>"}}, token)
    assert (block["identifier"], block["content"]) == ("site-notice", "<p>notice</p>")

    _, product = graphql(clean_sandbox, PRODUCT)
    item = product["data"]["products"]["items"][0]
    assert item["description"]["html"] == "<p>New <script>x()</script></p>"  # stored as given, like Magento
    assert item["short_description"]["html"] == "<b>short</b>"
    _, about = graphql(clean_sandbox, ABOUT)
    assert about["data"]["cmsPage"]["content"] == "<p>c</p>"
    assert about["data"]["cmsPage"]["meta_title"] == "M"
    _, notice = graphql(clean_sandbox, NOTICE)
    assert notice["data"]["cmsBlocks"]["items"][0]["content"] == "<p>notice</p>"

    clean_sandbox.reset()
    assert graphql(clean_sandbox, PRODUCT)[1] == before
    assert graphql(clean_sandbox, ABOUT)[1] == about_before
    assert graphql(clean_sandbox, NOTICE)[1] == notice_before


def test_content_routes_need_the_admin_and_known_ids(clean_sandbox: SandboxProcess) -> None:
    rest = Rest(clean_sandbox)
    assert rest.put("cmsPage/3", {"page": {"content": "x"}}).status == 401
    assert rest.put("cmsBlock/2", {"block": {"content": "x"}}, rest.login()).status == 401  # a customer is not admin
    token = rest.ok("POST", "integration/admin/token", ADMIN)
    missing = rest.put("cmsPage/999", {"page": {"content": "x"}}, token)
    assert missing.status == 404
    assert missing.body["message"] == 'The CMS page with the "%1" ID doesn\'t exist.'
    assert missing.body["parameters"] == ["999"]
    assert rest.put("cmsBlock/999", {"block": {"content": "x"}}, token).status == 404

"""Directory routes: countries, one country, currency (anonymous in the 2.4 guest dump)."""

from __future__ import annotations

from typing import Any

from sandbox.commerce import directory
from sandbox.commerce.catalog_bridge import store
from sandbox.rest.routing import Call, route


@route("GET", "V1/directory/countries")
def countries(call: Call) -> list[dict[str, Any]]:
    return directory.countries(store(call.store_code))


@route("GET", "V1/directory/countries/:countryId")
def country(call: Call) -> dict[str, Any]:
    return directory.get_country(call.params["countryId"], store(call.store_code))


@route("GET", "V1/directory/currency")
def currency(call: Call) -> dict[str, Any]:
    return directory.currency(store(call.store_code))


@route("GET", "V1/store/storeConfigs", "Magento_Backend::store")
def store_configs(call: Call) -> list[dict[str, Any]]:
    from sandbox.catalog.models import Store

    out = []
    for row in Store.objects.order_by("store_id"):
        out.append(
            {
                "id": row.store_id,
                "code": row.code,
                "website_id": row.website_id,
                "locale": row.locale,
                "base_currency_code": row.base_currency,
                "default_display_currency_code": row.default_display_currency,
                "timezone": "UTC",
                "weight_unit": "lbs",
                "base_url": "http://127.0.0.1:8001/",
                "base_link_url": "http://127.0.0.1:8001/",
                "base_static_url": "http://127.0.0.1:8001/static/",
                "base_media_url": "http://127.0.0.1:8001/media/",
                "secure_base_url": "http://127.0.0.1:8001/",
                "secure_base_link_url": "http://127.0.0.1:8001/",
                "secure_base_static_url": "http://127.0.0.1:8001/static/",
                "secure_base_media_url": "http://127.0.0.1:8001/media/",
            }
        )
    return out

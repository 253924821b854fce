"""URL map: the shop's routes for the default store at /, and again under /<code>/ for other stores."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from catalog import views as catalog_views
from storefront import views as infra_views
from storefront.stores import store_codes

shop_patterns = [
    path("", catalog_views.home_page, name="home"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("_revalidate", infra_views.revalidate_webhook, name="revalidate"),
    path("", include(shop_patterns)),
]
for _code in store_codes()[1:]:
    urlpatterns.append(path(f"{_code}/", include((shop_patterns, "shop"), namespace=_code), {"store_code": _code}))

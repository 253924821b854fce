"""URL map: the shop's routes for the default store at /, and again under /<code>/ for other stores."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from storefront import preview_views
from storefront import views as infra_views
from storefront.stores import store_codes

# Per store: cart, checkout and account routes go before the catalog, whose Magento-URL catch-all is last.
shop_patterns = [
    path("", include("cart.urls")),
    path("", include("checkout.urls")),
    path("", include("accounts.urls")),
    path("", include("catalog.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("_revalidate", infra_views.revalidate_webhook, name="revalidate"),
    path("healthz", infra_views.healthz, name="healthz"),
    path("readyz", infra_views.readyz, name="readyz"),
    path("metrics", infra_views.metrics_endpoint, name="metrics"),
    path("sw.js", infra_views.service_worker, name="service-worker"),
    path("offline/", infra_views.offline_page, name="offline"),
    path("_fragment/header", infra_views.header_fragment, name="header-fragment"),
    path("_preview/start", preview_views.preview_start, name="preview-start"),
    path("_preview/stop", preview_views.preview_stop, name="preview-stop"),
    path("_preview/refresh", preview_views.inspector_refresh, name="preview-refresh"),
    path("_preview/purge", preview_views.inspector_purge, name="preview-purge"),
]
# Other store views first: the default store's catch-all would otherwise swallow "/de/...".
for _code in store_codes()[1:]:
    urlpatterns.append(path(f"{_code}/", include((shop_patterns, "shop"), namespace=_code), {"store_code": _code}))
urlpatterns.append(path("", include(shop_patterns)))

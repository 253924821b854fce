"""Catalog routes, included once per store view (``/`` and ``/<code>/``).

Rules: our own routes first; the catch-all that hands any other path to Magento's ``route`` query comes
LAST, so cart, checkout and account routes inserted before this include keep working.
"""

from __future__ import annotations

from django.urls import path, re_path

from catalog import views

urlpatterns = [
    path("", views.home_page, name="home"),
    path("search", views.search_page, name="search"),
    path("search/suggest", views.search_suggest, name="search-suggest"),
    path("currency", views.currency_switch, name="currency"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-categories.xml", views.sitemap_categories, name="sitemap-categories"),
    path("sitemap-products-<int:page>.xml", views.sitemap_products, name="sitemap-products"),
    # Everything else is a Magento URL (category, product, CMS page, redirect) or the 404 page.
    re_path(r"^(?P<url_path>.+)$", views.magento_page, name="magento-page"),
]

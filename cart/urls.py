"""Cart routes (the product page's add-to-cart form posts to ``cart-add``)."""

from __future__ import annotations

from django.urls import path

from cart import views

urlpatterns = [
    path("cart/", views.cart_page, name="cart"),
    path("cart/add", views.cart_add_item, name="cart-add"),
    path("cart/update", views.cart_update_item, name="cart-update"),
    path("cart/remove", views.cart_remove_item, name="cart-remove"),
    path("cart/coupon", views.cart_apply_coupon, name="cart-coupon"),
    path("cart/coupon/remove", views.cart_remove_coupon, name="cart-coupon-remove"),
    path("cart/estimate", views.cart_estimate_shipping, name="cart-estimate"),
]

"""Cart routes (the product page's add-to-cart form posts to ``cart-add``)."""

from __future__ import annotations

from django.urls import path

from cart import views

urlpatterns = [
    path("cart/add", views.cart_add_item, name="cart-add"),
]

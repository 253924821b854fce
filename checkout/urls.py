"""Checkout routes: one per step, then place order and the confirmation."""

from __future__ import annotations

from django.urls import path

from checkout import views

urlpatterns = [
    path("checkout/", views.checkout_email, name="checkout"),
    path("checkout/shipping", views.checkout_shipping, name="checkout-shipping"),
    path("checkout/method", views.checkout_method, name="checkout-method"),
    path("checkout/payment", views.checkout_payment, name="checkout-payment"),
    path("checkout/review", views.checkout_review, name="checkout-review"),
    path("checkout/place-order", views.checkout_place_order, name="checkout-place-order"),
    path("checkout/success", views.checkout_success, name="checkout-success"),
]

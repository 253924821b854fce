"""Account routes: ours under /account/, plus Magento's own reset-link path (the reset mail links there)."""

from __future__ import annotations

from django.urls import path

from accounts import views

urlpatterns = [
    path("account/", views.dashboard, name="account-dashboard"),
    path("account/login/", views.login, name="account-login"),
    path("account/logout/", views.logout, name="account-logout"),
    path("account/register/", views.register, name="account-register"),
    path("account/profile/", views.profile, name="account-profile"),
    path("account/password/", views.change_password, name="account-password"),
    path("account/forgot-password/", views.forgot_password, name="account-forgot-password"),
    path("account/addresses/", views.addresses, name="account-addresses"),
    path("account/addresses/new/", views.address_form, name="account-address-new"),
    path("account/addresses/<int:address_id>/edit/", views.address_form, name="account-address-edit"),
    path("account/addresses/<int:address_id>/delete/", views.address_delete, name="account-address-delete"),
    path("account/orders/", views.orders, name="account-orders"),
    path("account/orders/<str:number>/", views.order_detail, name="account-order"),
    path("customer/account/createPassword/", views.create_password, name="account-create-password"),
]

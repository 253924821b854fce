"""Staff can read the account audit trail; nobody edits it."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from accounts.models import AccountEvent


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    list_display = ("at", "event", "email", "ip", "request_id")
    list_filter = ("event",)
    search_fields = ("email", "request_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

"""Admin for merchandisers: preview links (mint, see, extend) and the inspector's audit trail."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from storefront.models import InspectorAudit, PreviewLink
from storefront.pagecache import preview


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    list_display = ("path", "note", "created_by", "expires_at", "link")
    readonly_fields = ("created_by", "link")
    fields = ("path", "note", "expires_at", "created_by", "link")
    actions = ("mint_fresh_links",)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, object]:
        return {"expires_at": timezone.now() + timedelta(hours=24), "path": "/"}

    def save_model(self, request: HttpRequest, obj: PreviewLink, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Preview link")
    def link(self, obj: PreviewLink) -> str:
        if not obj.pk:
            return "Saved links show their URL here."
        url = preview.link_url(obj.pk, obj.path)
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.action(description="Mint a fresh 24-hour link for the same pages")
    def mint_fresh_links(self, request: HttpRequest, queryset: QuerySet[PreviewLink]) -> None:
        for old in queryset:
            link = PreviewLink.objects.create(
                path=old.path, note=old.note, created_by=request.user, expires_at=timezone.now() + timedelta(hours=24)
            )
            self.message_user(
                request, f"New link for {link.path}: {preview.link_url(link.pk, link.path)}", messages.SUCCESS
            )


@admin.register(InspectorAudit)
class InspectorAuditAdmin(admin.ModelAdmin):
    list_display = ("at", "who", "action", "path", "entries")
    list_filter = ("action",)
    search_fields = ("who", "path", "tags")
    readonly_fields = ("at", "who", "action", "path", "tags", "entries")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: InspectorAudit | None = None) -> bool:
        return False

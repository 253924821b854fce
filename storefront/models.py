"""The storefront's own tables: merchandiser preview links and the audit trail of inspector actions.

The catalog, carts and customers live in Magento; only these (plus sessions and staff users) are ours.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PreviewLink(models.Model):
    """A signed, expiring link that lets someone without a staff login preview pages fresh from Magento."""

    path = models.CharField(max_length=500, help_text="Page to open first, e.g. /men.html")
    note = models.CharField(max_length=200, blank=True, help_text="Who or what the link is for")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.path} (until {self.expires_at:%Y-%m-%d %H:%M})"


class InspectorAudit(models.Model):
    """Who refreshed or purged what from the preview inspector, and when."""

    ACTIONS = [("refresh", "Refresh this page"), ("purge", "Purge tags")]

    at = models.DateTimeField(auto_now_add=True)
    who = models.CharField(max_length=200)
    action = models.CharField(max_length=20, choices=ACTIONS)
    path = models.CharField(max_length=500)
    tags = models.TextField(blank=True)
    entries = models.IntegerField(default=0)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.who} {self.action} {self.path}"

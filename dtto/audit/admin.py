"""Audit events can be read in the admin, never changed or deleted."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from dtto.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["at", "actor_label", "action", "target_type", "target_id", "case_reference"]
    list_filter = ["action"]
    search_fields = ["case_reference", "actor_label", "target_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

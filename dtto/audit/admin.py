"""Audit events can be read in the admin, never changed or deleted; admin changes are audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import models
from django.http import HttpRequest

from dtto.accounts.models import User
from dtto.audit.models import AuditEvent
from dtto.audit.services import Actor, record_event


def _audit_admin_action(request: HttpRequest, verb: str, obj: models.Model, change: Any) -> None:
    meta = obj._meta
    by = request.user if isinstance(request.user, User) else Actor.system("admin")
    record_event(
        by,
        f"admin.{meta.app_label}.{meta.model_name}.{verb}",
        target_type=meta.model_name or "record",
        target_id=obj.pk,
        # Django's own change message: which fields changed, never their values.
        detail={"change": change},
    )


class AuditedAdmin(admin.ModelAdmin[Any]):
    """A model admin whose additions, changes and deletions also go on the audit trail.

    Django's admin log (LogEntry) can be edited by anyone with the database; the audit
    trail is where dtto keeps its evidence, so the admin writes there too.
    """

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> LogEntry:
        entry = super().log_addition(request, obj, message)
        _audit_admin_action(request, "added", obj, message)
        return entry

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> LogEntry:
        entry = super().log_change(request, obj, message)
        _audit_admin_action(request, "changed", obj, message)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            _audit_admin_action(request, "deleted", obj, [{"deleted": {"object": str(obj)}}])
        return entries


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["sequence", "at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["case_reference", "actor_label", "target_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

"""The append-only audit trail: who did what to which record, when, before and after."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AuditTrailIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit event through the application."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditTrailIsAppendOnly("audit events cannot be changed")

    def delete(self) -> NoReturn:
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One thing that happened: a change made by a service, or a person's record viewed.

    ``action`` is dotted, app first (``cases.order.terminated``, ``cases.person.viewed``).
    ``target`` names the record by kind and key (``order:42``) rather than by foreign key,
    so the trail outlives the record and never blocks a deletion elsewhere.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who acted when no user did (an import from the command line, the simulator).
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=40)
    target_id = models.CharField(max_length=64)
    # The case the event belongs to, so a case's history is one indexed query.
    case_reference = models.CharField(max_length=40, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditTrailIsAppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")

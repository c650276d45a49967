"""The append-only audit trail: who did what to which record, when, before and after.

Each event is chained to the one before it by a SHA-256 hash (``dtto/audit/chain.py``) and the
database itself refuses to change or delete events (``dtto/audit/append_only.py``); the
Python refusals below only give a clearer error to code that tries through the ORM.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone

from dtto.audit.chain import link


class AuditTrailIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit event through the application."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditTrailIsAppendOnly("audit events cannot be changed")

    def delete(self) -> NoReturn:
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")

    def bulk_create(
        self, objs: Iterable[AuditEvent], *args: Any, **kwargs: Any
    ) -> list[AuditEvent]:
        """New events, linked onto the chain in the order given (the importer writes this way)."""
        if kwargs.get("update_conflicts") or kwargs.get("ignore_conflicts"):
            raise AuditTrailIsAppendOnly("audit events cannot be overwritten or skipped")
        events = list(objs)
        with link(events):
            return super().bulk_create(events, *args, **kwargs)


class AuditEvent(models.Model):
    """One thing that happened: a change made by a service, or a person's record viewed.

    ``action`` is dotted, app first (``cases.order.terminated``, ``cases.person.viewed``).
    ``target`` names the record by kind and key (``order:42``) rather than by foreign key,
    so the trail outlives the record and never blocks a deletion elsewhere.
    ``sequence`` numbers the events 1, 2, 3... with no gaps; ``hash`` covers the event's
    content and ``previous_hash``, the hash of the event before it.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    # Set when the event is linked onto the chain, under the chain's lock, so that time
    # never runs backwards along the sequence.
    at = models.DateTimeField(default=timezone.now, db_index=True)
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
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditTrailIsAppendOnly("audit events cannot be changed")
        with link([self]):
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")


class AuditChainHead(models.Model):
    """The last event linked onto the chain: one row, locked by every writer.

    Taking this row's lock is what makes concurrent writers queue up and produce one chain
    with no gaps; it also records where the trail should end, so that events removed from
    the end are noticed by ``dtto audit verify``.
    """

    sequence = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit chain head at {self.sequence}"

"""The outbox: domain events written in the same transaction as the change they announce.

``sequence`` numbers the events 1, 2, 3... and is assigned under the lock of the one
``EventSequenceHead`` row, held until the writer's transaction ends, so events commit in
sequence order and a reader that has seen event ``n`` has seen every event before it
(docs/events.md, docs/decisions/0008-domain-events-outbox.md). The database refuses to
change or delete an event (``dtto/events/append_only.py``); the Python refusals here only
give a clearer error to code that tries through the ORM.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

from django.db import models

from dtto.events.catalogue import TYPE_MAX_LENGTH


class EventsAreAppendOnly(Exception):
    """Raised on any attempt to change or delete a domain event through the application."""


class DomainEventQuerySet(models.QuerySet["DomainEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise EventsAreAppendOnly("domain events cannot be changed")

    def delete(self) -> NoReturn:
        raise EventsAreAppendOnly("domain events cannot be deleted")

    def bulk_create(self, objs: Iterable[DomainEvent], *args: Any, **kwargs: Any) -> NoReturn:
        # Only emit() numbers events under the head's lock; a bulk write would bypass it.
        raise EventsAreAppendOnly("domain events are written one at a time by emit()")


class DomainEvent(models.Model):
    """One change to a case, announced to subscribers by references and codes only.

    The record is named by kind and key (``appointment`` 42) rather than by foreign key, as
    the audit trail does, so that the feed outlives the record and blocks nothing.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    # No choices: emit() checks the type against the catalogue, and a new type must not need
    # a migration (on SQLite, altering the table would drop its append-only triggers).
    type = models.CharField(max_length=TYPE_MAX_LENGTH)
    # The day the change happened in the case (the appointment's day, the Order's...);
    # None for a batch such as an import.
    occurred_on = models.DateField(null=True, blank=True)
    # When the event was written, under the head's lock: never runs backwards along sequence.
    recorded_at = models.DateTimeField()
    case_reference = models.CharField(max_length=40, blank=True, db_index=True)
    order_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    record_type = models.CharField(max_length=40, blank=True)
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    objects = DomainEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    def __str__(self) -> str:
        return f"{self.sequence} {self.type} {self.case_reference}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise EventsAreAppendOnly("domain events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise EventsAreAppendOnly("domain events cannot be deleted")


class EventSequenceHead(models.Model):
    """The last sequence number given out: one row, locked by every writer until it commits.

    A PostgreSQL sequence would hand out numbers that commit out of order (a writer takes
    7, another takes 8 and commits first; a reader at 8 would never see 7). Holding this
    row's lock from the number's assignment to the commit makes commit order sequence order.
    """

    sequence = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return f"domain events up to {self.sequence}"

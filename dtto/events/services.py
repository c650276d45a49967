"""Writing domain events: ``emit``, called by the services inside their transaction.

Lock order: a service's audit event takes the audit chain's head first, then ``emit`` takes
the event sequence head, so call ``emit`` after the service's ``audit_record`` (every
service does). Two writers that took the two heads in opposite orders could deadlock on
PostgreSQL; as both heads are held to the commit, a writer holding the events head always
holds the audit head too, and no such pair can form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Max
from django.utils import timezone

from dtto.events.catalogue import (
    CODE,
    CODE_MAX_LENGTH,
    DATE,
    DECIMAL,
    EVENT_TYPES,
    FLAG,
    NUMBER,
    RECORD_TYPES,
    EventType,
)
from dtto.events.models import DomainEvent, EventSequenceHead

HEAD_KEY = 1
PayloadValue = str | int | bool | dt.date | Decimal | None


class EventNotInCatalogue(Exception):
    """A type or payload that docs/events.md does not describe: a programming error."""


class EventOutsideTransaction(Exception):
    """An outbox event must be written in the transaction of the change it announces."""


def _payload_value(event: EventType, name: str, value: PayloadValue) -> object:
    field = next(f for f in event.payload if f.name == name)
    if value is None and field.optional:
        return None
    if field.kind == CODE and isinstance(value, str) and 0 < len(value) <= CODE_MAX_LENGTH:
        return value
    if field.kind == DATE and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if field.kind == NUMBER and isinstance(value, int) and not isinstance(value, bool):
        return value
    if field.kind == DECIMAL and isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if field.kind == FLAG and isinstance(value, bool):
        return value
    raise EventNotInCatalogue(f"{event.code}: {name} must be a {field.kind}, got {value!r}")


def checked_payload(event_type: str, payload: Mapping[str, PayloadValue]) -> dict[str, object]:
    """The payload as JSON values, exactly the catalogue's fields, each of its kind."""
    event = EVENT_TYPES.get(event_type)
    if event is None:
        raise EventNotInCatalogue(f"{event_type!r} is not in dtto/events/catalogue.py")
    given = set(payload)
    if given != event.field_names:
        raise EventNotInCatalogue(
            f"{event_type}: payload fields {sorted(given)} are not the catalogue's"
            f" {sorted(event.field_names)}"
        )
    return {name: _payload_value(event, name, payload[name]) for name in sorted(payload)}


def record_type(event_type: str, record: models.Model | None) -> str:
    """The public name of the event's record, one of those the catalogue allows for the type."""
    name = RECORD_TYPES.get(type(record).__name__, "") if record is not None else ""
    allowed = EVENT_TYPES[event_type].records
    if (name or allowed) and name not in allowed:
        raise EventNotInCatalogue(
            f"{event_type} names a record of kind {allowed}, not {type(record).__name__}"
        )
    return name


def _locked_head() -> EventSequenceHead:
    # An UPDATE before the read: on PostgreSQL it takes the row lock (held to the commit), on
    # SQLite the database's write lock, so the number read next cannot be stale.
    if EventSequenceHead.objects.filter(pk=HEAD_KEY).update(sequence=F("sequence")):
        return EventSequenceHead.objects.get(pk=HEAD_KEY)
    # No head yet (a new database, or one emptied by a test's flush). Start after any event
    # already written, so a number is never given twice.
    try:
        with transaction.atomic():
            last = DomainEvent.objects.aggregate(last=Max("sequence"))["last"] or 0
            return EventSequenceHead.objects.create(pk=HEAD_KEY, sequence=last)
    except IntegrityError:
        # Another writer created it first; queue behind it.
        EventSequenceHead.objects.filter(pk=HEAD_KEY).update(sequence=F("sequence"))
        return EventSequenceHead.objects.get(pk=HEAD_KEY)


def emit(
    event_type: str,
    *,
    case_reference: str = "",
    order_id: int | None = None,
    record: models.Model | None = None,
    occurred_on: dt.date | None = None,
    **payload: PayloadValue,
) -> DomainEvent:
    """Write one domain event in the caller's transaction, numbered next in the feed.

    The payload must hold exactly the fields the catalogue lists for the type, each of its
    kind (codes, dates, numbers, flags: never text), so that nothing personal can slip in.
    """
    values = checked_payload(event_type, payload)
    kind = record_type(event_type, record)
    if not connection.in_atomic_block:
        raise EventOutsideTransaction(
            f"{event_type} must be emitted inside the transaction of the change it announces"
        )
    head = _locked_head()
    number = head.sequence + 1
    event = DomainEvent.objects.create(
        sequence=number,
        type=event_type,
        occurred_on=occurred_on,
        recorded_at=timezone.now(),
        case_reference=case_reference,
        order_id=order_id,
        record_type=kind,
        record_id=record.pk if record is not None else None,
        payload=values,
    )
    EventSequenceHead.objects.filter(pk=HEAD_KEY).update(sequence=number)
    return event

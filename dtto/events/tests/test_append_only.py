"""The database itself refuses to change or delete a domain event, or to rewind the head."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction

from dtto.events import append_only
from dtto.events.append_only import EVENTS, HEAD, REFUSAL
from dtto.events.models import DomainEvent, EventsAreAppendOnly, EventSequenceHead
from dtto.events.services import emit

pytestmark = pytest.mark.django_db


def _event() -> DomainEvent:
    with transaction.atomic():
        return emit("cases.imported", cases=3, orders=1, records=9)


def _sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _refused_by_the_database(attempt: Callable[[], Any]) -> None:
    # A savepoint, so that on PostgreSQL the test's transaction survives the error.
    with pytest.raises(DatabaseError, match=REFUSAL), transaction.atomic():
        attempt()


def _unchanged(event: DomainEvent) -> None:
    stored = DomainEvent.objects.get(pk=event.pk)
    assert (stored.sequence, stored.type, stored.payload) == (
        1,
        "cases.imported",
        {"cases": 3, "orders": 1, "records": 9},
    )


def test_sql_update_of_an_event_is_refused() -> None:
    event = _event()
    _refused_by_the_database(
        lambda: _sql(f"UPDATE {EVENTS} SET payload = '{{}}' WHERE id = %s", [event.pk])
    )
    _unchanged(event)


def test_sql_delete_of_an_event_is_refused() -> None:
    event = _event()
    _refused_by_the_database(lambda: _sql(f"DELETE FROM {EVENTS} WHERE id = %s", [event.pk]))
    _unchanged(event)


def test_the_orm_refuses_to_change_or_delete_events() -> None:
    event = _event()
    with pytest.raises(EventsAreAppendOnly):
        DomainEvent.objects.filter(pk=event.pk).update(type="order.made")
    with pytest.raises(EventsAreAppendOnly):
        DomainEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(EventsAreAppendOnly):
        event.delete()
    event.payload = {}
    with pytest.raises(EventsAreAppendOnly):
        event.save()
    # bulk_create would number events without the head's lock.
    with pytest.raises(EventsAreAppendOnly):
        DomainEvent.objects.bulk_create([DomainEvent(sequence=2, type="order.made")])
    _unchanged(event)


def test_the_sequence_head_cannot_move_back_or_be_deleted() -> None:
    _event()
    _event()
    _refused_by_the_database(lambda: _sql(f"UPDATE {HEAD} SET sequence = 1"))
    _refused_by_the_database(lambda: _sql(f"DELETE FROM {HEAD}"))
    assert list(EventSequenceHead.objects.values_list("sequence", flat=True)) == [2]


@pytest.mark.django_db(transaction=True)
def test_emptying_the_feed_with_djangos_flush_sql_is_refused() -> None:
    # TRUNCATE on PostgreSQL, DELETE FROM on SQLite: what `manage.py flush` would run.
    event = _event()
    statements = connection.ops.sql_flush(no_style(), [EVENTS])
    assert statements

    def flush() -> None:
        for statement in statements:
            _sql(statement)

    _refused_by_the_database(flush)
    _unchanged(event)


def test_verify_names_a_missing_trigger() -> None:
    _event()
    # As only a database owner could: drop one trigger.
    name = sorted(append_only.FEED.trigger_names(connection.vendor)[EVENTS])[0]
    drop = f"DROP TRIGGER {name}" + (f" ON {EVENTS}" if connection.vendor == "postgresql" else "")
    _sql(drop)
    with pytest.raises(CommandError, match=f"trigger missing: {name}"):
        call_command("events", "--verify")

"""The database itself refuses to change or delete an audit event, whatever path is taken.

The Python refusals (AuditTrailIsAppendOnly) are tested in test_audit_trail.py; here each
way around them that Django or SQL offers meets the triggers installed by migration 0004.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction

from dtto.audit.append_only import EVENTS, HEAD, REFUSAL
from dtto.audit.chain import HEAD_KEY
from dtto.audit.models import AuditChainHead, AuditEvent, AuditTrailIsAppendOnly
from dtto.audit.services import Actor, record_event

pytestmark = pytest.mark.django_db

WRITER = Actor.system("test")


def _event(action: str = "audit.test.written") -> AuditEvent:
    return record_event(WRITER, action, target_type="thing", target_id=1, detail={"n": 1})


def _refused_by_the_database(attempt: Callable[[], Any]) -> None:
    # A savepoint, so that on PostgreSQL the test's transaction survives the error.
    with pytest.raises(DatabaseError, match=REFUSAL), transaction.atomic():
        attempt()


def _sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _unchanged(event: AuditEvent) -> None:
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.detail, stored.hash) == (event.action, event.detail, event.hash)


def test_raw_sql_update_is_refused() -> None:
    event = _event()
    _refused_by_the_database(
        lambda: _sql(f"UPDATE {EVENTS} SET action = 'tampered' WHERE id = %s", [event.pk])
    )
    _unchanged(event)


def test_raw_sql_delete_is_refused() -> None:
    event = _event()
    _refused_by_the_database(lambda: _sql(f"DELETE FROM {EVENTS} WHERE id = %s", [event.pk]))
    _unchanged(event)


# Committed events, as in production: inside a test's transaction PostgreSQL refuses any
# TRUNCATE of a table with pending foreign-key checks, for a reason that is not ours.
@pytest.mark.django_db(transaction=True)
def test_emptying_the_trail_with_djangos_flush_sql_is_refused() -> None:
    # TRUNCATE on PostgreSQL, DELETE FROM on SQLite: what `manage.py flush` would run.
    event = _event()
    statements = connection.ops.sql_flush(no_style(), [EVENTS])
    assert statements, "the backend has a flush statement for the table"

    def flush() -> None:
        for statement in statements:
            _sql(statement)

    _refused_by_the_database(flush)
    _unchanged(event)


def test_raw_delete_is_refused() -> None:
    event = _event()
    _refused_by_the_database(
        lambda: AuditEvent.objects.filter(pk=event.pk)._raw_delete(connection.alias)
    )
    _unchanged(event)


def test_base_manager_update_is_refused() -> None:
    event = _event()
    _refused_by_the_database(
        lambda: AuditEvent._base_manager.filter(pk=event.pk).update(action="tampered")
    )
    _unchanged(event)


def test_save_base_over_an_existing_event_is_refused() -> None:
    event = _event()
    tampered = AuditEvent.objects.get(pk=event.pk)
    tampered.action = "tampered"
    _refused_by_the_database(lambda: tampered.save_base())
    _unchanged(event)


def test_bulk_create_that_updates_on_conflict_is_refused_by_python_and_database() -> None:
    event = _event()
    rival = AuditEvent(
        sequence=event.sequence,
        at=event.at,
        actor_label="intruder",
        action="tampered",
        target_type="thing",
        target_id="1",
        previous_hash=event.previous_hash,
        hash=event.hash,
    )
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.bulk_create(
            [rival], update_conflicts=True, unique_fields=["sequence"], update_fields=["action"]
        )
    # The plain queryset, as code that knows the model's guard would use to get round it.
    plain: models.QuerySet[AuditEvent] = models.QuerySet(model=AuditEvent)
    _refused_by_the_database(
        lambda: plain.bulk_create(
            [rival], update_conflicts=True, unique_fields=["sequence"], update_fields=["action"]
        )
    )
    _unchanged(event)


def test_loaddata_over_an_existing_event_is_refused(tmp_path: Path) -> None:
    event = _event()
    fixture = tmp_path / "tampered.json"
    fields = {
        "sequence": event.sequence,
        "at": event.at.isoformat(),
        "actor": None,
        "actor_label": "intruder",
        "action": "tampered",
        "target_type": "thing",
        "target_id": "1",
        "case_reference": "",
        "before": None,
        "after": None,
        "detail": {},
        "previous_hash": event.previous_hash,
        "hash": event.hash,
    }
    fixture.write_text(
        json.dumps([{"model": "audit.auditevent", "pk": event.pk, "fields": fields}])
    )
    _refused_by_the_database(lambda: call_command("loaddata", str(fixture), verbosity=0))
    _unchanged(event)


def test_chain_head_cannot_be_deleted_or_moved_back() -> None:
    _event()
    _event()
    head = AuditChainHead.objects.get(pk=HEAD_KEY)
    assert head.sequence >= 2
    _refused_by_the_database(lambda: _sql(f"DELETE FROM {HEAD}"))
    _refused_by_the_database(
        lambda: AuditChainHead.objects.filter(pk=HEAD_KEY).update(sequence=head.sequence - 1)
    )
    _refused_by_the_database(
        lambda: AuditChainHead.objects.filter(pk=HEAD_KEY).update(hash="0" * 64)
    )
    assert AuditChainHead.objects.get(pk=HEAD_KEY).sequence == head.sequence


def test_new_events_are_still_written_after_refusals() -> None:
    first = _event()
    _refused_by_the_database(lambda: _sql(f"DELETE FROM {EVENTS}"))
    second = _event()
    assert second.sequence == first.sequence + 1
    assert second.previous_hash == first.hash

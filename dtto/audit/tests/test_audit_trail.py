"""Every change writes one audit event; the trail cannot be changed or deleted."""

from __future__ import annotations

import datetime as dt

import pytest

from dtto.audit.models import AuditEvent, AuditTrailIsAppendOnly
from dtto.cases import services
from dtto.cases.tests.factories import TEST_ACTOR, TODAY, make_case, make_order
from dtto.standards.errors import RecordInvalid

pytestmark = pytest.mark.django_db


def test_each_service_writes_exactly_one_event_naming_actor_action_and_case() -> None:
    order = make_order()
    before = AuditEvent.objects.count()
    services.give_warning(
        order, by=TEST_ACTOR, on=dt.date(2003, 2, 10), reason="missed", today=TODAY
    )
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert len(events) == 1
    event = events[0]
    assert event.action == "cases.warning.given"
    assert event.actor_label == "test"
    assert event.case_reference == order.case.reference
    assert event.after is not None and event.after["on"] == "2003-02-10"
    assert event.before is None


def test_a_correction_records_before_and_after() -> None:
    order = make_order()
    breach = services.instigate_breach(order, by=TEST_ACTOR, on=dt.date(2003, 3, 1), today=TODAY)
    services.decide_breach(
        breach, by=TEST_ACTOR, on=dt.date(2003, 3, 20), outcome="revoked", today=TODAY
    )
    event = AuditEvent.objects.get(action="cases.breach.decided")
    assert event.before is not None and event.after is not None
    assert event.before["decided_on"] is None
    assert event.after["decided_on"] == "2003-03-20"


def test_a_signed_in_user_is_recorded_as_the_actor(django_user_model) -> None:
    user = django_user_model.objects.create_user("casey", password="x")
    case = make_case()
    services.record_conviction(case, by=user, on=dt.date(2004, 1, 5), offence="theft", today=TODAY)
    event = AuditEvent.objects.get(action="cases.conviction.recorded")
    assert event.actor == user and event.actor_label == "casey"


def test_refused_change_writes_no_event() -> None:
    order = make_order()
    before = AuditEvent.objects.count()
    with pytest.raises(RecordInvalid):
        services.give_warning(order, by=TEST_ACTOR, on=dt.date(2001, 1, 1), today=TODAY)
    assert AuditEvent.objects.count() == before


def test_audit_event_cannot_be_changed() -> None:
    make_case()
    event = AuditEvent.objects.first()
    assert event is not None
    event.action = "tampered"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    event.refresh_from_db()
    assert event.action == "cases.case.referred"


def test_audit_event_cannot_be_deleted() -> None:
    make_case()
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()

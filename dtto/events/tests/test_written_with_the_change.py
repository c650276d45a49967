"""An event is written in the transaction of its change: a refused or failed change leaves none.

And ``emit`` refuses what the catalogue does not describe, so nothing personal can be added
to a payload by a later edit without the catalogue (and docs/events.md) saying so.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from dtto.audit.models import AuditEvent
from dtto.cases import services
from dtto.cases.models import Appointment, Order
from dtto.cases.signals import orders_changed
from dtto.cases.tests.factories import TEST_ACTOR, TODAY, make_order
from dtto.events.models import DomainEvent
from dtto.events.services import EventNotInCatalogue, EventOutsideTransaction, emit
from dtto.events.tests.helpers import last_sequence
from dtto.standards.errors import RecordInvalid


class ListenerFailed(Exception):
    pass


@pytest.mark.django_db
def test_a_refused_warning_writes_no_event() -> None:
    order = make_order()
    mark = last_sequence()
    with pytest.raises(RecordInvalid) as refused:
        # The Order was made on 3 February 2003: a warning a month before is refused.
        services.give_warning(order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 1, 3))
    assert "on" in refused.value.by_field()
    assert last_sequence() == mark


@pytest.mark.django_db
def test_a_breach_decided_twice_publishes_one_decision() -> None:
    order = make_order()
    breach = services.instigate_breach(order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 3, 3))
    services.decide_breach(
        breach, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 3, 20), outcome="continued"
    )
    mark = last_sequence()
    with pytest.raises(RecordInvalid):
        services.decide_breach(
            breach, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 3, 21), outcome="revoked"
        )
    assert last_sequence() == mark
    assert DomainEvent.objects.filter(type="breach.decided").count() == 1


@pytest.mark.django_db
def test_a_second_termination_is_refused_and_publishes_nothing() -> None:
    order = make_order()
    services.terminate_order(
        order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 9, 1), reason="completed"
    )
    mark = last_sequence()
    with pytest.raises(RecordInvalid):
        services.terminate_order(
            Order.objects.get(pk=order.pk),
            by=TEST_ACTOR,
            today=TODAY,
            on=dt.date(2003, 9, 2),
            reason="completed",
        )
    assert last_sequence() == mark


# In the test's transaction the service's own is a savepoint, rolled back just as a
# transaction would be; a transactional test would lose the reference data on PostgreSQL.
@pytest.mark.django_db
def test_an_event_is_rolled_back_with_the_change_that_failed_after_it() -> None:
    order = make_order()
    events, appointments, audited = (
        DomainEvent.objects.count(),
        Appointment.objects.count(),
        AuditEvent.objects.count(),
    )

    def fail(**kwargs: Any) -> None:
        raise ListenerFailed("the summaries could not be refreshed")

    # The listener runs after the service has written its record, audit event and domain
    # event, still inside the service's transaction; its failure undoes all three.
    orders_changed.connect(fail, dispatch_uid="test.failing_listener")
    try:
        with pytest.raises(ListenerFailed):
            services.record_appointment(
                order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 2, 4), hours="2",
                with_whom="probation", outcome="UAAB",
            )  # fmt: skip
    finally:
        orders_changed.disconnect(dispatch_uid="test.failing_listener")
    assert (
        DomainEvent.objects.count(),
        Appointment.objects.count(),
        AuditEvent.objects.count(),
    ) == (events, appointments, audited)
    # The number it would have had is given to the next event: the feed has no gap.
    services.record_appointment(
        order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 2, 4), hours="2",
        with_whom="probation", outcome="ATTC",
    )  # fmt: skip
    assert list(DomainEvent.objects.values_list("sequence", flat=True)) == list(
        range(1, events + 2)
    )


@pytest.mark.django_db(transaction=True)
def test_emit_outside_a_transaction_is_refused() -> None:
    with pytest.raises(EventOutsideTransaction, match="inside the transaction"):
        emit("cases.imported", cases=1, orders=0, records=0)
    assert DomainEvent.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("event_type", "payload", "words"),
    [
        ("order.revoked", {}, "'order.revoked' is not in dtto/events/catalogue.py"),
        # A field the catalogue does not list, such as a name, is refused outright.
        ("warning.given", {"name": "Sam Test"}, "payload fields ['name'] are not"),
        ("review.held", {}, "payload fields [] are not the catalogue's ['hearing']"),
        # Text where a code belongs: longer than any code.
        ("failure.recorded", {"reason": "did not come, said the bus was late" * 2}, "a code"),
        ("review.held", {"hearing": "yes"}, "hearing must be a flag"),
        ("cases.imported", {"cases": 1, "orders": 0, "records": Decimal("2")}, "a number"),
        (
            "breach.decided",
            {"outcome": "revoked", "instigated_on": dt.datetime(2003, 3, 3, 9, 0)},
            "instigated_on must be a date",
        ),
    ],
)
def test_emit_refuses_what_the_catalogue_does_not_describe(
    event_type: str, payload: dict[str, Any], words: str
) -> None:
    with transaction.atomic(), pytest.raises(EventNotInCatalogue, match=re.escape(words)):
        emit(event_type, **payload)
    assert DomainEvent.objects.count() == 0


@pytest.mark.django_db
def test_emit_refuses_a_record_of_another_kind() -> None:
    order = make_order()
    mark = last_sequence()
    with pytest.raises(EventNotInCatalogue, match="names a record of kind"):
        emit("warning.given", record=order)
    assert last_sequence() == mark

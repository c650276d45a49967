"""The queue asks for first appointments only until they are held or arranged in time."""

from __future__ import annotations

import datetime as dt

import pytest

from dtto.cases import services
from dtto.cases.models import Order
from dtto.cases.queues import build_queue
from dtto.cases.tests.factories import TEST_ACTOR, make_order

pytestmark = pytest.mark.django_db

TODAY = dt.date(2004, 6, 16)  # a Wednesday; the Order was made the day before


def first_appointment_items() -> list[str]:
    queue = build_queue(Order.objects.all(), TODAY)
    section = next(s for s in queue.sections if s.key == "first_appointments")
    return [item.what for item in section.items]


def test_first_appointments_are_due_on_a_new_order() -> None:
    make_order(made_on=dt.date(2004, 6, 15))
    assert first_appointment_items() == [
        "Arrange the first probation appointment",
        "Arrange the first treatment appointment",
    ]


def test_an_appointment_arranged_for_tomorrow_in_time_leaves_the_queue() -> None:
    order = make_order(made_on=dt.date(2004, 6, 15))
    services.record_appointment(
        order, by=TEST_ACTOR, on=dt.date(2004, 6, 17), hours=2, with_whom="treatment", today=TODAY
    )
    assert first_appointment_items() == ["Arrange the first probation appointment"]


def test_an_appointment_arranged_too_late_stays_in_the_queue() -> None:
    order = make_order(made_on=dt.date(2004, 6, 15))
    services.record_appointment(
        order, by=TEST_ACTOR, on=dt.date(2004, 6, 18), hours=2, with_whom="treatment", today=TODAY
    )
    assert "Arrange the first treatment appointment" in first_appointment_items()

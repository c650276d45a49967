"""A warning drafted from the queue says exactly what the unacceptable failure was."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from dtto.accounts.models import Role
from dtto.cases import services
from dtto.cases.queries import describe_failure
from dtto.cases.tests.factories import TEST_ACTOR, TODAY, make_order
from dtto.cases.tests.web import make_running_case, make_user

pytestmark = pytest.mark.django_db

DAY = dt.date(2003, 2, 7)


def test_each_missed_appointment_and_refusal_of_the_day_is_named() -> None:
    order = make_order()
    for hours, with_whom, outcome in (("1.5", "treatment", "UAAB"), ("2", "probation", "AFTC")):
        services.record_appointment(
            order,
            by=TEST_ACTOR,
            on=DAY,
            hours=hours,
            with_whom=with_whom,
            kind="keywork",
            outcome=outcome,
            today=TODAY,
        )
    services.record_test(order, by=TEST_ACTOR, on=DAY, outcome="refused", today=TODAY)
    assert describe_failure(order, DAY) == (
        "Unacceptable failure on 7 February 2003: you did not attend a 1.5-hour treatment "
        "appointment (treatment keywork); you attended but failed to comply with a 2-hour "
        "probation appointment (treatment keywork); you refused to give a sample for a drug test."
    )


def test_acceptable_absences_and_other_days_are_left_out() -> None:
    order = make_order()
    services.record_appointment(
        order, by=TEST_ACTOR, on=DAY, hours="1", with_whom="treatment", outcome="AAME", today=TODAY
    )
    services.record_test(
        order, by=TEST_ACTOR, on=DAY + dt.timedelta(days=1), outcome="refused", today=TODAY
    )
    assert describe_failure(order, DAY) == "Unacceptable failure on 7 February 2003"


def test_the_warning_form_from_the_queue_starts_with_the_description(client: Client) -> None:
    manager = make_user("cm", Role.CASE_MANAGER)
    running = make_running_case(manager)
    failure_day = running.order.made_on + dt.timedelta(days=1)
    client.force_login(manager)
    page = client.get(
        f"/cases/{running.case.reference}/warnings/new/?failure={failure_day.isoformat()}"
    )
    assert page.status_code == 200
    assert "you did not attend a 2-hour treatment appointment" in page.content.decode()

"""The national and area contact hours read the rollups (whole months) and the appointments of
the days around them: the same figures as counting every attended appointment, whatever the
period and "as of" day. Worked by hand."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dtto.audit.services import Actor
from dtto.cases import services
from dtto.cases.importing import import_case_document
from dtto.cases.models import Order
from dtto.reports.measures import contact_hours
from dtto.reports.measures.contact_hours import _from_appointments, _from_rollups, _Window
from dtto.reports.models import ContactHoursRollup, OrderActivityMonths
from dtto.reports.queries import Period, Scope
from dtto.reports.summaries import rejudge_after_migrate
from dtto.reports.tests.factories import case, load
from dtto.reports.tests.test_contact_hours import contact
from dtto.simulate.national import simulate_national

pytestmark = pytest.mark.django_db


def _cases() -> None:
    load(
        # Dorset, Order made 3 February 2003.
        case(
            events=[
                contact("2003-02-28", 2.0, "treatment"),
                contact("2003-03-01", 1.0, "treatment"),
                contact("2003-04-15", 1.5, "offence_focused"),
                contact("2003-05-01", 2.0, "treatment"),
            ]
        ),
        case(events=[contact("2003-03-31", 3.0, "lifestyle"), contact("2003-06-10", 1.0, None)]),
        # Kent: only in the national figures.
        case(area="kent", events=[contact("2003-03-05", 6.0, "treatment")]),
        # Dorset, contact in February and May only: nothing in March or April.
        case(
            events=[
                contact("2003-02-10", 1.0, "treatment"),
                contact("2003-05-12", 2.5, "treatment"),
            ]
        ),
    )


FROM_28_FEBRUARY_TO_1_MAY = Period(dt.date(2003, 2, 28), dt.date(2003, 5, 1))


def test_a_period_cutting_months_counts_the_days_around_its_whole_months() -> None:
    _cases()
    # March and April whole, 28 February and 1 May from the appointments: the first Order's
    # 2 + 1 + 1.5 + 2 hours and the second's 3; the fourth had nothing from 28 February to
    # 1 May. The first Order's treatment falls in both parts and is one Order.
    result = contact_hours(Scope.area("dorset"), FROM_28_FEBRUARY_TO_1_MAY)
    assert result["hours"] == 9.5
    assert result["appointments"] == 5
    assert result["orders"] == 2
    by = result["by_activity"]
    assert by["treatment"] == {"hours": 5.0, "share": 5.0 / 9.5, "appointments": 3, "orders": 1}
    assert by["offence_focused"]["orders"] == 1
    assert by["lifestyle"] == {"hours": 3.0, "share": 3.0 / 9.5, "appointments": 1, "orders": 1}
    assert by["not_recorded"]["orders"] == 0


def test_an_as_of_day_inside_a_month_cuts_it_at_that_day() -> None:
    _cases()
    # By 14 April: 28 February and 1 March (first Order), 31 March (second): March is whole,
    # 1 to 14 April comes from the appointments and holds none.
    result = contact_hours(
        Scope.area("dorset"), FROM_28_FEBRUARY_TO_1_MAY, as_of=dt.date(2003, 4, 14)
    )
    assert result["hours"] == 6.0
    assert result["orders"] == 2
    assert result["by_activity"]["treatment"]["hours"] == 3.0
    assert result["by_activity"]["offence_focused"]["orders"] == 0


def test_the_national_figures_add_every_area() -> None:
    _cases()
    result = contact_hours(Scope.national(), FROM_28_FEBRUARY_TO_1_MAY)
    assert result["hours"] == 15.5
    assert result["orders"] == 3
    assert result["by_activity"]["treatment"]["orders"] == 2


def test_an_order_counts_only_in_months_it_had_contact() -> None:
    _cases()
    march_and_april = Period(dt.date(2003, 3, 1), dt.date(2003, 4, 30))
    april_and_may = Period(dt.date(2003, 4, 1), dt.date(2003, 5, 31))
    # The fourth Order: February and May. Not in March-April (the first Order's 1 March
    # treatment is); in April-May with its 2.5 hours of 12 May.
    assert contact_hours(Scope.area("dorset"), march_and_april)["by_activity"]["treatment"] == {
        "hours": 1.0,
        "share": 1.0 / 5.5,
        "appointments": 1,
        "orders": 1,
    }
    treatment = contact_hours(Scope.area("dorset"), april_and_may)["by_activity"]["treatment"]
    assert treatment["hours"] == 4.5
    assert treatment["orders"] == 2


def test_an_empty_window_counts_nothing() -> None:
    _cases()
    # The "as of" day comes before the period starts.
    result = contact_hours(
        Scope.national(), Period(dt.date(2003, 3, 1), None), as_of=dt.date(2003, 2, 28)
    )
    assert result["hours"] == 0.0
    assert result["orders"] == 0


def test_a_recorded_attendance_reaches_the_figures_in_the_same_request() -> None:
    _cases()
    order = Order.objects.filter(case__area__code="dorset").order_by("pk").first()
    assert order is not None
    appointment = services.record_appointment(
        order,
        by=Actor.system("test"),
        on=dt.date(2003, 4, 2),
        hours="2.5",
        with_whom="treatment",
        activity="treatment",
        today=dt.date(2003, 4, 1),
    )
    before = contact_hours(Scope.area("dorset"), FROM_28_FEBRUARY_TO_1_MAY)
    assert before["by_activity"]["treatment"]["hours"] == 5.0  # arranged, not yet attended
    services.record_attendance(
        appointment, by=Actor.system("test"), outcome="ATTC", today=dt.date(2003, 4, 2)
    )
    after = contact_hours(Scope.area("dorset"), FROM_28_FEBRUARY_TO_1_MAY)
    assert after["by_activity"]["treatment"]["hours"] == 7.5
    assert after["by_activity"]["treatment"]["appointments"] == 4


def _rollups() -> tuple[list[Any], list[Any]]:
    return (
        sorted(
            ContactHoursRollup.objects.values_list(
                "area_id", "made_month", "month", "activity", "hours", "appointments"
            )
        ),
        sorted(
            OrderActivityMonths.objects.values_list(
                "summary_id", "activity", "first_month", "months"
            )
        ),
    )


def test_after_a_migration_that_needs_it_every_summary_is_worked_out_again() -> None:
    # What each refresh kept as the simulated record was imported is what building the
    # rollups afresh gives.
    import_case_document(simulate_national(orders=20, seed=12), by=Actor.system("test"))
    kept = _rollups()
    assert len(kept[0]) > 20 and len(kept[1]) > 20
    ContactHoursRollup.objects.all().delete()
    OrderActivityMonths.objects.all().delete()
    graph = MigrationLoader(connection).graph
    # A run that applied only a migration that needs no re-judge leaves the tables alone.
    rejudge_after_migrate(None, plan=[(graph.nodes[("reports", "0003_referral_summary")], False)])
    assert _rollups() == ([], [])
    # Undoing one that does is not applying it.
    contact_rollups = graph.nodes[("reports", "0005_contact_hours_rollup")]
    rejudge_after_migrate(None, plan=[(contact_rollups, True)])
    assert _rollups() == ([], [])
    rejudge_after_migrate(None, plan=[(contact_rollups, False)])
    assert _rollups() == kept


@pytest.fixture
def simulated() -> None:
    import_case_document(simulate_national(orders=25, seed=5), by=Actor.system("test"))


DAYS = st.dates(dt.date(2000, 1, 1), dt.date(2008, 12, 31))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start=st.none() | DAYS, end=st.none() | DAYS, as_of=DAYS)
def test_the_rollups_give_what_counting_every_appointment_gives(
    simulated: None, start: dt.date | None, end: dt.date | None, as_of: dt.date
) -> None:
    period = Period(start, end)
    window = _Window.of(period, as_of)
    for scope in (Scope.national(), Scope.area(_busiest_area())):
        assert _comparable(_from_rollups(scope, window)) == _comparable(
            _from_appointments(scope, period, as_of)
        )


def _busiest_area() -> str:
    areas = Counter(Order.objects.values_list("case__area__code", flat=True))
    return areas.most_common(1)[0][0]


def _comparable(figures: Any) -> tuple[dict[str, Any], ...]:
    """Hours to the hundredth (SQLite adds them as floats) and no zeros (one path lists an
    activity with no contact, the other leaves it out)."""
    return tuple({k: round(v, 2) for k, v in part.items() if v} for part in figures)

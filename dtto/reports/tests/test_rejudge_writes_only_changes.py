"""A re-judge writes only what changed, and leaves exactly what judging afresh would.

Every stored row derived from the case record (summaries, findings, month rows, activity
months, both rollups, referral summaries) is compared with what deleting them all and judging
every Order again gives; row ids show which rows were written (decision 0015).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import F, Model
from django.test.utils import CaptureQueriesContext

from dtto.audit.services import Actor
from dtto.cases import services
from dtto.cases.importing import import_case_document
from dtto.cases.models import Appointment, Case, Code, DrugTestResult, Order
from dtto.reports.models import (
    ContactHoursRollup,
    DrugTestRollup,
    OrderActivityMonths,
    OrderFinding,
    OrderMonthSummary,
    OrderSummary,
    ReferralSummary,
)
from dtto.reports.summaries import refresh_referrals, refresh_summaries
from dtto.reports.tests.factories import case, drug_test, load
from dtto.reports.tests.test_contact_hours import contact
from dtto.simulate.national import simulate_national

pytestmark = pytest.mark.django_db

DERIVED: tuple[type[Model], ...] = (
    OrderSummary,
    OrderFinding,
    OrderMonthSummary,
    OrderActivityMonths,
    DrugTestRollup,
    ContactHoursRollup,
    ReferralSummary,
)
# Rows whose id is given by the database (the others are keyed by their Order or case).
NUMBERED = (
    OrderFinding,
    OrderMonthSummary,
    OrderActivityMonths,
    DrugTestRollup,
    ContactHoursRollup,
)


def stored(*, ids: bool) -> dict[str, list[tuple[Any, ...]]]:
    """Every derived row, in a fixed order; with or without the database's row ids."""
    rows = {}
    for model in DERIVED:
        columns = [f.attname for f in model._meta.concrete_fields if ids or not f.auto_created]
        rows[model.__name__] = list(model._default_manager.order_by(*columns).values_list(*columns))
    return rows


def judged_afresh() -> dict[str, list[tuple[Any, ...]]]:
    """The derived rows once everything is deleted and every Order and referral judged anew."""
    for model in DERIVED:
        model._default_manager.all()._raw_delete(connection.alias)
    refresh_summaries(Order.objects.values_list("pk", flat=True))
    refresh_referrals(Case.objects.values_list("pk", flat=True))
    return stored(ids=False)


def row_ids(model: type[Model], order_ids: list[int]) -> list[int]:
    return sorted(
        model._default_manager.filter(summary_id__in=order_ids).values_list("pk", flat=True)
    )


def writes(captured: CaptureQueriesContext) -> list[str]:
    # PostgreSQL's inserts go by COPY on the driver's own cursor, which is not captured; a
    # row written again is seen by its new id instead.
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_rejudging_an_unchanged_record_writes_nothing(workers: int) -> None:
    import_case_document(simulate_national(orders=12, seed=4), by=Actor.system("test"))
    ids = list(Order.objects.values_list("pk", flat=True))
    before = stored(ids=True)
    assert len(before["OrderFinding"]) > 50 * len(ids)
    assert before["ContactHoursRollup"] and before["DrugTestRollup"]
    with CaptureQueriesContext(connection) as captured:
        assert refresh_summaries(ids, workers=workers) == len(ids)
    assert writes(captured) == []
    assert stored(ids=True) == before


def _three_orders() -> list[Order]:
    # Three Orders made in Dorset in February 2003, each with contact and a test.
    load(
        *(
            case(
                events=[
                    contact("2003-02-04", 2.0, "treatment"),
                    contact("2003-02-05", 1.5, "lifestyle"),
                    drug_test("2003-02-06", opiates="negative"),
                ]
            )
            for _ in range(3)
        )
    )
    return list(Order.objects.order_by("pk"))


def test_a_recorded_appointment_and_termination_rewrite_only_that_order() -> None:
    first, second, third = _three_orders()
    others = [second.pk, third.pk]
    kept = {model: row_ids(model, others) for model in NUMBERED[:3]}
    by = Actor.system("test")
    appointment = services.record_appointment(
        first,
        by=by,
        on=dt.date(2003, 3, 3),
        hours="3.0",
        with_whom="treatment",
        activity="treatment",
        today=dt.date(2003, 3, 3),
    )
    services.record_attendance(appointment, by=by, outcome="ATTC", today=dt.date(2003, 3, 3))
    services.terminate_order(
        first, by=by, on="2003-03-10", reason="revoked_conviction", today=dt.date(2003, 3, 10)
    )
    after = stored(ids=False)
    summary = OrderSummary.objects.get(pk=first.pk)
    assert summary.ended_on == dt.date(2003, 3, 10)
    # March's three hours of treatment are the first Order's alone.
    march = ContactHoursRollup.objects.get(month=2003 * 12 + 2, activity="treatment")
    assert (march.hours, march.appointments) == (Decimal("3.00"), 1)
    assert {model: row_ids(model, others) for model in NUMBERED[:3]} == kept
    assert judged_afresh() == after


def test_changes_outside_the_services_reach_the_rollups_on_rejudging_that_order() -> None:
    first, _, _ = _three_orders()
    # Two hours become four: no finding changes (two or four hours both fall short of the
    # week's contact), but February's treatment hours in Dorset do, from 6 to 8.
    Appointment.objects.filter(order=first, on=dt.date(2003, 2, 4)).update(hours=Decimal("4.0"))
    # Its opiate test turns positive: month 1 of February's Orders has 2 negatives of 3.
    DrugTestResult.objects.filter(test__order=first).update(result="positive")
    findings = row_ids(OrderFinding, [first.pk])
    refresh_summaries([first.pk])
    february = ContactHoursRollup.objects.get(month=2003 * 12 + 1, activity="treatment")
    assert february.hours == Decimal("8.00")
    month_1 = DrugTestRollup.objects.get(made_month="2003-02", month=1)
    assert (month_1.opiate_tests, month_1.opiate_negative) == (3, 2)
    assert row_ids(OrderFinding, [first.pk]) == findings
    after = stored(ids=False)
    assert judged_afresh() == after


def test_a_full_rejudge_after_a_change_outside_the_services_rewrites_that_order_alone() -> None:
    import_case_document(simulate_national(orders=12, seed=4), by=Actor.system("test"))
    ids = sorted(Order.objects.values_list("pk", flat=True))
    changed, others = ids[0], ids[1:]
    kept = {model: row_ids(model, others) for model in NUMBERED[:3]}
    # Every attended appointment of one Order recorded as missed instead.
    missed = Appointment.objects.filter(order_id=changed, outcome__meaning="attended")
    assert missed.exists()
    missed.update(outcome=Code.objects.get(code="UAAB", meaning="unacceptable_absence"))
    refresh_summaries(ids)
    after = stored(ids=False)
    assert {model: row_ids(model, others) for model in NUMBERED[:3]} == kept
    assert judged_afresh() == after


def test_findings_all_stale_are_written_again_and_the_others_kept() -> None:
    first, second, third = _three_orders()
    kept = row_ids(OrderFinding, [second.pk, third.pk])
    # Every stored finding of the first Order a day off, and one of the second's: as a rule
    # change would leave them.
    OrderFinding.objects.filter(summary_id=first.pk).update(final_day=F("final_day") + 1)
    one = OrderFinding.objects.filter(summary_id=second.pk).order_by("pk").first()
    assert one is not None
    OrderFinding.objects.filter(pk=one.pk).update(met=not one.met)
    refresh_summaries([first.pk, second.pk, third.pk])
    now = set(row_ids(OrderFinding, [second.pk, third.pk]))
    assert set(kept) - now == {one.pk}  # the second's changed finding alone was deleted...
    assert len(now - set(kept)) == 1  # ...and written again
    after = stored(ids=False)
    assert judged_afresh() == after

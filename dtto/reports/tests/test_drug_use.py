from __future__ import annotations

import datetime as dt

import pytest

from dtto.reports.measures import drug_use
from dtto.reports.models import DrugTestRollup, OrderSummary
from dtto.reports.queries import Period, Scope
from dtto.reports.results import DrugUseMonth
from dtto.reports.summaries import rebuild_drug_test_rollup, refresh_summaries
from dtto.reports.tests.factories import case, drug_test, load


@pytest.mark.django_db
def test_share_of_tests_negative_by_month_with_people_behind_each_point():
    load(
        case(
            events=[
                drug_test("2003-02-04", opiates="positive", cocaine="negative"),
                drug_test("2003-02-20", opiates="negative"),
                drug_test("2003-03-10", opiates="negative"),  # month 2 from 3 February
            ]
        ),
        case(events=[drug_test("2003-02-05", opiates="negative")]),
    )
    months = {m["month"]: m for m in drug_use(Scope.national(), Period())["months"]}
    first = months[1]["opiate"]
    assert first["tests_negative"]["numerator"] == 2
    assert first["tests_negative"]["denominator"] == 3
    assert first["people"] == 2
    assert first["people_all_negative"]["rate"] == 0.5
    assert months[1]["cocaine"]["tests_negative"]["rate"] == 1.0
    assert months[2]["opiate"]["tests_negative"]["rate"] == 1.0
    assert months[2]["opiate"]["people"] == 1


def _months(scope: Scope, period: Period) -> list[DrugUseMonth[int]]:
    return drug_use(scope, period)["months"]


@pytest.mark.django_db
def test_the_area_by_month_rollup_gives_the_same_figures_as_the_order_months(monkeypatch):
    load(
        case(
            made="2003-02-03",
            events=[
                drug_test("2003-02-04", opiates="positive", cocaine="negative"),
                drug_test("2003-03-10", opiates="negative"),
            ],
        ),
        case(made="2003-02-20", events=[drug_test("2003-02-21", opiates="negative")]),
        case(made="2003-04-02", events=[drug_test("2003-04-03", opiates="positive")]),
        case(
            area="kent",
            made="2003-02-10",
            events=[drug_test("2003-02-11", opiates="negative", cocaine="positive")],
        ),
    )
    assert DrugTestRollup.objects.exists()
    whole_months = [
        (Scope.national(), Period()),
        (Scope.area("dorset"), Period()),
        (Scope.national(), Period(dt.date(2003, 2, 1), dt.date(2003, 3, 31))),
        (Scope.area("dorset"), Period(dt.date(2003, 4, 1))),
    ]
    from_rollup = [_months(s, p) for s, p in whole_months]
    # The same questions asked of the Order-month rows (a period that is not whole months).
    monkeypatch.setattr("dtto.reports.measures.drug_tests._whole_months", lambda period: False)
    assert from_rollup == [_months(s, p) for s, p in whole_months]
    assert from_rollup[2][0]["opiate"]["tests_negative"]["denominator"] == 3


@pytest.mark.django_db
def test_the_rollup_follows_an_order_imported_later_and_a_part_month_period_is_exact():
    load(case(made="2003-02-03", events=[drug_test("2003-02-04", opiates="positive")]))
    load(case(made="2003-02-20", events=[drug_test("2003-02-21", opiates="negative")]))
    month_1 = _months(Scope.national(), Period())[0]["opiate"]
    assert month_1["tests_negative"]["numerator"] == 1
    assert month_1["tests_negative"]["denominator"] == 2
    # Orders made from 10 February only: not whole months, answered from the Order months.
    part = _months(Scope.national(), Period(dt.date(2003, 2, 10)))[0]["opiate"]
    assert part["tests_negative"]["denominator"] == 1
    refresh_summaries(OrderSummary.objects.values_list("pk", flat=True))
    assert _months(Scope.national(), Period())[0]["opiate"] == month_1
    assert rebuild_drug_test_rollup() == DrugTestRollup.objects.count()

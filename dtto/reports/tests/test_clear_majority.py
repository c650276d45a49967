"""People clear of opiates the majority of a month (3.4, Figure 16), worked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from dtto.reports import measures
from dtto.reports import statistics as st
from dtto.reports.measures import clear_majority_by_month
from dtto.reports.queries import Period, Scope
from dtto.reports.tests.factories import case, drug_test, load

NEG, POS = "negative", "positive"


def _cases() -> None:
    """Month 1 of an Order made 3 February 2003 is 3 February to 2 March."""
    load(
        # Two of three negative: clear.
        case(
            events=[
                drug_test("2003-02-04", opiates=NEG),
                drug_test("2003-02-11", opiates=NEG),
                drug_test("2003-02-18", opiates=POS),
                # Month 2: the one test negative: clear.
                drug_test("2003-03-04", opiates=NEG),
            ]
        ),
        # One of two negative: a tie is not clear.
        case(events=[drug_test("2003-02-04", opiates=NEG), drug_test("2003-02-11", opiates=POS)]),
        # Positive only: not clear.
        case(events=[drug_test("2003-02-04", opiates=POS)]),
        # Tested for cocaine only: not tested for opiates, not counted.
        case(events=[drug_test("2003-02-04", cocaine=NEG)]),
    )


@pytest.mark.django_db
def test_mostly_negative_means_more_than_half_and_a_tie_is_not_clear():
    _cases()
    months = clear_majority_by_month(Scope.national(), Period())
    assert [m["month"] for m in months] == [1, 2]
    first = months[0]["clear_majority"]
    assert (first["numerator"], first["denominator"]) == (1, 3)
    assert first["rate"] == pytest.approx(1 / 3)
    assert first["ci_low"] is not None and first["ci_low"] < 1 / 3 < first["ci_high"]
    second = months[1]["clear_majority"]
    assert (second["numerator"], second["denominator"]) == (1, 1)


@pytest.mark.django_db
def test_a_month_is_counted_once_it_has_ended():
    _cases()
    # On 3 March 2003 month 1 (to 2 March) has ended; month 2 has not.
    months = clear_majority_by_month(Scope.national(), Period(), as_of=dt.date(2003, 3, 3))
    assert [m["month"] for m in months] == [1]


@pytest.mark.django_db
def test_published_months_with_fewer_than_5_people_are_withheld():
    _cases()
    published = st.publish(measures.report(Scope.national(), Period()))
    first = published["drug_use"]["clear_majority_by_month"][0]
    assert first["month"] == 1
    assert first["clear_majority"]["suppressed"] is True
    assert first["clear_majority"]["rate"] is None

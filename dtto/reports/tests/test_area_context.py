"""Areas compared with their context (issue 14): each area's Orders made, their median
length, and the intensity sentenced against the assessment's recommendation. Worked by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dtto.reports import measures
from dtto.reports import statistics as st
from dtto.reports.labels import Labels
from dtto.reports.queries import Period, Scope
from dtto.reports.sections import NOT_PUBLISHED, report_sections
from dtto.reports.tests.factories import case, load

pytestmark = pytest.mark.django_db

YEAR_2003 = Period(dt.date(2003, 1, 1), dt.date(2003, 12, 31))


def order(
    length: int, sentenced: str, recommended: str | None, *, area: str = "dorset", **kw: Any
) -> dict[str, Any]:
    out = case(area=area, length=length, intensity=sentenced, **kw)
    if recommended is not None:
        out["assessment"]["recommended_intensity"] = recommended
    return out


def made_against_advice() -> dict[str, Any]:
    out = order(12, "higher", None, assessment="unsuitable", reason="other")
    out["order"]["against_assessment_advice"] = True
    out["order"]["against_advice_reason"] = "The court judged treatment worth trying"
    return out


def _area(code: str, period: Period = YEAR_2003, **kw: Any) -> dict[str, Any]:
    found = measures.area_comparison(period, **kw)["areas"]
    return next(dict(a) for a in found if a["area"] == code)


def test_each_area_has_its_median_length_and_intensity_against_the_recommendation() -> None:
    load(
        order(12, "higher", "higher"),  # as recommended
        order(6, "lower", "higher"),  # lower than recommended
        order(24, "higher", "lower"),  # higher than recommended
        order(12, "lower", "lower"),  # as recommended
        order(18, "higher", None),  # no recommendation recorded
        made_against_advice(),  # the assessment found the person unsuitable: no recommendation
        order(36, "higher", "higher", made="2004-02-03"),  # made after the period
        order(9, "lower", "higher", area="kent"),
    )
    dorset = _area("dorset")
    assert dorset["orders_made"] == 6
    # Lengths 6, 12, 12, 12, 18, 24: the lower median is 12.
    assert dorset["median_length_months"] == 12
    against = dorset["intensity_against_recommendation"]
    assert against["compared"] == 4
    assert against["not_recorded"] == 2
    assert (against["lower"]["numerator"], against["lower"]["denominator"]) == (1, 4)
    assert against["equal"]["rate"] == 0.5
    assert against["higher"]["rate"] == 0.25
    kent = _area("kent")
    assert kent["median_length_months"] == 9
    assert kent["intensity_against_recommendation"]["lower"]["rate"] == 1.0


def test_an_area_with_no_orders_has_no_median_and_no_shares() -> None:
    load(order(12, "higher", "higher"))
    kent = _area("kent")
    assert kent["orders_made"] == 0
    assert kent["median_length_months"] is None
    assert kent["intensity_against_recommendation"]["equal"]["rate"] is None


def test_orders_made_after_the_as_of_day_are_not_counted() -> None:
    load(
        order(12, "higher", "higher", made="2003-02-03"),
        order(6, "lower", "lower", made="2003-06-02"),
    )
    dorset = _area("dorset", as_of=dt.date(2003, 3, 1))
    assert dorset["orders_made"] == 1
    assert dorset["median_length_months"] == 12


def test_small_counts_are_withheld_with_the_median_and_shares_they_give() -> None:
    load(
        # Dorset: 7 Orders, 6 as recommended, 1 higher.
        *(order(12, "higher", "higher") for _ in range(6)),
        order(24, "higher", "lower"),
        # Kent: 2 Orders; their median is one of their own lengths.
        order(6, "lower", "lower", area="kent"),
        order(9, "lower", "lower", area="kent"),
    )
    published = st.publish(measures.report(Scope.national(), YEAR_2003))
    areas = {a["area"]: a for a in published["areas"]["areas"]}
    dorset, kent = areas["dorset"], areas["kent"]
    assert dorset["orders_made"] == 7
    assert dorset["median_length_months"] == 12
    assert dorset["intensity_against_recommendation"]["equal"]["numerator"] == 6
    assert dorset["intensity_against_recommendation"]["higher"]["suppressed"] is True
    # Nobody sentenced lower: 0 of 7 is published (zero identifies nobody).
    assert dorset["intensity_against_recommendation"]["lower"]["rate"] == 0.0
    assert kent["orders_made"] is None
    assert kent["median_length_months"] is None
    assert kent["intensity_against_recommendation"]["equal"]["suppressed"] is True
    section = next(s for s in report_sections(published, Labels.load()) if s.id == "areas-context")
    rows = {row[0]: row for row in section.rows}
    assert rows["Dorset"][1:] == ["7", "12", "7", "0.0%", "85.7%", NOT_PUBLISHED]
    assert rows["Kent"][1:3] == [NOT_PUBLISHED, NOT_PUBLISHED]

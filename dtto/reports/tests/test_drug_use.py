from __future__ import annotations

import pytest

from dtto.reports.measures import drug_use
from dtto.reports.queries import Period, Scope
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

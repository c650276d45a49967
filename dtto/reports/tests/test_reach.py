from __future__ import annotations

import pytest

from dtto.reports.measures import reach
from dtto.reports.queries import Period, Scope
from dtto.reports.summaries import age_band
from dtto.reports.tests.factories import case, ended, load


@pytest.mark.django_db
def test_each_group_rate_and_rate_relative_to_the_reference_group():
    load(
        *[case(sex="M") for _ in range(2)],
        *[case(sex="M", assessment="unsuitable", reason="not_motivated", made=None)],
        case(sex="M", assessment="not_assessed", reason="did_not_attend", made=None),
        case(sex="F", events=[ended("2004-02-02", "completed")]),
        case(sex="F", events=[ended("2003-06-01", "other")]),
    )
    sex = reach(Scope.national(), Period())["dimensions"]["sex"]
    assert sex["M"]["referred"]["count"] == 4
    assert sex["M"]["assessed"]["rate"] == 0.75
    assert sex["M"]["commenced"]["rate"] == 0.5
    assert sex["F"]["commenced"]["rate"] == 1.0
    assert sex["F"]["commenced"]["relative_rate"]["ratio"] == pytest.approx(2.0)
    assert sex["M"]["commenced"]["relative_rate"]["ratio"] == pytest.approx(1.0)
    assert sex["F"]["successful"]["rate"] == 0.5  # 1 of 2 terminations
    assert sex["F"]["share"]["commenced"] == 0.5


@pytest.mark.django_db
def test_age_bands_at_referral_are_counted_in_the_database():
    load(
        case(born="1984-06-01"),  # 18
        case(born="1982-01-03"),  # 20: birthday the day after referral
        case(born="1982-01-02"),  # 21 on the day of referral
        case(born="1970-01-01"),
    )
    bands = reach(Scope.national(), Period())["dimensions"]["age_band"]
    assert {b: g["referred"]["count"] for b, g in bands.items()} == {
        "18-20": 2,
        "21-25": 1,
        "26+": 1,
    }


def test_age_band_matches_the_database_rule():
    import datetime as dt

    on = dt.date(2003, 1, 2)
    assert age_band(dt.date(1982, 1, 3), on) == "18-20"
    assert age_band(dt.date(1982, 1, 2), on) == "21-25"
    assert age_band(dt.date(1977, 1, 3), on) == "21-25"
    assert age_band(dt.date(1977, 1, 2), on) == "26+"

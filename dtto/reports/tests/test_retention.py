from __future__ import annotations

import pytest

from dtto.reports.measures import retention
from dtto.reports.queries import Period, Scope
from dtto.reports.tests.factories import case, ended, load


@pytest.mark.django_db
def test_running_orders_are_censored_not_counted_as_ended():
    load(
        case(referred="2003-01-01", made="2003-01-01", events=[ended("2003-01-30", "other")]),
        case(
            referred="2003-01-01",
            made="2003-01-01",
            events=[ended("2003-04-10", "revoked_non_compliance")],
        ),
        case(
            referred="2003-01-01",
            made="2003-01-01",
            events=[ended("2003-07-19", "revoked_conviction")],
        ),
        # Made 1 January 2006 and still running on 30 June 2006: 181 days so far.
        case(referred="2006-01-01", made="2006-01-01"),
    )
    r = retention(Scope.national(), Period())["groups"]["all"]
    # Days on the Order: 30, 100 and 200 ended; 181 censored.
    assert r["n"] == 4
    assert r["ended"] == 3
    assert r["running"] == 1
    assert r["still_on"]["3_months"] == pytest.approx(3 / 4)
    assert r["still_on"]["6_months"] == pytest.approx(3 / 4 * 2 / 3)
    assert r["still_on"]["12_months"] is None  # nobody followed up that long
    assert r["median_days"] == 100


@pytest.mark.django_db
def test_retention_by_intensity():
    load(
        case(intensity="lower", events=[ended("2003-03-04", "other")]),
        case(intensity="higher"),
    )
    groups = retention(Scope.national(), Period(), by="intensity")["groups"]
    assert set(groups) == {"higher", "lower"}
    assert groups["lower"]["ended"] == 1
    assert groups["higher"]["ended"] == 0

"""Early revocation with completion as a competing risk (Aalen-Johansen), worked by hand."""

from __future__ import annotations

import random
import warnings

import pytest

from dtto.reports import measures
from dtto.reports import statistics as st
from dtto.reports.measures import revocation
from dtto.reports.queries import Period, Scope
from dtto.reports.tests.factories import case, ended, load

REVOKED, OTHER = 1, 2


def test_incidence_steps_by_survival_before_the_day_times_the_share_revoked_that_day():
    # Days: 10 revoked, 15 censored, 20 ended otherwise, 30 revoked, 40 censored.
    # Day 10: 5 at risk, incidence 1 x 1/5 = 0.2, all-cause survival 0.8.
    # Day 20: 3 at risk (one censored on day 15), survival 0.8 x 2/3.
    # Day 30: 2 at risk, incidence 0.2 + (0.8 x 2/3) x 1/2 = 0.2 + 0.2667 = 0.4667.
    counts = [(10, REVOKED, 1), (15, 0, 1), (20, OTHER, 1), (30, REVOKED, 1), (40, 0, 1)]
    aj = st.aalen_johansen(counts, REVOKED, [9, 25, 35, 41])
    assert aj["n"] == 5
    assert aj["events"] == 2
    assert aj["competing"] == 1
    assert aj["at"]["9"] == (0.0, None, None)  # nothing yet: no interval at 0
    assert aj["at"]["25"][0] == pytest.approx(0.2)
    assert aj["at"]["35"][0] == pytest.approx(0.2 + 0.8 * 2 / 3 / 2)
    assert aj["at"]["41"] is None  # beyond the longest follow-up
    # One minus Kaplan-Meier of revocation alone would say 1 - 0.8 x 1/2 = 0.6 by day 35:
    # it treats the Order that ended otherwise as if it could still be revoked.
    assert aj["at"]["35"][0] < 0.6


def test_endings_of_several_causes_on_one_day_are_counted_together_not_jittered():
    # Day 10: 4 at risk, one revoked and one ended otherwise: incidence 1/4, survival 1/2.
    # Day 20: 2 at risk, one revoked: incidence 1/4 + 1/2 x 1/2 = 1/2.
    counts = [(10, REVOKED, 1), (10, OTHER, 1), (20, REVOKED, 1), (30, 0, 1)]
    first = st.aalen_johansen(counts, REVOKED, [10, 20])
    again = st.aalen_johansen(list(reversed(counts)), REVOKED, [10, 20])
    assert first["at"]["10"][0] == pytest.approx(0.25)
    assert first["at"]["20"][0] == pytest.approx(0.5)
    assert first == again


def test_counts_as_weights_give_the_same_as_one_row_each():
    one_each = [(10, REVOKED, 1), (10, REVOKED, 1), (12, OTHER, 1), (20, 0, 1), (20, 0, 1)]
    weighted = [(10, REVOKED, 2), (12, OTHER, 1), (20, 0, 2)]
    assert st.aalen_johansen(one_each, REVOKED, [15]) == st.aalen_johansen(weighted, REVOKED, [15])


def test_estimate_and_interval_agree_with_lifelines_where_no_days_are_tied():
    from lifelines import AalenJohansenFitter

    rng = random.Random(7)
    days = rng.sample(range(1, 400), 50)
    causes = [rng.choice((0, REVOKED, REVOKED, OTHER)) for _ in days]
    ours = st.aalen_johansen([(d, c, 1) for d, c in zip(days, causes, strict=True)], 1, [91, 183])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = AalenJohansenFitter().fit(days, causes, event_of_interest=1)
    for day in (91, 183):
        at = theirs.cumulative_density_.index[theirs.cumulative_density_.index <= day][-1]
        value, low, high = ours["at"][str(day)]
        assert value == pytest.approx(float(theirs.cumulative_density_.loc[at].iloc[0]))
        assert sorted([low, high]) == pytest.approx(
            sorted(float(x) for x in theirs.confidence_interval_.loc[at])
        )
        assert low < value < high


def _orders() -> None:
    """Five Orders: revoked on day 30, ended otherwise on day 50, ended early for good
    progress on day 100, revoked on day 200; one made 1 January 2006 still running on
    30 June 2006 (181 days, censored)."""
    made = "2003-01-01"
    load(
        case(referred=made, made=made, events=[ended("2003-01-30", "revoked_non_compliance")]),
        case(referred=made, made=made, events=[ended("2003-02-19", "other")]),
        case(referred=made, made=made, events=[ended("2003-04-10", "early_good_progress")]),
        case(referred=made, made=made, events=[ended("2003-07-19", "revoked_conviction")]),
        case(referred="2006-01-01", made="2006-01-01"),
    )


@pytest.mark.django_db
def test_revocation_by_3_6_and_12_months_with_completion_competing_and_running_censored():
    _orders()
    r = revocation(Scope.national(), Period())
    assert (r["n"], r["revoked"], r["completed"], r["ended_otherwise"], r["running"]) == (
        5,
        2,
        1,
        1,
        1,
    )
    # Day 30: 1/5 revoked, survival 0.8; day 50: survival 0.8 x 3/4 = 0.6; day 100: 1 of 3
    # completes: completion 0.6 x 1/3 = 0.2, survival 0.4; day 181 censored; day 200: the one
    # left is revoked: 0.2 + 0.4 x 1/1 = 0.6.
    assert r["revoked_by"]["3_months"]["incidence"] == pytest.approx(0.2)
    assert r["revoked_by"]["6_months"]["incidence"] == pytest.approx(0.2)
    assert r["revoked_by"]["12_months"]["incidence"] is None  # nobody followed for 365 days
    assert r["completed_by"]["3_months"]["incidence"] == 0.0
    assert r["completed_by"]["6_months"]["incidence"] == pytest.approx(0.2)
    assert r["curve"] == [(30.0, pytest.approx(0.2)), (200.0, pytest.approx(0.6))]
    low, high = r["revoked_by"]["6_months"]["ci_low"], r["revoked_by"]["6_months"]["ci_high"]
    assert low is not None and high is not None
    assert low < 0.2 < high


@pytest.mark.django_db
def test_as_of_an_earlier_day_the_later_endings_are_still_running():
    _orders()
    import datetime as dt

    # On 1 March 2003 (day 60) two had ended: revoked on day 30, otherwise on day 50.
    r = revocation(Scope.national(), Period(None, dt.date(2003, 12, 31)), as_of=dt.date(2003, 3, 1))
    assert (r["n"], r["revoked"], r["ended_otherwise"], r["running"]) == (4, 1, 1, 2)
    assert r["revoked_by"]["3_months"]["incidence"] is None  # followed for 60 days only


@pytest.mark.django_db
def test_published_revocation_is_withheld_when_fewer_than_5_were_revoked():
    _orders()
    published = st.publish(measures.report(Scope.national(), Period()))
    r = published["retention"]["revocation"]
    assert r["suppressed"] is True
    assert r["n"] == 5
    assert r["revoked"] is None
    assert r["curve"] == []
    assert r["revoked_by"]["3_months"] == {"incidence": None, "ci_low": None, "ci_high": None}
    # The report's own (internal) figures are as counted.
    assert measures.report(Scope.national(), Period())["retention"]["revocation"]["revoked"] == 2

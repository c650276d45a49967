from __future__ import annotations

import datetime as dt

import pytest

from dtto.reports.measures import breaches, terminations
from dtto.reports.queries import Period, Scope
from dtto.reports.tests.factories import breach, case, ended, load


def _ten_terminations() -> None:
    load(
        *[case(events=[ended("2004-02-02", "completed")]) for _ in range(3)],
        case(events=[ended("2003-10-01", "early_good_progress")]),
        # Expired while a breach was outstanding: not a successful completion (3.3).
        case(events=[breach("2004-01-10"), ended("2004-02-02", "completed")]),
        *[
            case(
                events=[
                    breach("2003-05-01", "revoked", decided="2003-06-01"),
                    ended("2003-06-01", "revoked_non_compliance"),
                ]
            )
            for _ in range(3)
        ],
        *[case(events=[ended("2003-08-01", "revoked_conviction")]) for _ in range(2)],
        case(),  # still running: no termination
    )


@pytest.mark.django_db
def test_successful_completion_excludes_expiry_in_breach():
    _ten_terminations()
    t = terminations(Scope.national(), Period())
    assert t["total"] == 10
    assert t["by_reason"]["completed"] == 4
    assert t["by_reason"]["revoked_non_compliance"] == 3
    assert t["by_reason"]["revoked_conviction"] == 2
    assert t["successful"] == 4
    assert t["expired_in_breach"] == 1
    assert t["successful_rate"] == 0.4
    # Open-ended, so it starts before the target took effect on 1 April 2004: none applies.
    assert t["target_rate"] is None
    assert t["meets_target"] is None


@pytest.mark.django_db
def test_terminations_count_by_the_day_the_order_ended():
    _ten_terminations()
    t = terminations(Scope.national(), Period(end=dt.date(2003, 12, 31)))
    assert t["total"] == 6
    assert t["successful"] == 1
    assert t["successful_rate"] == pytest.approx(1 / 6)
    assert t["target_rate"] is None  # all of it before April 2004 (3.2)
    assert t["meets_target"] is None


def _ended(on: str, completed: int, revoked: int) -> None:
    made = "2002-05-01" if on < "2003-05-01" else "2003-06-02"
    load(
        *[
            case(referred=made, made=made, events=[ended(on, "completed")])
            for _ in range(completed)
        ],
        *[
            case(referred=made, made=made, events=[ended(on, "revoked_conviction")])
            for _ in range(revoked)
        ],
    )


@pytest.mark.django_db
def test_the_2002_03_year_has_no_completion_target():
    _ended("2003-01-15", completed=1, revoked=1)
    t = terminations(Scope.national(), Period.financial_year(2002))
    assert (t["total"], t["successful"]) == (2, 1)
    assert t["target_rate"] is None
    assert t["meets_target"] is None


@pytest.mark.django_db
def test_a_period_straddling_1_april_2004_has_no_completion_target():
    _ended("2004-06-01", completed=2, revoked=1)
    t = terminations(Scope.national(), Period(dt.date(2004, 1, 1), dt.date(2004, 12, 31)))
    assert t["total"] == 3
    assert t["target_rate"] is None
    assert t["meets_target"] is None


@pytest.mark.parametrize(
    ("completed", "revoked", "meets"),
    [
        (7, 13, True),  # 7/20 = 35%: "at least 35 per cent" (3.2)
        (1, 2, False),  # 1/3 = 33.3%
    ],
)
@pytest.mark.django_db
def test_the_2004_05_year_is_judged_against_at_least_35_percent(completed, revoked, meets):
    _ended("2004-06-01", completed=completed, revoked=revoked)
    t = terminations(Scope.national(), Period.financial_year(2004))
    assert t["total"] == completed + revoked
    assert t["target_rate"] == 0.35
    assert t["meets_target"] is meets


@pytest.mark.django_db
def test_no_terminations_gives_a_null_rate():
    load(case())
    t = terminations(Scope.area("dorset"), Period())
    assert t["total"] == 0
    assert t["successful_rate"] is None


@pytest.mark.django_db
def test_breaches_per_100_commencements_and_revoked_share_of_decided():
    _ten_terminations()
    load(case(events=[breach("2003-03-01", "continued", decided="2003-03-20")]))
    b = breaches(Scope.national(), Period())
    assert b["instigated"] == 5  # 1 pending + 3 revoked + 1 continued
    assert b["commencements"] == 12
    assert b["per_100_commencements"] == pytest.approx(500 / 12)
    assert b["decided"] == 4  # the pending breach is not decided
    assert b["revoked_share"] == 0.75


@pytest.mark.django_db
def test_scope_keeps_other_areas_out():
    _ten_terminations()
    load(case(area="kent", events=[ended("2004-02-02", "completed")]))
    assert terminations(Scope.area("kent"), Period())["total"] == 1
    assert terminations(Scope.area("dorset"), Period())["total"] == 10
    assert breaches(Scope.area("kent"), Period())["per_100_commencements"] == 0

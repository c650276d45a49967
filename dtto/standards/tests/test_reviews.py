from __future__ import annotations

import pytest

from dtto.standards import add_months, evaluate
from dtto.standards.tests.factories import d, review, termination, timeline


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2003-01-31", 1, "2003-02-28"),
        ("2004-01-31", 1, "2004-02-29"),  # leap year
        ("2003-01-31", 2, "2003-03-31"),  # counted from made_on, not from 28 February
        ("2003-01-31", 3, "2003-04-30"),
        ("2003-08-31", 6, "2004-02-29"),
        ("2003-03-31", -1, "2003-02-28"),
        ("2003-11-15", 3, "2004-02-15"),
    ],
)
def test_month_arithmetic_clamps_to_the_last_day(start, months, expected):
    assert add_months(d(start), months) == d(expected)


def dues(t, as_of="2006-01-01"):
    return [r.due.isoformat() for r in evaluate(t, d(as_of)).reviews]


def test_higher_intensity_reviews_are_monthly_for_four_months_then_quarterly():
    assert dues(timeline(d("2003-01-31"))) == [
        "2003-02-28",
        "2003-03-31",
        "2003-04-30",
        "2003-05-31",
        "2003-08-31",
        "2003-11-30",
    ]


def test_lower_intensity_reviews_are_after_one_month_then_quarterly():
    assert dues(timeline(d("2004-01-31"), intensity="lower")) == [
        "2004-02-29",
        "2004-05-31",
        "2004-08-31",
        "2004-11-30",
    ]


def test_due_dates_on_or_after_the_end_or_termination_do_not_count():
    # 13-month Order made 2003-02-03 ends 2004-03-02: the month-13 review (2004-03-03) is after.
    assert dues(timeline(length_months=13))[-1] == "2003-12-03"
    t = timeline(termination=termination(d("2003-06-03"), "revoked_conviction"))
    assert dues(t) == ["2003-03-03", "2003-04-03", "2003-05-03"]


@pytest.mark.parametrize(
    ("held", "met"),
    [
        ("2003-03-03", True),
        ("2003-02-17", True),  # 14 days before
        ("2003-03-17", True),  # 14 days after
        ("2003-02-16", False),
        ("2003-03-18", False),
    ],
)
def test_a_review_within_fourteen_days_meets_the_due_date(held, met):
    r = evaluate(timeline(reviews=[review(d(held))]), d("2006-01-01")).reviews[0]
    assert r.met is met
    assert (r.held_on == d(held)) is met


def test_each_held_review_meets_at_most_one_due_date():
    # 2003-03-17 is within 14 days of both 2003-03-03 and 2003-04-03... only one may use it.
    t = timeline(reviews=[review(d("2003-03-17")), review(d("2003-03-20"))])
    reviews = evaluate(t, d("2006-01-01")).reviews
    assert [(r.held_on, r.met) for r in reviews[:2]] == [
        (d("2003-03-17"), True),
        (d("2003-03-20"), True),
    ]
    t = timeline(reviews=[review(d("2003-03-17"))])
    assert [r.met for r in evaluate(t, d("2006-01-01")).reviews[:2]] == [True, False]


@pytest.mark.parametrize(
    ("as_of", "met"),
    [("2003-03-01", None), ("2003-03-17", False), ("2003-03-16", None)],
)
def test_a_review_is_unknown_until_its_window_closes(as_of, met):
    assert evaluate(timeline(), d(as_of)).reviews[0].met is met


def test_reviews_after_as_of_are_not_yet_known():
    t = timeline(reviews=[review(d("2003-03-05"))])
    assert evaluate(t, d("2003-03-04")).reviews[0].met is None
    assert evaluate(t, d("2003-03-05")).reviews[0].met is True

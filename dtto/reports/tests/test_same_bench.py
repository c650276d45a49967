"""Court reviews by the same bench (3.26), against the Order's first review: the Order does
not record who sentenced. Worked by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dtto.reports import measures
from dtto.reports import statistics as st
from dtto.reports.labels import Labels
from dtto.reports.measures import reviews
from dtto.reports.queries import Period, Scope
from dtto.reports.sections import NOT_PUBLISHED, report_sections
from dtto.reports.tests.factories import case, load


def review(on: str, *sat: str) -> dict[str, Any]:
    return {"type": "review", "on": on, "hearing": True, "sat": list(sat), "notes": None}


def _cases() -> None:
    load(
        # First review by HHJ Ames; then Ames again (same), Bell (not), nobody recorded.
        case(
            events=[
                review("2003-03-03", "HHJ Ames"),
                review("2003-04-03", "HHJ Ames"),
                review("2003-05-06", "HHJ Bell"),
                review("2003-06-03"),
            ]
        ),
        # Nobody recorded at the first review: the later one cannot be compared.
        case(events=[review("2003-03-03"), review("2003-04-03", "DJ Cole")]),
        # The same magistrates, written in another case: the same bench.
        case(
            events=[
                review("2003-03-03", "Mr Dee JP", "Mrs Eve JP"),
                review("2003-04-03", "MR DEE JP", "mrs eve jp"),
            ]
        ),
    )


@pytest.mark.django_db
def test_later_reviews_compared_with_the_bench_of_the_orders_first_review():
    _cases()
    b = reviews(Scope.national(), Period())["same_bench"]
    assert b["reviews"] == 8
    # Later reviews: 3 + 1 + 1 = 5; 2 not compared (nobody recorded); 2 of 3 the same bench.
    assert b["not_recorded"] == 2
    assert (b["numerator"], b["denominator"]) == (2, 3)
    assert b["rate"] == pytest.approx(2 / 3)
    assert b["sentencer_recorded"] is False
    assert b["compared_with"] == "first_review"


@pytest.mark.django_db
def test_reviews_in_the_period_are_still_compared_with_a_first_review_before_it():
    _cases()
    b = reviews(Scope.national(), Period(dt.date(2003, 4, 1), dt.date(2003, 4, 30)))["same_bench"]
    # The three reviews of April 2003, each an Order's second: Ames again, Cole (first review
    # unrecorded), Dee and Eve again.
    assert b["reviews"] == 3
    assert (b["numerator"], b["denominator"], b["not_recorded"]) == (2, 2, 1)


@pytest.mark.django_db
def test_few_reviews_are_withheld_and_the_page_says_why_the_first_review_stands_in():
    _cases()
    published = st.publish(measures.report(Scope.national(), Period()))
    b = published["reviews"]["same_bench"]
    assert b["suppressed"] is True
    assert (b["numerator"], b["denominator"], b["rate"]) == (None, None, None)
    assert b["reviews"] == 8
    assert b["not_recorded"] is None
    section = next(s for s in report_sections(published, Labels.load()) if s.id == "reviews-bench")
    rows = dict((row[0], row[1]) for row in section.rows)
    assert rows["Share"] == NOT_PUBLISHED
    assert "does not record who sentenced" in section.notes[0]

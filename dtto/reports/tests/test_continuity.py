"""Continuity of care after the Order: onward referral and custody handover by termination
reason (3.30), worked by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dtto.reports import measures
from dtto.reports import statistics as st
from dtto.reports.labels import Labels
from dtto.reports.measures import continuity
from dtto.reports.queries import Period, Scope
from dtto.reports.sections import report_sections
from dtto.reports.tests.factories import case, ended, load


def end(on: str, reason: str, **care: Any) -> dict[str, Any]:
    return {**ended(on, reason), **care}


def _cases() -> None:
    onward = {"onward_referral_on": "2004-02-10", "onward_referral_to": "community drug team"}
    load(
        case(events=[end("2004-02-02", "completed", **onward)]),
        case(events=[end("2004-02-02", "completed", **onward)]),
        case(events=[end("2004-02-02", "completed")]),
        case(
            events=[end("2003-06-02", "revoked_non_compliance", custody_handover_on="2003-06-02")]
        ),
        case(events=[end("2003-07-01", "revoked_non_compliance")]),
        case(made="2006-01-01", referred="2006-01-01"),  # running: not a termination
    )


@pytest.mark.django_db
def test_onward_referral_and_handover_out_of_terminations_by_reason():
    _cases()
    c = continuity(Scope.national(), Period())
    onward, handover = c["onward_referred"], c["custody_handover"]
    assert (onward["numerator"], onward["denominator"]) == (2, 5)
    assert onward["rate"] == pytest.approx(0.4)
    assert onward["by_reason"]["completed"]["rate"] == pytest.approx(2 / 3)
    assert onward["by_reason"]["revoked_non_compliance"]["rate"] == 0.0
    assert onward["by_reason"]["death"]["denominator"] == 0
    assert onward["by_reason"]["death"]["rate"] is None
    assert (handover["numerator"], handover["denominator"]) == (1, 5)
    assert handover["by_reason"]["revoked_non_compliance"]["rate"] == 0.5


@pytest.mark.django_db
def test_a_referral_recorded_after_the_day_the_report_is_as_of_is_not_counted_yet():
    _cases()
    # On 5 February 2004 the completions had ended (2 February) but nobody was referred on
    # (10 February).
    c = continuity(Scope.national(), Period(), as_of=dt.date(2004, 2, 5))
    assert (c["onward_referred"]["numerator"], c["onward_referred"]["denominator"]) == (0, 5)


@pytest.mark.django_db
def test_published_small_counts_are_withheld_by_reason_and_the_section_lists_each_reason():
    _cases()
    published = st.publish(measures.report(Scope.national(), Period()))
    onward = published["continuity"]["onward_referred"]
    assert onward["suppressed"] is True  # 2 of 5
    assert onward["by_reason"]["completed"]["suppressed"] is True
    assert onward["by_reason"]["death"] == {
        "numerator": 0,
        "denominator": 0,
        "rate": None,
        "ci_low": None,
        "ci_high": None,
    }
    section = next(s for s in report_sections(published, Labels.load()) if s.id == "continuity")
    reasons = {row[1] for row in section.rows}
    assert {"All terminations", "Completed full term", "Revoked for failure to comply"} <= reasons

"""Issue 14's measures on small hand-worked data: continuity of care, offending before and
after, the offence behind a revocation, the assessment deadline, and costs from spending.

Today is 30 June 2006 (conftest). Every expected figure is worked out in the comments.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dtto.accounts.models import Area
from dtto.accounts.services import load_targets_and_budgets, record_spending
from dtto.audit.services import Actor
from dtto.reports import statistics
from dtto.reports.labels import Labels
from dtto.reports.measures import (
    assessment_timing,
    offending,
    report,
    revocations,
    spend_costs,
    treatment_started,
)
from dtto.reports.outcome_publish import publish_outcomes
from dtto.reports.queries import Period, Scope
from dtto.reports.sections import report_sections
from dtto.reports.tests.factories import case, ended, load

pytestmark = pytest.mark.django_db


def ended_then(on: str, reason: str, **aftercare: str) -> dict[str, Any]:
    return {**ended(on, reason), **aftercare}


def convicted(on: str, offence_on: str | None = None) -> dict[str, Any]:
    return {"type": "conviction", "on": on, "offence_on": offence_on}


# --- continuity.treatment_started_within_21_days --------------------------------------------


def _continuity_cases() -> None:
    load(
        # Ended 2 February 2004; treatment 18 days later: counts.
        case(events=[ended_then("2004-02-02", "completed", treatment_started_on="2004-02-20")]),
        # 28 days later: too late.
        case(events=[ended_then("2004-02-02", "completed", treatment_started_on="2004-03-01")]),
        # Exactly 21 days later (23 February): counts.
        case(events=[ended_then("2004-02-02", "completed", treatment_started_on="2004-02-23")]),
        # Revoked, no treatment recorded: in the denominator, not the numerator.
        case(events=[ended("2003-09-01", "revoked_non_compliance")]),
        # Died: not counted at all.
        case(events=[ended("2004-02-02", "death")]),
        # Ended 10 days before today: not yet followed for 21 days, so left out.
        case(
            referred="2005-06-01",
            made="2005-07-01",
            events=[ended_then("2006-06-20", "completed", treatment_started_on="2006-06-25")],
        ),
    )


def test_treatment_within_21_days_counts_followed_endings_but_deaths_by_reason():
    _continuity_cases()
    result = treatment_started(Scope.national(), Period())["treatment_started_within_21_days"]
    # 2 of the 4 endings followed for 21 days (3 completed, 1 revoked).
    assert (result["numerator"], result["denominator"]) == (2, 4)
    assert result["rate"] == 0.5
    by_reason = result["by_reason"]
    assert set(by_reason) == {"completed", "revoked_non_compliance"}
    assert (by_reason["completed"]["numerator"], by_reason["completed"]["denominator"]) == (2, 3)
    assert by_reason["revoked_non_compliance"]["numerator"] == 0


def test_treatment_within_21_days_is_withheld_when_its_counts_are_small():
    _continuity_cases()
    published = statistics.publish(report(Scope.national(), Period()))
    shown = published["continuity"]["treatment_started_within_21_days"]
    # Numerator 2 and denominator 4 are both under 5: the whole rate is withheld.
    assert shown["suppressed"] is True
    assert (shown["numerator"], shown["rate"], shown["ci_low"]) == (None, None, None)


def test_an_ending_is_counted_once_followed_for_the_whole_21_days():
    _continuity_cases()
    # As of 22 February 2004 the endings of 2 February are 20 days old: only the revocation
    # (1 September 2003) has been followed for 21 days.
    result = treatment_started(Scope.national(), Period(), as_of=dt.date(2004, 2, 22))
    started = result["treatment_started_within_21_days"]
    assert (started["numerator"], started["denominator"]) == (0, 1)


# --- offending.rate_before and rate_after ---------------------------------------------------


def test_convictions_per_person_year_before_referral_and_in_each_year_after():
    load(
        # Referred 2 January 2003, Order 3 February 2003. The year before the referral is
        # 2 January 2002 to 1 January 2003: three convictions in it (1 December 2001 is out).
        # After: year 1 is 4 February 2003 to 3 February 2004 (one), year 2 to 2 February 2005
        # (none), year 3 to 2 February 2006 (one).
        case(
            events=[
                convicted("2001-12-01"),
                convicted("2002-01-02"),
                convicted("2002-06-01"),
                convicted("2003-01-01"),
                convicted("2003-08-01"),
                convicted("2005-05-05"),
            ]
        ),
        # Referred 2 May 2005, Order 1 June 2005: two convictions in the year before
        # (2 May 2004 to 1 May 2005), one in year 1 (to 1 June 2006); not followed for year 2.
        case(
            referred="2005-05-02",
            made="2005-06-01",
            events=[convicted("2004-06-01"), convicted("2005-05-01"), convicted("2006-01-01")],
        ),
        case(),  # never convicted
    )
    result = offending(Scope.national(), Period())
    before = result["rate_before"]
    assert (before["convictions"], before["people"]) == (5, 3)
    assert before["rate"] == pytest.approx(5 / 3)
    # Garwood interval for 5 events: chi-squared(0.025, 10)/2 = 1.6235 and
    # chi-squared(0.975, 12)/2 = 11.6683, over 3 person-years.
    assert before["ci_low"] == pytest.approx(1.6235 / 3, abs=1e-3)
    assert before["ci_high"] == pytest.approx(11.6683 / 3, abs=1e-3)
    after = {y["year"]: y for y in result["rate_after"]}
    assert (after[1]["convictions"], after[1]["people"]) == (2, 3)
    assert (after[2]["convictions"], after[2]["people"], after[2]["rate"]) == (0, 2, 0.0)
    assert (after[3]["convictions"], after[3]["people"], after[3]["rate"]) == (1, 2, 0.5)


def test_offending_rates_are_withheld_when_people_or_convictions_are_few() -> None:
    published: Any = {"costs": None}
    d: Any = {
        "costs": None,
        "offending": {
            "rate_before": {
                "convictions": 30,
                "people": 4,
                "person_years": 4.0,
                "rate": 7.5,
                "ci_low": 5.0,
                "ci_high": 10.7,
            },
            "rate_after": [
                {
                    "year": 1,
                    "convictions": 3,
                    "people": 20,
                    "person_years": 20.0,
                    "rate": 0.15,
                    "ci_low": 0.03,
                    "ci_high": 0.44,
                },
                {
                    "year": 2,
                    "convictions": 0,
                    "people": 20,
                    "person_years": 20.0,
                    "rate": 0.0,
                    "ci_low": 0.0,
                    "ci_high": 0.18,
                },
            ],
        },
    }
    publish_outcomes(d, published)
    shown = published["offending"]
    assert shown["rate_before"]["rate"] is None  # 4 people
    assert shown["rate_after"][0]["rate"] is None  # 3 convictions
    assert shown["rate_after"][0]["year"] == 1
    assert shown["rate_after"][1]["rate"] == 0.0  # zero identifies nobody


# --- revocations.offence_before_order and offence_during_order -------------------------------


def test_revocation_on_conviction_is_split_by_when_the_offence_was_committed():
    load(
        # Made 3 February 2003. The latest conviction up to the revocation is for an offence
        # of 1 December 2002: before the Order (an earlier one was for an offence during it).
        case(
            events=[
                convicted("2003-03-01", "2003-02-10"),
                convicted("2003-06-01", "2002-12-01"),
                ended("2003-06-01", "revoked_conviction"),
            ]
        ),
        # An offence of 1 May 2003: during the Order.
        case(
            events=[
                convicted("2003-07-01", "2003-05-01"),
                ended("2003-07-01", "revoked_conviction"),
            ]
        ),
        # No offence date: not known.
        case(events=[convicted("2003-07-01"), ended("2003-07-01", "revoked_conviction")]),
        # Not revoked on conviction: not counted.
        case(events=[convicted("2003-07-01", "2003-05-01"), ended("2004-02-02", "completed")]),
    )
    result = revocations(Scope.national(), Period())
    assert result["revoked_on_conviction"] == 3
    assert result["offence_before_order"]["numerator"] == 1
    assert result["offence_during_order"]["numerator"] == 1
    assert result["offence_before_order"]["denominator"] == 3
    assert result["offence_date_not_known"] == 1


# --- assessment.within_deadline and adjourned_for_assessment ----------------------------------


def assessed(
    completed: str, *, delivered: str | None = None, adjourned: str | None = None
) -> dict[str, Any]:
    out = case(made=None)
    out["assessment"] = {
        "outcome": "suitable",
        "completed_on": completed,
        "psr_delivered_on": delivered,
        "adjourned_on": adjourned,
    }
    return out


def test_assessment_is_judged_against_five_working_days_from_the_report_or_the_referral():
    # Referred Thursday 2 January 2003; five working days on is Thursday 9 January.
    # A report delivered Monday 20 January 2003 gives Monday 27 January.
    not_assessed = case(made=None, assessment="not_assessed", reason="did_not_attend")
    load(
        assessed("2003-01-09"),  # on the last day: met
        assessed("2003-01-10"),  # a day late
        assessed("2003-01-27", delivered="2003-01-20", adjourned="2003-01-20"),  # met
        assessed("2003-01-28", delivered="2003-01-20", adjourned="2003-01-20"),  # a day late
        not_assessed,  # never assessed: not counted
    )
    result = assessment_timing(Scope.national(), Period())
    within, adjourned = result["within_deadline"], result["adjourned_for_assessment"]
    assert (within["numerator"], within["denominator"]) == (2, 4)
    assert (adjourned["numerator"], adjourned["denominator"]) == (2, 4)


# --- costs from recorded spending -----------------------------------------------------------


def _spending_cases() -> None:
    actor = Actor.system("test")
    dorset = Area.objects.get(code="dorset")
    for heading, amount in (("treatment", 60000), ("supervision", 30000), ("testing", 10000)):
        record_spending(dorset, by=actor, financial_year=2003, heading=heading, amount=amount)
    review = {"type": "review", "on": "2003-06-02", "hearing": True}
    load(
        # Five Dorset Orders made 1 May 2003 (financial year 2003-04): two ended early for
        # good progress on 1 March 2004 (306 days each in the year), three still running on
        # 31 March 2004 (336 days each): 2 x 306 + 3 x 336 = 1,620 Order days.
        *[
            case(
                referred="2003-04-01",
                made="2003-05-01",
                events=[ended("2004-03-01", "early_good_progress")],
            )
            for _ in range(2)
        ],
        case(
            referred="2003-04-01",
            made="2003-05-01",
            events=[
                {
                    "type": "breach",
                    "on": "2003-06-01",
                    "hearings": ["2003-06-10", "2003-07-01"],
                    "outcome": "pending",
                },
                review,
            ],
        ),
        case(referred="2003-04-01", made="2003-05-01", events=[review]),
        case(
            referred="2003-04-01",
            made="2003-05-01",
            events=[review, {"type": "review", "on": "2003-07-01", "hearing": False}],
        ),
        # Kent recorded no spending: its Order and hearing count nowhere.
        case(area="kent", referred="2003-04-01", made="2003-05-01", events=[review]),
    )


def test_unit_costs_come_from_spending_in_the_areas_that_recorded_it():
    _spending_cases()
    result = spend_costs(Scope.national(), 2003)
    assert result["spend"]["total"] == 100000.0
    assert result["spend"]["by_heading"] == {
        "supervision": 30000.0,
        "testing": 10000.0,
        "treatment": 60000.0,
    }
    basis = result["spend_basis"]
    assert (basis["areas"], basis["commencements"], basis["successful_completions"]) == (
        ["dorset"],
        5,
        2,
    )
    assert basis["order_days"] == 1620
    assert result["cost_per_commencement"] == 20000.0  # 100,000 / 5
    assert result["cost_per_successful_completion"] == 50000.0  # 100,000 / 2
    assert result["cost_per_day"] == 61.73  # 100,000 / 1,620 = 61.728...
    hearings = result["enforcement_hearings"]
    # Two breach hearings at £1,000 and three review hearings at £250 (the paper review and
    # Kent's hearing are not counted): £2,750.
    assert (hearings["breach_hearings"], hearings["review_hearings"]) == (2, 3)
    assert hearings["cost"] == 2750.0


def test_costs_from_few_completions_or_hearings_are_withheld():
    _spending_cases()
    published = statistics.publish(report(Scope.national(), Period.financial_year(2003)))
    costs = published["costs"]
    assert costs is not None
    assert costs["cost_per_commencement"] == 20000.0  # 5 commencements: shown
    assert costs["cost_per_successful_completion"] is None  # 2 completions: withheld
    hearings = costs["enforcement_hearings"]
    assert (hearings["breach_hearings"], hearings["review_hearings"], hearings["cost"]) == (
        None,
        None,
        None,
    )


def test_without_recorded_spending_there_is_no_spend_figure():
    load(case())
    result = spend_costs(Scope.area("kent"), 2003)
    assert result["spend"]["total"] is None
    assert result["cost_per_commencement"] is None
    assert result["enforcement_hearings"]["cost"] is None


def test_a_year_before_the_first_orders_counts_hearings_without_costing_them():
    # Financial year 1997-98 ended before the first pilot Orders (October 1998), when no
    # unit cost was in force: the report is made, with no prices and no cost.
    result = spend_costs(Scope.national(), 1997)
    assert result["enforcement_hearings"]["unit_costs"] == {}
    assert result["enforcement_hearings"]["cost"] is None


# --- On the report page ----------------------------------------------------------------------


def test_the_report_page_has_a_section_for_each_new_measure_with_small_counts_withheld():
    from dtto.reports.sections import report_sections

    _continuity_cases()
    published = statistics.publish(report(Scope.national(), Period()))
    sections = {s.id: s for s in report_sections(published)}
    assert {"treatment-after-the-order", "offending", "revocations", "assessment"} <= set(sections)
    assert sections["treatment-after-the-order"].rows[0] == [
        "Every ending (but death)",
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
    ]
    internal = statistics.publish(report(Scope.national(), Period()), internal=True)
    shown = {s.id: s for s in report_sections(internal)}["treatment-after-the-order"].rows[0]
    assert shown[1:4] == ["2", "4", "50.0%"]


def test_each_hearing_unit_cost_says_it_is_assumed_and_the_custody_day_names_its_paragraph():
    _spending_cases()
    budget = {"supervision": 30000, "treatment": 60000, "testing": 10000}
    load_targets_and_budgets(
        {"targets": {}, "budgets": {"dorset": {"2003-04": budget}}, "custody_day_cost": 100},
        by=Actor.system("test"),
    )
    result = spend_costs(Scope.national(), 2003)
    basis = result["enforcement_hearings"]["unit_cost_basis"]
    # The source gives no cost of a hearing (3.29, 3.33): both are dtto's assumptions.
    assert basis["breach_hearing"]["assumption"] is True
    assert basis["review_hearing"]["assumption"] is True
    published = statistics.publish(report(Scope.national(), Period.financial_year(2003)))
    sections = {s.id: s for s in report_sections(published, Labels.load())}
    spend_note = sections["spend"].notes[1]
    assert "breach hearing £1,000, assumed by dtto: the source gives no figure" in spend_note
    assert "review hearing £250, assumed by dtto: the source gives no figure" in spend_note
    assert (
        "the source's figure is £100 a day (3.33), not an assumption"
        in (sections["costs"].notes[0])
    )

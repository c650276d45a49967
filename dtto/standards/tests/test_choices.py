"""The choices dtto makes beyond the source are fields of the rule set, and the engine honours
each value (docs/national-standard.md, "Choices dtto makes beyond the source")."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dtto.standards import evaluate
from dtto.standards.rules import (
    ASSESSMENT_DEADLINE,
    HIGHER_2001,
    LOWER_2003_12,
    RULE_SETS,
    common_count,
    common_rule,
    is_successful_termination,
    rule_set_for,
)
from dtto.standards.tests.factories import appt, breach, d, review, timeline, warning


def fail(on: str):
    return appt(d(on), outcome="unacceptable_absence")


# Failures on 4 Feb, 11 Feb and 4 Mar 2003, a warning the day after the first, a breach on
# 12 Feb (answering the second) and a warning on 5 Mar. The third failure is within 12
# months of both earlier ones: it is number 3 unless the count restarts at the breach.
_AFTER_A_BREACH = timeline(
    appointments=[fail("2003-02-04"), fail("2003-02-11"), fail("2003-03-04")],
    warnings=[warning(d("2003-02-05")), warning(d("2003-03-05"))],
    breaches=[breach(d("2003-02-12"), decided_on=d("2003-02-26"))],
)


def _failures_with(restarts: bool):
    rules = replace(HIGHER_2001, failure_count_restarts_after_breach=restarts)
    return evaluate(_AFTER_A_BREACH, d("2006-01-01"), rules).failures


def test_the_failure_count_restarts_after_a_breach_when_the_rule_set_says_so():
    third = _failures_with(restarts=True)[2]
    assert (third.number, third.required, third.taken, third.met) == (
        1,
        "warning_or_breach",
        "warning",
        True,
    )
    assert third.counted == (d("2003-03-04"),)


def test_without_the_restart_a_failure_after_a_breach_needs_breach_action_again():
    third = _failures_with(restarts=False)[2]
    assert third.number == 3
    assert third.counted == (d("2003-02-04"), d("2003-02-11"), d("2003-03-04"))
    # Only a warning was given in time, and breach action was required: not met.
    assert (third.required, third.taken, third.met) == ("breach", "warning", False)


def test_dtto_restarts_the_failure_count_after_a_breach():
    assert all(r.failure_count_restarts_after_breach for r in RULE_SETS)


def test_review_tolerance_is_the_rule_sets_window_either_side_of_the_due_date():
    # Made 3 Feb 2003: the first review is due 3 Mar; 17 Mar is 14 days after it.
    t = timeline(reviews=[review(d("2003-03-17"))])
    as_of = d("2003-04-01")
    assert evaluate(t, as_of).reviews[0].met is True
    narrower = replace(HIGHER_2001, review_tolerance_days=13)
    assert evaluate(t, as_of, narrower).reviews[0].met is False


def test_action_working_days_set_the_enforcement_deadline():
    # 5 working days after Tuesday 4 Feb 2003 is Tuesday 11 Feb; 10 is Tuesday 18 Feb.
    t = timeline(appointments=[fail("2003-02-04")], warnings=[warning(d("2003-02-14"))])
    as_of = d("2003-03-01")
    assert evaluate(t, as_of).failures[0].deadline == d("2003-02-18")
    assert evaluate(t, as_of).failures[0].met is True
    five = replace(HIGHER_2001, action_working_days=5)
    assert evaluate(t, as_of, five).failures[0].deadline == d("2003-02-11")
    assert evaluate(t, as_of, five).failures[0].met is False


def test_an_order_made_before_the_first_rule_set_is_judged_by_it_only_if_it_says_so():
    assert rule_set_for("lower", d("2003-06-01")) is LOWER_2003_12
    strict = (HIGHER_2001, replace(LOWER_2003_12, judges_earlier_orders=False))
    with pytest.raises(ValueError, match="made_on: no lower-intensity rule set"):
        rule_set_for("lower", d("2003-06-01"), strict)
    assert rule_set_for("lower", d("2003-12-01"), strict).id == "lower-2003-12"


def test_common_rule_gives_a_number_every_rule_set_shares_and_refuses_one_they_do_not():
    assert common_rule("failure_window_months") == 12  # Figure 4, 3.27
    assert common_count("phase1_weeks") == 13  # Figure 4: weeks 1-13
    with pytest.raises(ValueError, match="review_months: the rule sets differ"):
        common_rule("review_months")  # (1, 2, 3, 4) higher, (1,) lower


def test_common_count_refuses_what_is_not_a_whole_number():
    with pytest.raises(TypeError, match="failure_count_restarts_after_breach"):
        common_count("failure_count_restarts_after_breach")


@pytest.mark.parametrize(
    ("reason", "in_breach", "successful"),
    [
        ("completed", False, True),
        ("early_good_progress", False, True),
        ("completed", True, False),  # expiry in breach (3.3)
        ("revoked_non_compliance", False, False),
        ("ill_health", False, False),
    ],
)
def test_successful_termination_needs_a_successful_reason_and_no_open_breach(
    reason, in_breach, successful
):
    assert is_successful_termination(reason, in_breach) is successful


def test_assessment_deadline_is_five_working_days_only_outside_the_pre_sentence_report():
    # Figure 4. Referred Thursday 17 April 2003: Good Friday (18) and Easter Monday (21) are
    # not working days, so the five are 22, 23, 24, 25 and Monday 28 April.
    assert ASSESSMENT_DEADLINE.due_by(d("2003-04-17")) == d("2003-04-28")
    assert ASSESSMENT_DEADLINE.applies(part_of_pre_sentence_report=False) is True
    assert ASSESSMENT_DEADLINE.applies(part_of_pre_sentence_report=True) is False

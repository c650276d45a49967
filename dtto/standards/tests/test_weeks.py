from __future__ import annotations

from datetime import timedelta

import pytest

from dtto.standards import evaluate
from dtto.standards.tests.factories import (
    MONDAY,
    appt,
    compliant,
    d,
    drug_test,
    full_week,
    level,
    suspension,
    termination,
    timeline,
)


def week_of(t, k, as_of="2004-06-01"):
    return evaluate(t, d(as_of)).weeks[k - 1]


@pytest.mark.parametrize(
    ("as_of", "judged"),
    [
        ("2003-02-08", 0),  # week 1 ends on Sunday the 9th
        ("2003-02-09", 1),
        ("2003-02-15", 1),  # a partial week is not judged
        ("2003-02-16", 2),
        ("2004-06-01", 52),  # the Order ends 2004-02-02: 52 whole weeks
    ],
)
def test_only_complete_weeks_are_judged(as_of, judged):
    assert len(evaluate(timeline(), d(as_of)).weeks) == judged


def test_termination_ends_judging_partial_last_week_is_left_out():
    t = timeline(termination=termination(d("2003-02-19"), "revoked_non_compliance"))
    weeks = evaluate(t, d("2004-06-01")).weeks
    assert [w.week for w in weeks] == [1, 2]


def test_week_boundaries_run_from_the_day_the_order_was_made():
    t = timeline(d("2003-02-05"))  # a Wednesday
    w = evaluate(t, d("2003-03-01")).weeks[0]
    assert (w.starts_on, w.ends_on) == (d("2003-02-05"), d("2003-02-11"))


@pytest.mark.parametrize(
    ("outcomes", "tests", "met"),
    [
        (["sample", "sample"], 2, True),
        (["sample", "admission"], 2, True),  # a written admission stands in for a test
        (["sample", "refused"], 1, False),  # a refusal is not a test
        (["sample"], 1, False),
        ([], 0, False),
    ],
)
def test_phase_one_weeks_need_two_tests(outcomes, tests, met):
    t = timeline(tests=[drug_test(MONDAY + timedelta(days=i), o) for i, o in enumerate(outcomes)])
    w = week_of(t, 1)
    assert (w.tests, w.tests_required, w.tests_met) == (tests, 2, met)


def test_phase_two_weeks_need_one_test():
    t = timeline(tests=[drug_test(MONDAY + timedelta(days=7 * 13))])
    w = week_of(t, 14)
    assert (w.phase, w.tests, w.tests_required, w.tests_met) == (2, 1, 1, True)


@pytest.mark.parametrize(
    ("hours", "outcomes", "counted", "met"),
    [
        ([5, 5, 5], ["attended"] * 3, 15.0, True),
        ([5, 5, 4.5], ["attended"] * 3, 14.5, False),
        # hours arranged count whatever the attendance, except cancelled by the service
        ([5, 5, 5], ["attended", "unacceptable_absence", "not_recorded"], 15.0, True),
        ([5, 5, 5], ["attended", "attended", "cancelled_by_service"], 10.0, False),
        ([0.1, 0.2, 14.7], ["attended"] * 3, 15.0, True),
    ],
)
def test_higher_intensity_phase_one_needs_fifteen_hours(hours, outcomes, counted, met):
    t = timeline(
        appointments=[
            appt(MONDAY + timedelta(days=i), h, outcome=o)
            for i, (h, o) in enumerate(zip(hours, outcomes, strict=True))
        ]
    )
    w = week_of(t, 1)
    assert (w.hours, w.hours_required, w.contact_days_required, w.contact_met) == (
        counted,
        15.0,
        0,
        met,
    )


@pytest.mark.parametrize(
    ("hours_by_day", "met"),
    [
        ({0: 3, 1: 3, 2: 3}, True),
        ({0: 5, 1: 4}, False),  # 9 hours on 2 days
        ({0: 3, 1: 3, 2: 2.5}, False),  # 3 days, 8.5 hours
        ({0: 2, 1: 2, 2: 2, 3: 2, 4: 1}, True),
    ],
)
def test_higher_intensity_phase_two_needs_nine_hours_on_three_days(hours_by_day, met):
    start = MONDAY + timedelta(days=7 * 13)
    t = timeline(appointments=[appt(start + timedelta(days=i), h) for i, h in hours_by_day.items()])
    w = week_of(t, 14)
    assert (w.hours_required, w.contact_days_required, w.contact_met) == (9.0, 3, met)


def test_several_appointments_on_one_day_are_one_contact_day():
    start = MONDAY + timedelta(days=7 * 13)
    t = timeline(appointments=[appt(start, 3), appt(start, 3), appt(start + timedelta(days=1), 3)])
    w = week_of(t, 14)
    assert (w.hours, w.contact_days, w.contact_met) == (9.0, 2, False)


@pytest.mark.parametrize(
    ("week", "hours_by_day", "required", "met"),
    [
        (1, {0: 6, 1: 6}, (12.0, 2), True),
        (1, {0: 12}, (12.0, 2), False),  # 12 hours on one day
        (1, {0: 6, 1: 5}, (12.0, 2), False),
        (14, {0: 5}, (5.0, 0), True),
        (14, {0: 4.5}, (5.0, 0), False),
    ],
)
def test_lower_intensity_contact_minimums(week, hours_by_day, required, met):
    made_on = d("2004-01-05")
    start = made_on + timedelta(days=7 * (week - 1))
    t = timeline(
        made_on,
        intensity="lower",
        appointments=[appt(start + timedelta(days=i), h) for i, h in hours_by_day.items()],
    )
    e = evaluate(t, d("2005-06-01"))
    w = e.weeks[week - 1]
    assert e.rule_set == "lower-2003-12"
    assert ((w.hours_required, w.contact_days_required), w.contact_met) == (required, met)


def test_full_contact_level_brings_back_the_phase_one_minimum_until_reduced():
    # week 20 starts 2003-06-16; the "full" decision is on its first day, "reduced" on week 25's
    t = timeline(contact_levels=[level(d("2003-06-16"), "full"), level(d("2003-07-21"), "reduced")])
    weeks = evaluate(t, d("2004-06-01")).weeks
    applied = {w.week: (w.contact_level, w.hours_required, w.contact_days_required) for w in weeks}
    assert applied[19] == ("reduced", 9.0, 3)
    assert applied[20] == ("full", 15.0, 0)
    assert applied[24] == ("full", 15.0, 0)
    assert applied[25] == ("reduced", 9.0, 3)
    assert weeks[19].phase == 2 and weeks[19].tests_required == 1


def test_full_contact_level_mid_week_applies_from_the_next_week():
    t = timeline(contact_levels=[level(d("2003-06-17"), "full")])
    weeks = evaluate(t, d("2004-06-01")).weeks
    assert (weeks[19].contact_level, weeks[20].contact_level) == ("reduced", "full")


def test_reduced_contact_level_in_phase_one_changes_nothing():
    t = timeline(contact_levels=[level(d("2003-02-03"), "reduced")])
    assert evaluate(t, d("2004-06-01")).weeks[0].hours_required == 15.0


def test_lower_intensity_full_level_applies_the_lower_phase_one_minimum():
    made_on = d("2004-01-05")
    t = timeline(made_on, intensity="lower", contact_levels=[level(d("2004-05-03"), "full")])
    w = evaluate(t, d("2005-06-01")).weeks[17]  # week 18 starts 2004-05-03
    assert (w.contact_level, w.hours_required, w.contact_days_required) == ("full", 12.0, 2)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "excluded"),
    [
        ("2003-02-10", "2003-02-16", [2]),  # exactly week 2
        ("2003-02-16", "2003-02-17", [2, 3]),  # Sunday to Monday touches two weeks
        ("2003-02-12", "2003-02-12", [2]),  # one day
        ("2003-01-01", "2003-02-03", [1]),  # from before the Order
    ],
)
def test_weeks_touching_a_suspension_are_listed_but_not_judged(starts_on, ends_on, excluded):
    t = timeline(suspensions=[suspension(d(starts_on), d(ends_on))])
    weeks = evaluate(t, d("2003-03-31")).weeks
    assert [w.week for w in weeks if w.excluded] == excluded
    for w in weeks:
        if w.excluded:
            assert (w.tests_met, w.contact_met) == (None, None)
            assert w.excluded_by


def test_phase_verdicts_are_true_false_or_null():
    t = compliant()
    e = evaluate(t, d("2003-03-31"))
    assert (e.testing_met.phase1, e.testing_met.phase2) == (True, None)
    assert (e.contact_met.phase1, e.contact_met.phase2) == (True, None)
    e = evaluate(t, d("2004-06-01"))
    assert (e.testing_met.phase2, e.contact_met.phase2) == (True, True)
    assert evaluate(timeline(), d("2003-02-20")).testing_met.phase1 is False


def test_a_failing_week_under_suspension_does_not_spoil_the_phase():
    appointments, tests = [], []
    for k in range(13):
        if k == 4:
            continue  # week 5 has nothing, but is suspended
        a, t = full_week(MONDAY + timedelta(days=7 * k))
        appointments += a
        tests += t
    t = timeline(
        appointments=appointments,
        tests=tests,
        suspensions=[suspension(d("2003-03-04"), d("2003-03-08"))],
    )
    e = evaluate(t, d("2003-05-10"))
    assert e.weeks[4].excluded
    assert (e.testing_met.phase1, e.contact_met.phase1) == (True, True)


def test_week_evidence_lists_its_appointments_and_tests():
    t = timeline(appointments=[appt(MONDAY)], tests=[drug_test(MONDAY)])
    assert evaluate(t, d("2003-03-01")).weeks[0].evidence == (
        "appointment@2003-02-03",
        "test@2003-02-03",
    )

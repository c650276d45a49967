from __future__ import annotations

import pytest

from dtto.standards import evaluate
from dtto.standards.tests.factories import (
    appt,
    breach,
    d,
    drug_test,
    termination,
    timeline,
    warning,
)


def fail(on: str, outcome: str = "unacceptable_absence"):
    return appt(d(on), outcome=outcome)


def failures(t, as_of="2006-01-01"):
    return evaluate(t, d(as_of)).failures


@pytest.mark.parametrize(
    ("appointments", "tests", "days"),
    [
        ([fail("2003-02-04")], [], ["2003-02-04"]),
        ([fail("2003-02-04", "failed_to_comply")], [], ["2003-02-04"]),
        ([], [drug_test(d("2003-02-05"), "refused")], ["2003-02-05"]),
        # several on one day are one failure
        (
            [fail("2003-02-04"), fail("2003-02-04")],
            [drug_test(d("2003-02-04"), "refused")],
            ["2003-02-04"],
        ),
        ([appt(d("2003-02-04"), outcome="acceptable_absence")], [], []),
        ([appt(d("2003-02-04"), outcome="not_recorded")], [], []),
        ([], [drug_test(d("2003-02-05"), "sample")], []),
    ],
)
def test_unacceptable_failures_are_counted_by_day(appointments, tests, days):
    found = failures(timeline(appointments=appointments, tests=tests))
    assert [f.on.isoformat() for f in found] == days


def test_first_failure_needs_a_warning_or_breach_within_ten_working_days():
    # 10 working days after Tuesday 2003-02-04 is Tuesday 2003-02-18
    t = timeline(appointments=[fail("2003-02-04")], warnings=[warning(d("2003-02-18"))])
    (f,) = failures(t)
    assert (f.number, f.required, f.deadline) == (1, "warning_or_breach", d("2003-02-18"))
    assert (f.taken, f.taken_on, f.met) == ("warning", d("2003-02-18"), True)
    late = timeline(appointments=[fail("2003-02-04")], warnings=[warning(d("2003-02-19"))])
    assert failures(late)[0].met is False


def test_action_deadline_skips_easter_bank_holidays():
    # Good Friday, Easter Monday and the May Day bank holiday (5 May) are not counted
    t = timeline(appointments=[fail("2003-04-17")], warnings=[warning(d("2003-05-06"))])
    (f,) = failures(t)
    assert f.deadline == d("2003-05-06")
    assert f.met is True
    late = timeline(appointments=[fail("2003-04-17")], warnings=[warning(d("2003-05-07"))])
    assert failures(late)[0].met is False


def test_warning_before_the_failure_does_not_count():
    t = timeline(appointments=[fail("2003-02-04")], warnings=[warning(d("2003-02-03"))])
    assert failures(t)[0].met is False


def test_second_failure_in_twelve_months_requires_breach():
    t = timeline(
        appointments=[fail("2003-02-04"), fail("2003-02-11")],
        warnings=[warning(d("2003-02-05")), warning(d("2003-02-12"))],
    )
    first, second = failures(t)
    assert (first.number, first.met) == (1, True)
    assert (second.number, second.required, second.taken, second.met) == (
        2,
        "breach",
        "warning",
        False,
    )


def test_breach_meets_the_second_failure_and_resets_the_count():
    t = timeline(
        appointments=[fail("2003-02-04"), fail("2003-02-11"), fail("2003-03-04")],
        warnings=[warning(d("2003-02-05")), warning(d("2003-03-05"))],
        breaches=[breach(d("2003-02-12"), decided_on=d("2003-02-26"))],
    )
    found = failures(t)
    assert [(f.number, f.required, f.taken, f.met) for f in found] == [
        (1, "warning_or_breach", "warning", True),
        (2, "breach", "breach", True),
        (1, "warning_or_breach", "warning", True),  # counting restarts after the breach
    ]


def test_failure_on_the_day_of_a_breach_is_not_reset_by_it():
    t = timeline(
        appointments=[fail("2003-02-04"), fail("2003-02-12"), fail("2003-02-20")],
        breaches=[breach(d("2003-02-12"))],
    )
    assert [f.number for f in failures(t)] == [1, 2, 1]


@pytest.mark.parametrize(
    ("second", "number"),
    [("2004-02-03", 2), ("2004-02-04", 1), ("2004-02-05", 1)],
)
def test_failures_are_counted_in_the_twelve_months_ending_on_the_day(second, number):
    # The window is the 12 months ending on the failure's day: from 2003-02-04 for 2004-02-03.
    t = timeline(d("2003-02-03"), length_months=24, appointments=[fail("2003-02-04"), fail(second)])
    assert failures(t)[-1].number == number


def test_failure_numbers_grow_within_the_window():
    t = timeline(appointments=[fail(f"2003-0{m}-04") for m in range(2, 7)])
    assert [f.number for f in failures(t)] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("as_of", "met"),
    [("2003-02-10", None), ("2003-02-18", False), ("2003-02-17", None)],
)
def test_action_is_not_yet_known_before_its_deadline(as_of, met):
    t = timeline(appointments=[fail("2003-02-04")])
    assert failures(t, as_of)[0].met is met


def test_breach_on_the_failure_day_counts_and_is_preferred_to_a_warning():
    t = timeline(
        appointments=[fail("2003-02-04")],
        warnings=[warning(d("2003-02-04"))],
        breaches=[breach(d("2003-02-04"))],
    )
    assert failures(t)[0].taken == "breach"


def test_failures_after_termination_are_not_counted():
    t = timeline(
        appointments=[fail("2003-03-04")],
        termination=termination(d("2003-03-03"), "revoked_non_compliance"),
    )
    assert failures(t) == ()


def test_failure_evidence_names_the_events_and_the_action():
    t = timeline(appointments=[fail("2003-02-04")], warnings=[warning(d("2003-02-05"))])
    assert failures(t)[0].evidence == ("appointment@2003-02-04", "warning@2003-02-05")

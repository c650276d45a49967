"""Properties that hold for any timeline (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dtto.standards import add_months, evaluate
from dtto.standards.tests.factories import appt, breach, drug_test, shifted, timeline, warning

MADE_ON = date(2003, 6, 2)  # no bank holiday from here to 25 August
AS_OF = MADE_ON + timedelta(weeks=8)

offsets = st.integers(min_value=0, max_value=41)
appointments = st.builds(
    lambda day, hours, outcome: appt(MADE_ON + timedelta(days=day), hours, outcome=outcome),
    offsets,
    st.sampled_from([0.5, 1.0, 2.0, 3.0, 4.5]),
    st.sampled_from(
        ["attended", "unacceptable_absence", "failed_to_comply", "cancelled_by_service"]
    ),
)
tests = st.builds(
    lambda day, outcome: drug_test(MADE_ON + timedelta(days=day), outcome),
    offsets,
    st.sampled_from(["sample", "admission", "refused"]),
)
timelines = st.builds(
    lambda a, t, w, b: timeline(MADE_ON, 6, appointments=a, tests=t, warnings=w, breaches=b),
    st.lists(appointments, max_size=25),
    st.lists(tests, max_size=15),
    st.lists(st.builds(lambda day: warning(MADE_ON + timedelta(days=day)), offsets), max_size=3),
    st.lists(st.builds(lambda day: breach(MADE_ON + timedelta(days=day)), offsets), max_size=2),
)

RANK = {False: 0, None: 1, True: 2}


@settings(max_examples=150, deadline=None)
@given(timelines, st.integers(min_value=-7, max_value=70), st.sampled_from(["sample", "admission"]))
def test_adding_a_test_never_makes_testing_compliance_worse(t, day, outcome):
    before = evaluate(t, AS_OF)
    after = evaluate(
        replace(t, tests=(*t.tests, drug_test(MADE_ON + timedelta(days=day), outcome))), AS_OF
    )
    for b, a in zip(before.weeks, after.weeks, strict=True):
        assert a.tests >= b.tests
        assert RANK[a.tests_met] >= RANK[b.tests_met]
    assert RANK[after.testing_met.phase1] >= RANK[before.testing_met.phase1]


def _shape(e):
    return (
        [
            (
                w.week,
                w.phase,
                w.excluded,
                w.tests,
                w.tests_met,
                w.hours,
                w.contact_days,
                w.contact_met,
            )
            for w in e.weeks
        ],
        e.testing_met,
        e.contact_met,
        e.first_probation_appointment.met,
        e.first_treatment_appointment.met,
        [(f.number, f.required, f.taken, f.met) for f in e.failures],
    )


@settings(max_examples=100, deadline=None)
@given(timelines, st.integers(min_value=1, max_value=3))
def test_shifting_a_timeline_by_whole_weeks_away_from_holidays_changes_nothing(t, weeks):
    moved = shifted(t, 7 * weeks)
    assert _shape(evaluate(moved, AS_OF + timedelta(weeks=weeks))) == _shape(evaluate(t, AS_OF))


@settings(max_examples=150, deadline=None)
@given(timelines)
def test_failure_numbers_never_exceed_the_failures_in_the_window(t):
    found = evaluate(t, AS_OF).failures
    days = [f.on for f in found]
    for f in found:
        in_window = [x for x in days if add_months(f.on, -12) < x <= f.on]
        assert 1 <= f.number <= len(in_window)
        assert f.number == len(f.counted)

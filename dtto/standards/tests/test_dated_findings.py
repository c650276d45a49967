"""Dated findings: the findings final by a day are exactly what ``evaluate`` says on that day."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dtto.standards import evaluate
from dtto.standards.engine import Evaluation
from dtto.standards.findings import (
    CONTACT_WEEK,
    FAILURE,
    FIRST_PROBATION,
    FIRST_TREATMENT,
    REVIEW,
    TERMINATION,
    TESTS_WEEK,
    DatedFinding,
    dated_findings,
)
from dtto.standards.tests.factories import (
    appt,
    breach,
    d,
    drug_test,
    level,
    review,
    suspension,
    termination,
    timeline,
    warning,
)
from dtto.standards.tests.test_properties import MADE_ON, appointments, offsets, tests

# Three- and four-month Orders (four reach phase 2, from week 14), so that every day of an
# Order and after it can be checked in each example.
SPAN = 140  # days from MADE_ON checked: past the natural end (at most 122 days) and its windows
days_on = st.integers(min_value=0, max_value=120)
probation = st.builds(
    lambda day, outcome: appt(MADE_ON + timedelta(days=day), 2.0, "probation", outcome),
    st.integers(min_value=0, max_value=6),
    st.sampled_from(["attended", "cancelled_by_service", "unacceptable_absence"]),
)
timelines = st.builds(
    lambda length, intensity, a, p, t, w, b, r, s, lv, end: timeline(
        MADE_ON,
        length,
        intensity,
        appointments=[*a, *p],
        tests=t,
        warnings=w,
        breaches=b,
        reviews=r,
        suspensions=s,
        contact_levels=lv,
        termination=end,
    ),
    st.sampled_from([3, 4]),
    st.sampled_from(["higher", "lower"]),
    st.lists(appointments, max_size=25),
    st.lists(probation, max_size=2),
    st.lists(tests, max_size=15),
    st.lists(st.builds(lambda day: warning(MADE_ON + timedelta(days=day)), offsets), max_size=3),
    st.lists(
        st.builds(
            lambda day, decided: breach(
                MADE_ON + timedelta(days=day),
                decided_on=None if decided is None else MADE_ON + timedelta(days=day + decided),
            ),
            offsets,
            st.none() | st.integers(min_value=0, max_value=30),
        ),
        max_size=2,
    ),
    st.lists(st.builds(lambda day: review(MADE_ON + timedelta(days=day)), days_on), max_size=4),
    st.lists(
        st.builds(
            lambda day, length: suspension(
                MADE_ON + timedelta(days=day), MADE_ON + timedelta(days=day + length)
            ),
            days_on,
            st.integers(min_value=0, max_value=10),
        ),
        max_size=1,
    ),
    st.lists(
        st.builds(
            lambda day, value: level(MADE_ON + timedelta(days=day), value),
            days_on,
            st.sampled_from(["full", "reduced"]),
        ),
        max_size=1,
    ),
    st.none()
    | st.builds(
        lambda day, reason: termination(MADE_ON + timedelta(days=day), reason),
        days_on,
        st.sampled_from(["completed", "revoked_non_compliance"]),
    ),
)

Key = tuple[str, int, date]


def _judged(ev: Evaluation) -> tuple[dict[Key, bool], set[Key]]:
    """The non-null findings of an evaluation by (kind, phase, day it is about), and the
    keys of its null ones."""
    judged: dict[Key, bool] = {}
    open_: set[Key] = set()

    def put(key: Key, met: bool | None) -> None:
        if met is None:
            open_.add(key)
        else:
            judged[key] = met

    put(
        (FIRST_PROBATION, 0, ev.first_probation_appointment.due_by),
        ev.first_probation_appointment.met,
    )
    put(
        (FIRST_TREATMENT, 0, ev.first_treatment_appointment.due_by),
        ev.first_treatment_appointment.met,
    )
    for w in ev.weeks:
        put((CONTACT_WEEK, w.phase, w.ends_on), w.contact_met)
        put((TESTS_WEEK, w.phase, w.ends_on), w.tests_met)
    for r in ev.reviews:
        put((REVIEW, 0, r.due), r.met)
    for f in ev.failures:
        put((FAILURE, 0, f.on), f.met)
    if ev.termination is not None:
        judged[(TERMINATION, 0, ev.termination.on)] = ev.termination.successful
    return judged, open_


def _final_by(findings: tuple[DatedFinding, ...], day: date) -> dict[Key, bool]:
    return {(f.kind, f.phase, f.on): f.met for f in findings if f.final_on <= day}


@settings(max_examples=400, deadline=None)
@given(timelines)
def test_findings_final_by_a_day_are_exactly_what_the_engine_judges_that_day(t):
    findings = dated_findings(t)
    for offset in range(-3, SPAN):
        day = MADE_ON + timedelta(days=offset)
        judged, open_ = _judged(evaluate(t, day))
        assert _final_by(findings, day) == judged, day
        # ...and what is final only later is, where the engine lists it, still null.
        later = {(f.kind, f.phase, f.on) for f in findings if f.final_on > day}
        listed = later & (set(judged) | open_)
        assert listed <= open_, day


def test_each_dated_finding_is_final_on_the_day_the_rules_say():
    # Made Monday 2 June 2003 (no bank holiday near). Probation seen on the 3rd (1 working day:
    # met that day); no treatment appointment (due 2 working days on, the 4th: missed then).
    # One review, due 2 July, held 10 July (met on the 10th); the next, due 2 August, never
    # held: missed when its window closes, 16 August. A refused test on 9 June, warned on
    # 12 June (met then); an absence on 23 June never acted on: missed 10 working days on,
    # 7 July. Terminated as completed on 20 August (not in breach: successful that day).
    t = timeline(
        d("2003-06-02"),
        3,
        appointments=[
            appt(d("2003-06-03"), 2.0, "probation"),
            appt(d("2003-06-23"), 2.0, "probation", "unacceptable_absence"),
        ],
        tests=[drug_test(d("2003-06-09"), "refused")],
        warnings=[warning(d("2003-06-12"))],
        reviews=[review(d("2003-07-10"))],
        termination=termination(d("2003-08-20")),
    )
    found = {(f.kind, f.number): (f.met, f.final_on) for f in dated_findings(t)}
    assert found[(FIRST_PROBATION, 0)] == (True, d("2003-06-03"))
    assert found[(FIRST_TREATMENT, 0)] == (False, d("2003-06-04"))
    assert found[(REVIEW, 1)] == (True, d("2003-07-10"))
    assert found[(REVIEW, 2)] == (False, d("2003-08-16"))
    assert found[(FAILURE, 1)] == (True, d("2003-06-12"))
    assert found[(FAILURE, 2)] == (False, d("2003-07-07"))
    assert found[(TERMINATION, 0)] == (True, d("2003-08-20"))
    # Week 1 is 2-8 June, final on its last day; 11 whole weeks end by 20 August (week 12
    # would end on 24 August, after the termination, so it is never judged).
    assert found[(CONTACT_WEEK, 1)] == (False, d("2003-06-08"))
    assert found[(TESTS_WEEK, 11)] == (False, d("2003-08-17"))
    assert (CONTACT_WEEK, 12) not in found


def test_a_review_held_before_a_termination_for_a_due_date_after_it_stays_met():
    # Due 2 July (made 2 June); held 25 June, in its window; terminated 30 June, before the
    # due date. On 29 June the review was met; the termination does not undo a held review.
    t = timeline(
        d("2003-06-02"),
        3,
        reviews=[review(d("2003-06-25"))],
        termination=termination(d("2003-06-30"), "revoked_non_compliance"),
    )
    assert [r.met for r in evaluate(t, d("2003-06-29")).reviews][:1] == [True]
    assert [(r.due, r.met) for r in evaluate(t, d("2003-07-31")).reviews] == [
        (d("2003-07-02"), True)
    ]
    found = [f for f in dated_findings(t) if f.kind == REVIEW]
    assert [(f.met, f.final_on) for f in found] == [(True, d("2003-06-25"))]

"""Every National Standard finding of an Order as a dated fact: what it is and the day it is final.

``evaluate(timeline, D)`` judges an Order as it stood on one day D. A report as of D needs the
findings that were final on D and nothing later, for many days and many Orders; evaluating each
Order once per day asked would be slow and would need re-running as days pass. A finding, once
final, never changes (a week once ended, a review once held or its window closed, an action
once taken or its deadline passed), so each Order is evaluated once, at a horizon past
everything its record can still change, and each finding is read off with its final day.

The defining property (``tests/test_dated_findings.py``): for every timeline and every day D,
the findings with ``final_on <= D`` are exactly the non-null findings of ``evaluate(timeline,
D)``, value for value, and every finding of ``evaluate(timeline, D)`` whose final day is later
than D is null. docs/national-standard.md, "Findings become final", says when each is final.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dtto.lib.dates import add_months

from .engine import Evaluation, evaluate
from .rules import RuleSet
from .timeline import CaseTimeline

# The kinds of finding, as stored and reported.
FIRST_PROBATION = "first_probation"
FIRST_TREATMENT = "first_treatment"
CONTACT_WEEK = "contact_week"
TESTS_WEEK = "tests_week"
REVIEW = "review"
FAILURE = "failure"
TERMINATION = "termination"
FINDING_KINDS = (
    FIRST_PROBATION,
    FIRST_TREATMENT,
    CONTACT_WEEK,
    TESTS_WEEK,
    REVIEW,
    FAILURE,
    TERMINATION,
)


@dataclass(frozen=True, slots=True)
class DatedFinding:
    """One finding and the day it became final.

    ``number`` tells findings of one kind apart: the week of the Order for weeks, the due
    date's place in the Order's list of due dates (1, 2, ...) for reviews, the failure's
    place among the Order's failure days for failures; 0 for the rest. ``phase`` is the
    week's phase (1 or 2), 0 for kinds without one. ``met`` is true when the requirement was
    met; for the termination, when it was a successful completion.
    """

    kind: str
    phase: int
    number: int
    met: bool
    final_on: date
    on: date  # the day the finding is about: the week's last day, the due date, the failure


def horizon(timeline: CaseTimeline) -> date:
    """A day by which every finding the record can ever give is final.

    A missed deadline is judged only up to the end of evaluation, which is never later than
    the Order's natural end, and a met finding is final on the day of the event that met it;
    so the later of the natural end and the latest recorded event is enough.
    """
    order = timeline.order
    days = [add_months(order.made_on, order.length_months)]
    days += [a.on for a in timeline.appointments]
    days += [t.on for t in timeline.tests]
    days += [w.on for w in timeline.warnings]
    days += [b.on for b in timeline.breaches]
    days += [d for b in timeline.breaches if (d := b.decided_on) is not None]
    days += [r.on for r in timeline.reviews]
    days += [c.on for c in timeline.contact_levels]
    days += [s.ends_on for s in timeline.suspensions]
    if timeline.termination is not None:
        days.append(timeline.termination.on)
    return max(days)


def dated_findings(
    timeline: CaseTimeline, rule_set: RuleSet | None = None
) -> tuple[DatedFinding, ...]:
    """Every finding the record gives, each with its final day (findings that can never be
    judged, such as a deadline falling after the termination, are left out)."""
    return findings_of(evaluate(timeline, horizon(timeline), rule_set))


def findings_of(ev: Evaluation) -> tuple[DatedFinding, ...]:
    """The dated findings of an evaluation at the horizon (see :func:`horizon`)."""
    out: list[DatedFinding] = []
    for kind, first in (
        (FIRST_PROBATION, ev.first_probation_appointment),
        (FIRST_TREATMENT, ev.first_treatment_appointment),
    ):
        if first.met is True:
            assert first.on is not None
            out.append(DatedFinding(kind, 0, 0, True, first.on, first.due_by))
        elif first.met is False:
            # Missed: known on the due day (an appointment after it is late, not on time).
            out.append(DatedFinding(kind, 0, 0, False, first.due_by, first.due_by))
    for w in ev.weeks:
        if w.excluded:
            continue  # a suspended week is never judged
        assert w.contact_met is not None and w.tests_met is not None
        out.append(DatedFinding(CONTACT_WEEK, w.phase, w.week, w.contact_met, w.ends_on, w.ends_on))
        out.append(DatedFinding(TESTS_WEEK, w.phase, w.week, w.tests_met, w.ends_on, w.ends_on))
    for number, r in enumerate(ev.reviews, start=1):
        if r.met is True:
            assert r.held_on is not None
            out.append(DatedFinding(REVIEW, 0, number, True, r.held_on, r.due))
        elif r.met is False:
            out.append(DatedFinding(REVIEW, 0, number, False, r.window_to, r.due))
    for number, f in enumerate(ev.failures, start=1):
        if f.met is True:
            assert f.taken_on is not None
            out.append(DatedFinding(FAILURE, 0, number, True, f.taken_on, f.on))
        elif f.met is False:
            out.append(DatedFinding(FAILURE, 0, number, False, f.deadline, f.on))
    t = ev.termination
    if t is not None:
        out.append(DatedFinding(TERMINATION, 0, 0, t.successful, t.on, t.on))
    return tuple(out)

"""Evaluate one case timeline against the National Standard: pure functions, no I/O.

``evaluate(timeline, as_of)`` says what the Standard required of the Order, what was met, what
is not yet known (``None``) and what was missed (``False``), each finding with its evidence:
the refs of the source records it rests on. The rules are written out in
``docs/national-standard.md``; the numbers come from :mod:`dtto.standards.rules`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dtto.lib.dates import add_months

from .calendar import add_working_days
from .rules import RuleSet, is_successful_termination, rule_set_for
from .timeline import CaseTimeline, Termination

EVALUATION_FORMAT = "dtto-evaluation/1"
_DAY = timedelta(days=1)
_EPSILON = 1e-9  # hours are sums of floats: 0.1 + 0.2 must still meet 0.3


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _ref(ref: str | None, kind: str, on: date) -> str:
    return ref if ref is not None else f"{kind}@{on.isoformat()}"


# --- findings ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FirstAppointmentFinding:
    """The first appointment with probation or treatment not cancelled by the service."""

    with_: str
    due_by: date
    on: date | None
    met: bool | None
    evidence: tuple[str, ...] = ()

    def to_json(self, evidence: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"due_by": _iso(self.due_by), "on": _iso(self.on), "met": self.met}
        if evidence:
            out["evidence"] = list(self.evidence)
        return out


@dataclass(frozen=True, slots=True)
class WeekSummary:
    """One complete week of the Order: judged, or excluded by a suspension (then met is None)."""

    week: int
    starts_on: date
    ends_on: date
    phase: int
    excluded: bool
    contact_level: str  # the minimum applied: "full" (phase 1 level) or "reduced"
    tests: int
    tests_required: int
    tests_met: bool | None
    hours: float
    hours_required: float
    contact_days: int
    contact_days_required: int
    contact_met: bool | None
    excluded_by: tuple[str, ...] = ()  # refs of the suspensions that touch the week
    evidence: tuple[str, ...] = ()  # refs of the appointments and tests in the week

    def to_json(self, evidence: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "week": self.week,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "phase": self.phase,
            "excluded": self.excluded,
            "contact_level": self.contact_level,
            "tests": self.tests,
            "tests_required": self.tests_required,
            "tests_met": self.tests_met,
            "hours": self.hours,
            "hours_required": self.hours_required,
            "contact_days": self.contact_days,
            "contact_days_required": self.contact_days_required,
            "contact_met": self.contact_met,
        }
        if self.excluded:
            out["excluded_by"] = list(self.excluded_by)
        if evidence:
            out["evidence"] = list(self.evidence)
        return out


@dataclass(frozen=True, slots=True)
class PhaseCompliance:
    """True when every judged week of the phase met, False when any did not, None if none."""

    phase1: bool | None
    phase2: bool | None

    def to_json(self) -> dict[str, bool | None]:
        return {"phase1": self.phase1, "phase2": self.phase2}


@dataclass(frozen=True, slots=True)
class ReviewFinding:
    due: date
    window_from: date
    window_to: date
    held_on: date | None
    met: bool | None
    evidence: tuple[str, ...] = ()

    def to_json(self, evidence: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "due": self.due.isoformat(),
            "held_on": _iso(self.held_on),
            "met": self.met,
        }
        if evidence:
            out["evidence"] = list(self.evidence)
        return out


@dataclass(frozen=True, slots=True)
class FailureFinding:
    """One unacceptable failure (a day), its number in the 12-month window and the action."""

    on: date
    number: int
    required: str  # "warning_or_breach" | "breach"
    taken: str | None  # "warning" | "breach" | None
    taken_on: date | None
    deadline: date
    met: bool | None
    counted: tuple[date, ...] = ()  # the failure days that make up ``number``
    evidence: tuple[str, ...] = ()  # refs of the failing events and of the action

    def to_json(self, evidence: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "on": self.on.isoformat(),
            "number": self.number,
            "required": self.required,
            "taken": self.taken,
            "taken_on": _iso(self.taken_on),
            "deadline": self.deadline.isoformat(),
            "met": self.met,
        }
        if evidence:
            out["counted"] = [d.isoformat() for d in self.counted]
            out["evidence"] = list(self.evidence)
        return out


@dataclass(frozen=True, slots=True)
class TerminationFinding:
    on: date
    reason: str
    successful: bool
    in_breach: bool
    evidence: tuple[str, ...] = ()

    def to_json(self, evidence: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "on": self.on.isoformat(),
            "reason": self.reason,
            "successful": self.successful,
            "in_breach": self.in_breach,
        }
        if evidence:
            out["evidence"] = list(self.evidence)
        return out


@dataclass(frozen=True, slots=True)
class Evaluation:
    reference: str
    rule_set: str
    as_of: date
    intensity: str
    made_on: date
    ends_on: date  # the last day of the Order's natural term
    evaluated_to: date  # the end of evaluation: min(as_of, termination, ends_on)
    first_probation_appointment: FirstAppointmentFinding
    first_treatment_appointment: FirstAppointmentFinding
    weeks: tuple[WeekSummary, ...]
    testing_met: PhaseCompliance
    contact_met: PhaseCompliance
    reviews: tuple[ReviewFinding, ...]
    failures: tuple[FailureFinding, ...]
    termination: TerminationFinding | None

    def to_json(self, evidence: bool = False) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "rule_set": self.rule_set,
            "intensity": self.intensity,
            "made_on": self.made_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "evaluated_to": self.evaluated_to.isoformat(),
            "first_probation_appointment": self.first_probation_appointment.to_json(evidence),
            "first_treatment_appointment": self.first_treatment_appointment.to_json(evidence),
            "weeks": [w.to_json(evidence) for w in self.weeks],
            "testing_met": self.testing_met.to_json(),
            "contact_met": self.contact_met.to_json(),
            "reviews": [r.to_json(evidence) for r in self.reviews],
            "failures": [f.to_json(evidence) for f in self.failures],
            "termination": None if self.termination is None else self.termination.to_json(evidence),
        }


def evaluation_document(
    evaluations: Iterable[Evaluation], as_of: date, evidence: bool = False
) -> dict[str, Any]:
    return {
        "format": EVALUATION_FORMAT,
        "as_of": as_of.isoformat(),
        "cases": [e.to_json(evidence) for e in evaluations],
    }


# --- the rules ----------------------------------------------------------------------------


def evaluate(timeline: CaseTimeline, as_of: date, rule_set: RuleSet | None = None) -> Evaluation:
    """Judge ``timeline`` as it stood on ``as_of``: events dated after ``as_of`` are ignored."""
    order = timeline.order
    rules = rule_set or rule_set_for(order.intensity, order.made_on)
    made_on = order.made_on
    ends_on = add_months(made_on, order.length_months) - _DAY
    termination = timeline.termination
    if termination is not None and termination.on > as_of:
        termination = None
    end = min(as_of, ends_on)
    if termination is not None:
        end = min(end, termination.on)

    weeks = _weeks(timeline, rules, as_of, end)
    return Evaluation(
        reference=timeline.reference,
        rule_set=rules.id,
        as_of=as_of,
        intensity=order.intensity,
        made_on=made_on,
        ends_on=ends_on,
        evaluated_to=end,
        first_probation_appointment=_first_appointment(
            timeline, "probation", rules.first_probation_working_days, as_of, end
        ),
        first_treatment_appointment=_first_appointment(
            timeline, "treatment", rules.first_treatment_working_days, as_of, end
        ),
        weeks=weeks,
        testing_met=_phases(weeks, "tests_met"),
        contact_met=_phases(weeks, "contact_met"),
        reviews=_reviews(timeline, rules, as_of, end, ends_on, termination),
        failures=_failures(timeline, rules, as_of, end),
        termination=_termination(timeline, termination),
    )


def _first_appointment(
    timeline: CaseTimeline, with_: str, working_days: int, as_of: date, end: date
) -> FirstAppointmentFinding:
    made_on = timeline.order.made_on
    due_by = add_working_days(made_on, working_days)
    first = None
    for a in timeline.appointments:
        if (
            a.with_ == with_
            and a.outcome != "cancelled_by_service"
            and made_on <= a.on <= as_of
            and (first is None or a.on < first.on)
        ):
            first = a
    if first is None:
        met = None if due_by > end else False
        return FirstAppointmentFinding(with_, due_by, None, met)
    met = first.on <= due_by or (None if due_by > end else False)
    return FirstAppointmentFinding(
        with_, due_by, first.on, met, (_ref(first.ref, "appointment", first.on),)
    )


def _weeks(
    timeline: CaseTimeline, rules: RuleSet, as_of: date, end: date
) -> tuple[WeekSummary, ...]:
    made_on = timeline.order.made_on
    base = made_on.toordinal()
    count = (end.toordinal() - base + 1) // 7
    if count <= 0:
        return ()
    hours = [0.0] * (count + 1)
    days: list[set[int]] = [set() for _ in range(count + 1)]
    tests = [0] * (count + 1)
    evidence: list[list[str]] = [[] for _ in range(count + 1)]
    for a in timeline.appointments:
        offset = a.on.toordinal() - base
        k = offset // 7 + 1
        if offset < 0 or k > count or a.outcome == "cancelled_by_service":
            continue
        hours[k] += a.hours
        days[k].add(offset)
        evidence[k].append(_ref(a.ref, "appointment", a.on))
    for t in timeline.tests:
        offset = t.on.toordinal() - base
        k = offset // 7 + 1
        if offset < 0 or k > count or not t.counts:
            continue
        tests[k] += 1
        evidence[k].append(_ref(t.ref, "test", t.on))

    excluded_by: dict[int, list[str]] = {}
    for s in timeline.suspensions:
        if s.starts_on > as_of:
            continue
        first = max(1, (s.starts_on.toordinal() - base) // 7 + 1)
        last = min(count, (s.ends_on.toordinal() - base) // 7 + 1)
        for k in range(first, last + 1):
            excluded_by.setdefault(k, []).append(_ref(s.ref, "suspension", s.starts_on))

    levels = sorted((c.on.toordinal(), c.level) for c in timeline.contact_levels if c.on <= as_of)
    level_days = [d for d, _ in levels]

    # What each contact level asks, worked out once rather than for each of the 52 weeks.
    asks = {
        level: (minimum, float(minimum.hours), minimum.days)
        for level, minimum in (("full", rules.contact_phase1), ("reduced", rules.contact_phase2))
    }
    phase1_weeks = rules.phase1_weeks
    from_ordinal = date.fromordinal
    result = []
    for k in range(1, count + 1):
        start_ord = base + 7 * (k - 1)
        phase = 1 if k <= phase1_weeks else 2
        if phase == 1:
            level = "full"
        else:
            i = bisect_right(level_days, start_ord) - 1
            level = "full" if i >= 0 and levels[i][1] == "full" else "reduced"
        minimum, hours_required, days_required = asks[level]
        tests_required = rules.tests_phase1 if phase == 1 else rules.tests_phase2
        week_hours = round(hours[k], 4)
        contact_days = len(days[k])
        excluded = k in excluded_by
        # Positional, in the order of WeekSummary's fields: week, starts_on, ends_on, phase,
        # excluded, contact_level, tests, tests_required, tests_met, hours, hours_required,
        # contact_days, contact_days_required, contact_met, excluded_by, evidence.
        result.append(
            WeekSummary(
                k,
                from_ordinal(start_ord),
                from_ordinal(start_ord + 6),
                phase,
                excluded,
                level,
                tests[k],
                tests_required,
                None if excluded else tests[k] >= tests_required,
                week_hours,
                hours_required,
                contact_days,
                days_required,
                None
                if excluded
                else (week_hours + _EPSILON >= minimum.hours and contact_days >= days_required),
                tuple(excluded_by[k]) if excluded else (),
                tuple(evidence[k]),
            )
        )
    return tuple(result)


def _phases(weeks: tuple[WeekSummary, ...], attribute: str) -> PhaseCompliance:
    verdicts: dict[int, bool | None] = {1: None, 2: None}
    for w in weeks:
        if w.excluded:
            continue
        met = getattr(w, attribute)
        verdicts[w.phase] = bool(met) and verdicts[w.phase] is not False
    return PhaseCompliance(verdicts[1], verdicts[2])


def _reviews(
    timeline: CaseTimeline,
    rules: RuleSet,
    as_of: date,
    end: date,
    ends_on: date,
    termination: Termination | None,
) -> tuple[ReviewFinding, ...]:
    made_on = timeline.order.made_on
    limit = ends_on + _DAY  # due dates must fall before the Order's end...
    if termination is not None:
        limit = min(limit, termination.on)  # ...or before its termination
    held = sorted((r for r in timeline.reviews if r.on <= as_of), key=lambda r: r.on)
    tolerance = timedelta(days=rules.review_tolerance_days)
    findings = []
    i = 0
    for due in rules.review_dues(made_on, timeline.order.length_months):
        window_from, window_to = due - tolerance, due + tolerance
        while i < len(held) and held[i].on < window_from:
            i += 1  # too early for this due date, so too early for every later one
        if due >= limit:
            # A due date on or after the termination is not due, unless a review was held
            # for it before the termination: the day before, the Order was running and the
            # review met, and a finding once made stays made (docs/national-standard.md).
            after_termination = termination is not None and due < ends_on + _DAY
            if after_termination and i < len(held) and held[i].on < limit:
                review = held[i]  # before the termination, so before due + tolerance
                findings.append(
                    ReviewFinding(
                        due,
                        window_from,
                        window_to,
                        review.on,
                        True,
                        (_ref(review.ref, "review", review.on),),
                    )
                )
            break
        if i < len(held) and held[i].on <= window_to:
            review = held[i]
            i += 1
            findings.append(
                ReviewFinding(
                    due,
                    window_from,
                    window_to,
                    review.on,
                    True,
                    (_ref(review.ref, "review", review.on),),
                )
            )
        else:
            met = None if window_to > end else False
            findings.append(ReviewFinding(due, window_from, window_to, None, met))
    return tuple(findings)


def _failures(
    timeline: CaseTimeline, rules: RuleSet, as_of: date, end: date
) -> tuple[FailureFinding, ...]:
    made_on = timeline.order.made_on
    by_day: dict[date, list[str]] = {}
    for a in timeline.appointments:
        if a.unacceptable and made_on <= a.on <= end:
            by_day.setdefault(a.on, []).append(_ref(a.ref, "appointment", a.on))
    for t in timeline.tests:
        if t.unacceptable and made_on <= t.on <= end:
            by_day.setdefault(t.on, []).append(_ref(t.ref, "test", t.on))
    if not by_day:
        return ()
    days = sorted(by_day)
    breaches = sorted((b for b in timeline.breaches if b.on <= as_of), key=lambda b: b.on)
    breach_days = [b.on for b in breaches]
    warnings = sorted((w for w in timeline.warnings if w.on <= as_of), key=lambda w: w.on)
    warning_days = [w.on for w in warnings]

    findings = []
    for day in days:
        # Failures in the window ending on this day, after the latest breach before it.
        floor = add_months(day, -rules.failure_window_months)
        latest_breach = bisect_left(breach_days, day) - 1
        if rules.failure_count_restarts_after_breach and latest_breach >= 0:
            floor = max(floor, breach_days[latest_breach])
        counted = days[bisect_right(days, floor) : bisect_right(days, day)]
        number = len(counted)
        required = "breach" if number >= rules.breach_required_from else "warning_or_breach"
        deadline = add_working_days(day, rules.action_working_days)

        taken: str | None = None
        taken_on: date | None = None
        action_ref: str | None = None
        b = bisect_left(breach_days, day)
        if b < len(breaches) and breach_days[b] <= deadline:
            taken, taken_on = "breach", breach_days[b]
            action_ref = _ref(breaches[b].ref, "breach", taken_on)
        w = bisect_left(warning_days, day)
        warning_in_time = w < len(warnings) and warning_days[w] <= deadline
        # A warning earlier than any breach is reported, though it meets only failure 1.
        earlier = warning_in_time and (taken_on is None or warning_days[w] < taken_on)
        if earlier and (required == "warning_or_breach" or taken is None):
            taken, taken_on = "warning", warning_days[w]
            action_ref = _ref(warnings[w].ref, "warning", taken_on)
        satisfied = taken == "breach" or (taken == "warning" and required == "warning_or_breach")
        met: bool | None = True if satisfied else (None if deadline > end else False)
        evidence = tuple(by_day[day]) + (() if action_ref is None else (action_ref,))
        findings.append(
            FailureFinding(
                day, number, required, taken, taken_on, deadline, met, tuple(counted), evidence
            )
        )
    return tuple(findings)


def _termination(timeline: CaseTimeline, t: Termination | None) -> TerminationFinding | None:
    if t is None:
        return None
    open_breaches = [
        b
        for b in timeline.breaches
        if b.on <= t.on and (b.decided_on is None or b.decided_on > t.on)
    ]
    in_breach = bool(open_breaches)
    successful = is_successful_termination(t.reason, in_breach)
    evidence = (
        _ref(t.ref, "termination", t.on),
        *(_ref(b.ref, "breach", b.on) for b in open_breaches),
    )
    return TerminationFinding(t.on, t.reason, successful, in_breach, evidence)

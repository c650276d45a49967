"""Small builders for timelines in tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from dtto.standards import (
    Appointment,
    Breach,
    CaseTimeline,
    ContactLevel,
    DrugTest,
    FormalWarning,
    OrderTerms,
    Review,
    Suspension,
    Termination,
)

MONDAY = date(2003, 2, 3)  # no bank holiday within two weeks either side


def d(text: str) -> date:
    return date.fromisoformat(text)


def timeline(
    made_on: date = MONDAY, length_months: int = 12, intensity: str = "higher", **events: Any
) -> CaseTimeline:
    fields: dict[str, Any] = {k: tuple(v) if k != "termination" else v for k, v in events.items()}
    return CaseTimeline("T-1", OrderTerms(made_on, length_months, intensity), **fields)


def appt(on: date, hours: float = 3.0, with_: str = "treatment", outcome: str = "attended"):
    return Appointment(on, hours, with_, outcome)


def drug_test(on: date, outcome: str = "sample") -> DrugTest:
    return DrugTest(on, outcome, (("opiates", "negative"),) if outcome == "sample" else ())


def warning(on: date) -> FormalWarning:
    return FormalWarning(on)


def breach(on: date, outcome: str = "continued", decided_on: date | None = None) -> Breach:
    return Breach(on, outcome, decided_on)


def review(on: date) -> Review:
    return Review(on, True)


def level(on: date, value: str) -> ContactLevel:
    return ContactLevel(on, value)


def suspension(starts_on: date, ends_on: date) -> Suspension:
    return Suspension(starts_on, ends_on, "home detoxification")


def termination(on: date, reason: str = "completed") -> Termination:
    return Termination(on, reason)


def full_week(start: date, hours: float = 4.0, days: int = 5, tests: int = 2):
    """Appointments on ``days`` consecutive days from ``start`` and ``tests`` tests."""
    appointments = [appt(start + timedelta(days=i), hours) for i in range(days)]
    drug_tests = [drug_test(start + timedelta(days=i)) for i in range(tests)]
    return appointments, drug_tests


def compliant(made_on: date = MONDAY, weeks: int = 52, **kwargs: Any) -> CaseTimeline:
    """A timeline meeting the higher-intensity contact and testing minimums every week."""
    appointments: list[Appointment] = []
    tests: list[DrugTest] = []
    for k in range(weeks):
        a, t = full_week(made_on + timedelta(days=7 * k))
        appointments += a
        tests += t
    return timeline(made_on, appointments=appointments, tests=tests, **kwargs)


def shifted(t: CaseTimeline, days: int) -> CaseTimeline:
    delta = timedelta(days=days)

    def move(items: tuple[Any, ...]) -> tuple[Any, ...]:
        out: list[Any] = []
        for item in items:
            if isinstance(item, Suspension):
                out.append(
                    replace(item, starts_on=item.starts_on + delta, ends_on=item.ends_on + delta)
                )
            elif isinstance(item, Breach) and item.decided_on is not None:
                out.append(replace(item, on=item.on + delta, decided_on=item.decided_on + delta))
            else:
                out.append(replace(item, on=item.on + delta))
        return tuple(out)

    return replace(
        t,
        order=replace(t.order, made_on=t.order.made_on + delta),
        appointments=move(t.appointments),
        tests=move(t.tests),
        warnings=move(t.warnings),
        breaches=move(t.breaches),
        reviews=move(t.reviews),
        contact_levels=move(t.contact_levels),
        suspensions=move(t.suspensions),
        termination=None if t.termination is None else move((t.termination,))[0],
    )

"""A live caseload for the demo: Orders running today, at the stages a case manager meets.

The national data set from the simulator is history (2001-2004); these few cases are dated
relative to today so that work queues, due dates and overdue items show in the demo. They
are built through the services, as a user would build them, and audited as the demo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dtto.accounts.models import User
from dtto.audit.services import Actor
from dtto.cases import services
from dtto.cases.models import Case, Order
from dtto.standards.calendar import add_working_days
from dtto.standards.rules import rule_set_for

AREA = "leicestershire"


@dataclass(frozen=True)
class DemoCase:
    reference: str
    name: str
    born: dt.date
    sex: str
    ethnicity: str
    weeks_ago: int
    story: str


CASELOAD = [
    DemoCase(
        "DEMO-0001",
        "Daniel Hughes",
        dt.date(1979, 3, 14),
        "M",
        "W1",
        0,
        "made yesterday: first appointments due",
    ),
    DemoCase(
        "DEMO-0002",
        "Kerry Walsh",
        dt.date(1984, 7, 2),
        "F",
        "W2",
        3,
        "week 4: contact hours short last week",
    ),
    DemoCase(
        "DEMO-0003",
        "Marcus Grant",
        dt.date(1976, 11, 23),
        "M",
        "B1",
        6,
        "a missed appointment awaiting a warning",
    ),
    DemoCase(
        "DEMO-0004",
        "Aisha Khan",
        dt.date(1988, 1, 30),
        "F",
        "A2",
        10,
        "second failure: breach pending in court",
    ),
    DemoCase(
        "DEMO-0005",
        "Lee Parker",
        dt.date(1981, 5, 9),
        "M",
        "M1",
        17,
        "phase 2, doing well; review due",
    ),
    DemoCase("DEMO-0006", "Stephen Doyle", dt.date(1972, 9, 18), "M", "W1", 50, "ending soon"),
]


def _week(
    order: Order, by: Actor, start: dt.date, *, hours: str, tests: int, miss_on: int | None = None
) -> None:
    """One week of appointments Monday-to-Friday style from ``start``, with tests."""
    for offset in range(5):
        day = start + dt.timedelta(days=offset)
        if day >= order.natural_end_on:
            return
        outcome = "UAAB" if miss_on == offset else "ATTC"
        with_whom = "treatment" if offset % 2 else "probation"
        services.record_appointment(
            order,
            by=by,
            on=day,
            hours=hours,
            with_whom=with_whom,
            kind="keywork" if offset % 2 else "one_to_one",
            outcome=outcome,
        )
        if offset < tests:
            services.record_test(
                order,
                by=by,
                on=day,
                outcome="sample",
                results={
                    "opiates": "positive" if offset == 0 else "negative",
                    "cocaine": "negative",
                },
            )


def create_current_caseload(
    case_manager: User, *, today: dt.date, by: Actor | None = None
) -> list[Case]:
    """Create the demo caseload if it is not there yet; returns its cases."""
    actor = by or Actor.system("dtto demo")
    existing = list(Case.objects.filter(reference__in=[c.reference for c in CASELOAD]))
    if existing:
        return existing
    created = []
    for demo in CASELOAD:
        made_on = today - dt.timedelta(days=1 + 7 * demo.weeks_ago)
        case = services.register_referral(
            by=actor,
            reference=demo.reference,
            area=AREA,
            name=demo.name,
            date_of_birth=demo.born,
            sex=demo.sex,
            ethnicity=demo.ethnicity,
            referred_on=made_on - dt.timedelta(days=21),
            referral_source="court",
            accommodation="settled",
            main_drug="heroin",
            other_drugs=["crack"],
            mental_health_need=False,
            today=today,
        )
        services.record_assessment(
            case,
            by=actor,
            outcome="suitable",
            started_on=made_on - dt.timedelta(days=20),
            completed_on=made_on - dt.timedelta(days=18),
            recommended_intensity="higher",
            today=today,
        )
        order = services.make_order(
            case,
            by=actor,
            made_on=made_on,
            length_months=12,
            intensity="higher",
            court=f"{AREA}-mc",
            team=f"{AREA}-dtto",
            case_manager=case_manager,
            treatment_provider=f"{AREA}-treatment",
            today=today,
        )
        _story(order, demo, actor, made_on, today)
        created.append(case)
    return created


def _story(order: Order, demo: DemoCase, by: Actor, made_on: dt.date, today: dt.date) -> None:
    rules = rule_set_for(order.intensity, made_on)
    if demo.weeks_ago == 0:
        # The first appointments are booked but have not happened yet.
        services.record_appointment(
            order,
            by=by,
            on=add_working_days(made_on, rules.first_probation_working_days),
            hours="1.5",
            with_whom="probation",
            kind="induction",
        )
        services.record_appointment(
            order,
            by=by,
            on=add_working_days(made_on, rules.first_treatment_working_days),
            hours="2",
            with_whom="treatment",
            kind="keywork",
        )
        return
    weeks = demo.weeks_ago
    for week in range(weeks):
        start = made_on + dt.timedelta(days=7 * week)
        short = demo.reference == "DEMO-0002" and week == weeks - 1
        missed_weeks = {"DEMO-0003": (weeks - 1,), "DEMO-0004": (weeks - 1, weeks - 3)}.get(
            demo.reference, ()
        )
        miss = 2 if week in missed_weeks else None
        phase2 = week >= rules.phase1_weeks  # ``week`` counts from 0
        hours = "1.5" if short else ("2" if phase2 else "3.5")
        _week(
            order,
            by,
            start,
            hours=hours,
            tests=rules.tests_phase2 if phase2 else rules.tests_phase1,
            miss_on=miss if start + dt.timedelta(days=2) < today else None,
        )
    if demo.reference == "DEMO-0004":
        first_miss = made_on + dt.timedelta(days=7 * (weeks - 3) + 2)
        services.give_warning(
            order, by=by, on=first_miss + dt.timedelta(days=1), reason="missed appointment"
        )
        services.instigate_breach(
            order,
            by=by,
            on=made_on + dt.timedelta(days=7 * (weeks - 1) + 3),
            reason=f"second unacceptable failure in {rules.failure_window_months} months",
        )
    if weeks >= 4:
        services.record_review(
            order,
            by=by,
            on=made_on + dt.timedelta(days=30),
            hearing=True,
            sat=["District Judge Patel"],
            today=today,
        )
    if weeks >= 17:
        services.change_contact_level(
            order,
            by=by,
            on=made_on + dt.timedelta(days=7 * rules.phase1_weeks),
            level="reduced",
            today=today,
        )

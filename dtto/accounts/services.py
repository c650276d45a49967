"""Changes to users and reference data, each audited."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from dtto.accounts.models import (
    Area,
    AreaBudget,
    AreaSpending,
    AreaTarget,
    Court,
    Role,
    Team,
    TreatmentProvider,
    User,
)
from dtto.accounts.second_factor import (
    demo_code,
    demo_key_text,
    give_demo_device,
    requires_second_factor,
)
from dtto.audit.services import Actor, record_event
from dtto.standards.errors import Checker, checked
from dtto.standards.validation import check_spending

# The demo administrator's code now and its key, from here too (docs/setup.md).
__all__ = ["demo_code", "demo_key_text"]

DEMO_PASSWORD = "demo-password"
DEMO_AREA = "leicestershire"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    description: str


DEMO_LOGINS = [
    DemoLogin(
        "demo-case-manager", Role.CASE_MANAGER, "a case manager in the Leicestershire DTTO team"
    ),
    DemoLogin(
        "demo-treatment-worker",
        Role.TREATMENT_WORKER,
        "a treatment worker with the Leicestershire provider",
    ),
    DemoLogin(
        "demo-court", Role.COURT_USER, "a legal adviser at Leicestershire magistrates' courts"
    ),
    DemoLogin("demo-area-manager", Role.AREA_MANAGER, "the Leicestershire area manager"),
    DemoLogin("demo-analyst", Role.NATIONAL_ANALYST, "a national analyst (aggregates only)"),
    DemoLogin("demo-admin", Role.ADMINISTRATOR, "an administrator of reference data and users"),
    DemoLogin(
        "demo-commissioner",
        Role.COMMISSIONER,
        "a Leicestershire Drug Action Team commissioner (reports and providers only)",
    ),
]


def create_demo_users(*, by: Actor | None = None) -> list[DemoLogin]:
    """One login per role in the demo area, all with the demo password. Idempotent."""
    actor = by or Actor.system("dtto demo")
    area = Area.objects.get(code=DEMO_AREA)
    team = Team.objects.get(code=f"{DEMO_AREA}-dtto")
    court = Court.objects.get(code=f"{DEMO_AREA}-mc")
    provider = TreatmentProvider.objects.get(code=f"{DEMO_AREA}-treatment")
    with transaction.atomic():
        for login in DEMO_LOGINS:
            national = login.role in (Role.NATIONAL_ANALYST, Role.ADMINISTRATOR)
            user, created = User.objects.get_or_create(
                username=login.username,
                defaults={
                    "role": login.role,
                    "area": None if national else area,
                    "team": team if login.role == Role.CASE_MANAGER else None,
                    "court": court if login.role == Role.COURT_USER else None,
                    "treatment_provider": provider if login.role == Role.TREATMENT_WORKER else None,
                    "first_name": "Demo",
                    "last_name": Role(login.role).label,
                    "is_staff": login.role == Role.ADMINISTRATOR,
                    "is_superuser": login.role == Role.ADMINISTRATOR,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                record_event(
                    actor,
                    "accounts.user.created",
                    target_type="user",
                    target_id=user.pk,
                    after={"username": user.username, "role": user.role},
                )
            if requires_second_factor(user):
                # Administrators need a second factor: the demo's has the public demo key.
                give_demo_device(user, by=actor)
    return DEMO_LOGINS


def load_targets_and_budgets(reference: dict[str, Any], *, by: Actor) -> int:
    """Set areas' commencement targets and budgets from plain data, as the simulator gives it.

    ``reference["targets"][area][year] = {"higher": n, "lower": n}`` and
    ``reference["budgets"][area][year] = {"supervision": £, "treatment": £, "testing": £}``,
    with years as ``"2002-03"``; ``reference["custody_day_cost"]`` in pounds; optionally
    ``reference["spending"][area][year] = {heading: £}`` (issue 14). Existing rows
    for the same area and year are replaced. Returns how many rows were written.
    """
    areas = {a.code: a for a in Area.objects.all()}
    unknown = sorted((set(reference["targets"]) | set(reference["budgets"])) - set(areas))
    if unknown:
        raise ValueError(f"targets: unknown probation area(s) {', '.join(unknown)}")
    custody = Decimal(str(reference["custody_day_cost"]))
    written = 0
    with transaction.atomic():
        for code, years in reference["targets"].items():
            for year, by_intensity in years.items():
                for intensity, commencements in by_intensity.items():
                    AreaTarget.objects.update_or_create(
                        area=areas[code],
                        financial_year=_financial_year(year),
                        intensity=intensity,
                        defaults={"commencements": commencements},
                    )
                    written += 1
        for code, years in reference["budgets"].items():
            for year, money in years.items():
                AreaBudget.objects.update_or_create(
                    area=areas[code],
                    financial_year=_financial_year(year),
                    defaults={
                        "supervision": Decimal(str(money["supervision"])),
                        "treatment": Decimal(str(money["treatment"])),
                        "testing": Decimal(str(money["testing"])),
                        "custody_day_cost": custody,
                    },
                )
                written += 1
        for code, years in reference.get("spending", {}).items():
            for year, money in years.items():
                for heading, amount in money.items():
                    # The same check as the spending page's (record_spending): every path in.
                    check = Checker()
                    fy, chosen, pounds = check_spending(
                        check, financial_year=_financial_year(year), heading=heading, amount=amount
                    )
                    check.raise_if_any()
                    AreaSpending.objects.update_or_create(
                        area=areas[code],
                        financial_year=checked(fy),
                        heading=checked(chosen),
                        defaults={"amount": checked(pounds)},
                    )
                    written += 1
        record_event(
            by,
            "accounts.targets_and_budgets.loaded",
            target_type="reference",
            target_id="targets-and-budgets",
            after={"rows": written, "source": reference.get("parameters_version", "")},
        )
    return written


def _financial_year(text: str | int) -> int:
    """2002 from ``"2002-03"`` (April 2002 to March 2003), or from 2002."""
    if isinstance(text, int):
        return text
    start = text.split("-")[0]
    if not start.isdigit():
        raise ValueError(f"financial year: expected a year such as 2002-03, got {text!r}")
    return int(start)


def record_spending(
    area: Area,
    *,
    by: User | Actor,
    financial_year: int | str,
    heading: str,
    amount: Decimal | float | str,
) -> AreaSpending:
    """What an area spent on the Order in a financial year under one heading (3.32-3.33);
    a second figure for the same heading and year replaces the first, audited before and
    after."""
    check = Checker()
    year, chosen, money = check_spending(
        check, financial_year=financial_year, heading=heading, amount=amount
    )
    check.raise_if_any()
    year, chosen = checked(year), checked(chosen)
    with transaction.atomic():
        existing = (
            AreaSpending.objects.select_for_update()
            .filter(area=area, financial_year=year, heading=chosen)
            .first()
        )
        before = {"amount": str(existing.amount)} if existing is not None else None
        spending, _ = AreaSpending.objects.update_or_create(
            area=area,
            financial_year=year,
            heading=chosen,
            defaults={"amount": money},
        )
        record_event(
            by,
            "accounts.spending.recorded",
            target_type="areaspending",
            target_id=spending.pk,
            before=before,
            after={
                "area": area.code,
                "financial_year": year,
                "heading": chosen,
                # Pounds and pence, as the stored figure (and "before") reads.
                "amount": f"{checked(money):.2f}",
            },
        )
    return spending

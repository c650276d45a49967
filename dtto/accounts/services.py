"""Changes to users and reference data, each audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from dtto.accounts.models import Area, Court, Role, Team, TreatmentProvider, User
from dtto.audit.services import Actor, record_event

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
    return DEMO_LOGINS

"""Personas and a running Order for the page tests, built through the services."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.utils import timezone

from dtto.accounts.models import Area, Court, Role, Team, TreatmentProvider, User
from dtto.accounts.tests.signing_in import sign_in_as
from dtto.audit.services import Actor
from dtto.cases import reporting_services, services
from dtto.cases.models import Breach, Case, FormalWarning, Order, ReviewReport
from dtto.cases.timeline import evaluate_order

ACTOR = Actor.system("test")
PASSWORD = "a-long-test-password"
PERSON = "Robin Testperson"
OFFENCE = "Burglary of a shed"

PERSONAS = (
    "case_manager",
    "treatment_worker",
    "court_user",
    "area_manager",
    "national_analyst",
    "administrator",
    "outsider",
    "commissioner",
)


def make_user(
    username: str, role: str, area: str | None = "leicestershire", *, password: str | None = None
) -> User:
    area_obj = Area.objects.get(code=area) if area else None
    user = User.objects.create_user(
        username=username,
        # Hashing a password is slow on purpose; most tests sign in with force_login.
        password=password,
        role=role,
        area=area_obj,
        first_name=username.replace("-", " ").title(),
        team=Team.objects.get(code=f"{area}-dtto") if area and role == Role.CASE_MANAGER else None,
        court=Court.objects.get(code=f"{area}-mc") if area and role == Role.COURT_USER else None,
        treatment_provider=TreatmentProvider.objects.get(code=f"{area}-treatment")
        if area and role == Role.TREATMENT_WORKER
        else None,
    )
    return user


def make_personas() -> dict[str, User]:
    return {
        "case_manager": make_user("cm", Role.CASE_MANAGER),
        "treatment_worker": make_user("tw", Role.TREATMENT_WORKER),
        "court_user": make_user("court", Role.COURT_USER),
        "area_manager": make_user("am", Role.AREA_MANAGER),
        "national_analyst": make_user("analyst", Role.NATIONAL_ANALYST, None),
        "administrator": make_user("admin", Role.ADMINISTRATOR, None),
        "outsider": make_user("kent-cm", Role.CASE_MANAGER, "kent"),
        "commissioner": make_user("dat", Role.COMMISSIONER),
    }


@dataclass
class RunningCase:
    case: Case
    order: Order
    warning: FormalWarning
    breach: Breach
    report: ReviewReport
    today: dt.date


def client_of(users: dict[str, User], persona: str) -> Client:
    """A test client signed in (with the second factor where needed) as one of the personas."""
    client = Client()
    sign_in_as(client, users[persona])
    return client


def make_running_case(case_manager: User, *, reference: str = "WEB-0001") -> RunningCase:
    """An Order made 10 weeks ago with a week of work, a failure, a warning, a breach."""
    today = timezone.localdate()
    made = today - dt.timedelta(weeks=10)
    case = services.register_referral(
        by=ACTOR,
        reference=reference,
        area="leicestershire",
        name=PERSON,
        date_of_birth=dt.date(1980, 1, 2),
        sex="M",
        ethnicity="W1",
        referred_on=made - dt.timedelta(days=20),
        referral_source="court",
        main_drug="heroin",
    )
    services.record_assessment(
        case,
        by=ACTOR,
        outcome="suitable",
        started_on=made - dt.timedelta(days=18),
        completed_on=made - dt.timedelta(days=16),
        recommended_intensity="higher",
    )
    order = services.make_order(
        case,
        by=ACTOR,
        made_on=made,
        length_months=12,
        intensity="higher",
        court="leicestershire-mc",
        team="leicestershire-dtto",
        treatment_provider="leicestershire-treatment",
        case_manager=case_manager,
    )
    services.record_appointment(
        order, by=ACTOR, on=made, hours="3", with_whom="probation", outcome="ATTC"
    )
    services.record_appointment(
        order,
        by=ACTOR,
        on=made + dt.timedelta(days=1),
        hours="2",
        with_whom="treatment",
        outcome="UAAB",
    )
    services.record_test(
        order, by=ACTOR, on=made, outcome="sample", results={"opiates": "positive"}
    )
    warning = services.give_warning(
        order, by=ACTOR, on=made + dt.timedelta(days=3), reason="Missed keywork"
    )
    services.record_appointment(
        order,
        by=ACTOR,
        on=made + dt.timedelta(days=8),
        hours="2",
        with_whom="treatment",
        outcome="UAAB",
    )
    breach = services.instigate_breach(
        order, by=ACTOR, on=made + dt.timedelta(days=9), reason="Second missed keywork"
    )
    services.record_conviction(case, by=ACTOR, on=made - dt.timedelta(days=1), offence=OFFENCE)

    first_review = evaluate_order(order, today).reviews[0].due
    report = reporting_services.draft_review_report(order, by=ACTOR, review_due=first_review)
    return RunningCase(case, order, warning, breach, report, today)


_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def form_token(client: Client, url: str) -> str:
    """The one-time token of the form shown at ``url``, as a browser would send it back."""
    page = client.get(url).content.decode()
    found = _TOKEN.findall(page)
    assert len(found) == 1, f"expected one form token on {url}, found {len(found)}"
    return found[0]


def post_form(client: Client, url: str, fields: dict[str, str], *, shown_at: str = "") -> Any:
    """Show the form (at ``shown_at``, by default ``url``) and post it with its token."""
    token = form_token(client, shown_at or url)
    return client.post(url, {**fields, "form_token": token})


def date_fields(prefix: str, day: dt.date) -> dict[str, str]:
    """A GOV.UK date input's three fields (``PREFIX_day``, ``_month``, ``_year``) for a day."""
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }

"""The Order: the court sentences the person to a DTTO, and a case manager takes it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dtto.accounts.models import Area, Court, Role, Team, TreatmentProvider, User
from dtto.cases.models import Assessment, Case, Order
from dtto.cases.services.common import (
    By,
    announce_changed,
    audit_record,
    locked_order,
    lookup,
    save_change,
    snapshot,
    today_or_now,
)
from dtto.events import case_events
from dtto.standards.errors import Checker, checked
from dtto.standards.validation import (
    StaffMember,
    check_case_manager,
    check_order,
    check_order_assessment,
    check_text,
)


def staff_member(user: User | None) -> StaffMember | None:
    """A user as the pure case-manager check sees them."""
    if user is None:
        return None
    return StaffMember(
        name=user.get_full_name() or user.username,
        active=user.is_active,
        role=user.role,
        area=user.area.code if user.area_id is not None else None,  # type: ignore[union-attr]
    )


def check_order_case_manager(
    check: Checker, field: str, given: object, user: User | None, area: Area
) -> None:
    """The pure case-manager check, given the user found by the name written (if any)."""
    check_case_manager(
        check,
        field,
        staff_member(user),
        given=given,
        case_area=area.code,
        case_manager_role=Role.CASE_MANAGER,
        case_area_name=str(area),
    )


def make_order(
    case: Case,
    *,
    by: By,
    made_on: dt.date | str,
    length_months: int | str,
    intensity: str,
    court: Court | str | None = None,
    team: Team | str | None = None,
    case_manager: User | str | None = None,
    treatment_provider: TreatmentProvider | str | None = None,
    against_assessment_advice: bool = False,
    against_advice_reason: str = "",
    today: dt.date | None = None,
) -> Order:
    """The court sentences the person to a DTTO, after an assessment found them suitable or
    against its advice (then with the reason)."""
    check = Checker()
    window = check_order(
        check,
        made_on=made_on,
        length_months=length_months,
        intensity=intensity,
        born=case.person.date_of_birth,
        referred_on=case.referred_on,
        today=today_or_now(today),
    )
    if Order.objects.filter(case=case).exists():
        check.add("made_on", f"Case {case.reference} already has an Order")
    assessment = Assessment.objects.filter(case=case).only("outcome").first()
    reason = check_order_assessment(
        check,
        assessment_outcome=assessment.outcome if assessment is not None else None,
        suitable=Assessment.Outcome.SUITABLE,
        against_advice=against_assessment_advice,
        reason=against_advice_reason,
    )
    court_obj = lookup(check, "court", Court, court, area=case.area)
    team_obj = lookup(check, "team", Team, team, area=case.area)
    provider = lookup(
        check, "treatment_provider", TreatmentProvider, treatment_provider, area=case.area
    )
    manager = _user(check, case_manager)
    check_order_case_manager(check, "case_manager", case_manager, manager, case.area)
    check.raise_if_any()
    made = checked(window).made_on
    length = checked(window).length_months
    with transaction.atomic():
        order = Order.objects.create(
            case=case,
            made_on=made,
            length_months=length,
            intensity=intensity,
            court=court_obj,
            team=team_obj,
            case_manager=manager,
            treatment_provider=provider,
            natural_end_on=Order.natural_end(made, length),
            against_assessment_advice=against_assessment_advice,
            against_advice_reason=reason,
        )
        audit_record(by, "cases.order.made", order, case, after=snapshot(order))
        case_events.order_made(order)
        announce_changed(order)
    return order


def _user(check: Checker, value: User | str | None) -> User | None:
    if isinstance(value, User):
        return value
    if value is None or value == "":
        return None
    username = check_text(check, "case_manager", value, max_length=150)
    return User.objects.filter(username=username).first() if username else None


def assign_case_manager(
    order: Order, *, by: By, case_manager: User | None, loaded_version: int | None = None
) -> Order:
    """Give the Order to another case manager of its area (or to none, until one is chosen)."""
    check = Checker()
    check_order_case_manager(check, "case_manager", case_manager, case_manager, order.case.area)
    check.raise_if_any()
    with transaction.atomic():
        order = locked_order(order)
        save_change(
            by,
            "cases.order.case_manager_assigned",
            order,
            order.case,
            loaded_version=loaded_version,
            case_manager=case_manager,
        )
    return order

"""Termination and after: the Order ends, treatment continues (or custody takes over), and
convictions before and after the Order are recorded for offending before and after."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction

from dtto.cases.models import (
    Appointment,
    Breach,
    Case,
    Code,
    ContactLevelChange,
    Conviction,
    CourtReview,
    DrugTest,
    FormalWarning,
    Order,
    Suspension,
    Termination,
)
from dtto.cases.services.common import (
    By,
    announce_changed,
    audit_record,
    locked_order,
    order_window,
    save_change,
    snapshot,
    today_or_now,
)
from dtto.cases.validation import CodeBook
from dtto.events import case_events
from dtto.standards.errors import Checker, checked
from dtto.standards.validation import (
    check_aftercare,
    check_conviction,
    check_termination,
    check_text,
    coerce_date,
)


def latest_event_day(order: Order) -> dt.date | None:
    """The latest day anything is recorded on the Order (for checking a termination date)."""
    days = [
        model.objects.filter(order=order).aggregate(latest=models.Max(field))["latest"]
        for model, field in (
            (Appointment, "on"),
            (DrugTest, "on"),
            (FormalWarning, "on"),
            (Breach, "on"),
            (CourtReview, "on"),
            (ContactLevelChange, "on"),
            (Suspension, "starts_on"),
        )
    ]
    present = [d for d in days if d is not None]
    return max(present) if present else None


def terminate_order(
    order: Order,
    *,
    by: By,
    on: dt.date | str,
    reason: Code | str,
    onward_referral_on: dt.date | str | None = None,
    onward_referral_to: str = "",
    custody_handover_on: dt.date | str | None = None,
    today: dt.date | None = None,
) -> Termination:
    """End the Order, with onward treatment or a handover to prison drug services."""
    today = today_or_now(today)
    check = Checker()
    codes = CodeBook()
    day = coerce_date(check, "on", on)
    onward = coerce_date(check, "onward_referral_on", onward_referral_on, required=False)
    handover = coerce_date(check, "custody_handover_on", custody_handover_on, required=False)
    onward_to = check_text(check, "onward_referral_to", onward_referral_to)
    with transaction.atomic():
        order = locked_order(order)
        reason_code = check_termination(
            check,
            order_window(order, today),
            on=day,
            reason=reason.code if isinstance(reason, Code) else reason,
            reasons=codes.known("termination_reason"),
            onward_referral_on=onward,
            custody_handover_on=handover,
            already_terminated_on=order.terminated_on,
            latest_event_on=latest_event_day(order) if order.terminated_on is None else None,
        )
        check.raise_if_any()
        termination = Termination.objects.create(
            order=order,
            on=checked(day),
            reason=checked(codes.get("termination_reason", checked(reason_code))),
            onward_referral_on=onward,
            onward_referral_to=onward_to,
            custody_handover_on=handover,
        )
        order.terminated_on = day
        order.save(update_fields=["terminated_on"])
        audit_record(
            by, "cases.order.terminated", termination, order.case, after=snapshot(termination)
        )
        case_events.order_terminated(termination)
        announce_changed(order)
    return termination


def record_conviction(
    case: Case,
    *,
    by: By,
    on: dt.date | str,
    offence_on: dt.date | str | None = None,
    offence: str = "",
    seriousness: str = "",
    today: dt.date | None = None,
) -> Conviction:
    """A conviction of the person: before the referral (offending before the Order) or after
    it (reconviction, even after the Order ended), with its seriousness band."""
    today = today_or_now(today)
    check = Checker()
    day = coerce_date(check, "on", on)
    offence_day = coerce_date(check, "offence_on", offence_on, required=False)
    text = check_text(check, "offence", offence)
    band = check_conviction(check, today, day, offence_day, seriousness)
    check.raise_if_any()
    with transaction.atomic():
        conviction = Conviction.objects.create(
            case=case, on=checked(day), offence_on=offence_day, offence=text, seriousness=band
        )
        audit_record(by, "cases.conviction.recorded", conviction, case, after=snapshot(conviction))
    return conviction


def record_aftercare(
    order: Order,
    *,
    by: By,
    treatment_started_on: dt.date | str | None = None,
    treatment_setting: str = "",
    treatment_intensity: str = "",
    custody_handover_received_on: dt.date | str | None = None,
    today: dt.date | None = None,
) -> Termination:
    """After the Order: the day treatment actually began, where and how intensive (3.30), and
    the day prison drug services received the handover. Replaces what was recorded before."""
    today = today_or_now(today)
    check = Checker()
    with transaction.atomic():
        order = locked_order(order)
        termination = Termination.objects.select_for_update().filter(order=order).first()
        if termination is None:
            check.add(
                "treatment_started_on", "the Order has not ended: record its termination first"
            )
            check.raise_if_any()
        assert termination is not None
        started, setting, intensity, received = check_aftercare(
            check,
            ended_on=termination.on,
            today=today,
            treatment_started_on=treatment_started_on,
            treatment_setting=treatment_setting,
            treatment_intensity=treatment_intensity,
            custody_handover_on=termination.custody_handover_on,
            custody_handover_received_on=custody_handover_received_on,
        )
        check.raise_if_any()
        save_change(
            by,
            "cases.aftercare.recorded",
            termination,
            order.case,
            treatment_started_on=started,
            treatment_setting=setting,
            treatment_intensity=intensity,
            custody_handover_received_on=received,
        )
    return termination

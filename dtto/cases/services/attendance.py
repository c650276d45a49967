"""Appointments and attendance: contact arranged, and what happened at it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from dtto.cases.models import Appointment, Code, Order
from dtto.cases.services.common import (
    By,
    add_to_order,
    announce_changed,
    locked_order,
    save_change,
    today_or_now,
)
from dtto.cases.validation import CodeBook
from dtto.events import case_events
from dtto.standards.errors import Checker, checked
from dtto.standards.validation import (
    check_activity,
    check_appointment,
    check_outcome_day,
    coerce_date,
)


def _attendance_code(
    check: Checker, codes: CodeBook, outcome_code: Code | str | None, on: dt.date | None
) -> Code | None:
    return codes.resolve(
        check, "outcome", "attendance_outcome", outcome_code, on=on, required=False
    )


def record_appointment(
    order: Order,
    *,
    by: By,
    on: dt.date | str,
    hours: Decimal | float | str,
    with_whom: str,
    kind: Code | str | None = None,
    outcome: Code | str | None = None,
    activity: str = "",
    today: dt.date | None = None,
) -> Appointment:
    """Arrange an appointment (and, if it has happened, record its outcome code), with what
    it is for: treatment, offence-focused work or lifestyle (3.21-3.24)."""
    today = today_or_now(today)
    check = Checker()
    codes = CodeBook()
    day = coerce_date(check, "on", on)
    kind_code = codes.resolve(check, "kind", "appointment_kind", kind, on=day, required=False)
    outcome_code = _attendance_code(check, codes, outcome, day)
    purpose = check_activity(check, "activity", activity)
    return add_to_order(
        order,
        by=by,
        action="cases.appointment.recorded",
        check=check,
        today=today,
        check_record=lambda check, window: check_appointment(
            check,
            window,
            on=day,
            hours=hours,
            with_whom=with_whom,
            has_outcome=outcome_code is not None,
        ),
        build=lambda locked, contact_hours: Appointment.objects.create(
            order=locked,
            on=checked(day),
            hours=checked(contact_hours),
            with_whom=with_whom,
            kind=kind_code,
            outcome=outcome_code,
            activity=purpose,
        ),
        publish=case_events.appointment_arranged,
    )


def record_attendance(
    appointment: Appointment,
    *,
    by: By,
    outcome: Code | str,
    today: dt.date | None = None,
    loaded_version: int | None = None,
) -> Appointment:
    """Record what happened at an appointment: an attendance outcome code (ATTC, UAAB, AA*...)."""
    check = Checker()
    check_outcome_day(check, "outcome", appointment.on, today_or_now(today))
    check.raise_if_any()
    outcome_code = _attendance_code(check, CodeBook(), outcome, appointment.on)
    if outcome_code is None and not check.errors:
        check.add("outcome", "is required")
    check.raise_if_any()
    with transaction.atomic():
        order = locked_order(appointment.order)
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        save_change(
            by,
            "cases.appointment.outcome_recorded",
            appointment,
            order.case,
            loaded_version=loaded_version,
            outcome=checked(outcome_code),
        )
        case_events.appointment_outcome_recorded(appointment)
        announce_changed(order)
    return appointment

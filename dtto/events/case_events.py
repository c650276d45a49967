"""What each change to a case publishes: one function per event, called by the services.

Each takes the record the service has just saved (inside its transaction, after its audit
event) and emits the catalogue's event for it with references and codes only. Keeping the
choice of fields here, beside the catalogue, keeps each service's edit to one call.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from dtto.cases.models import (
    Appointment,
    Breach,
    CourtReview,
    DrugTest,
    FormalWarning,
    Order,
    Termination,
)
from dtto.events import catalogue as events
from dtto.events.models import DomainEvent
from dtto.events.services import PayloadValue, emit
from dtto.standards.timeline import UNACCEPTABLE_OUTCOMES, UNACCEPTABLE_TEST_OUTCOMES


def _emit_on(
    order: Order,
    event_type: str,
    record: models.Model,
    occurred_on: dt.date | None,
    **payload: PayloadValue,
) -> None:
    emit(
        event_type,
        case_reference=order.case.reference,
        order_id=order.pk,
        record=record,
        occurred_on=occurred_on,
        **payload,
    )


def order_made(order: Order) -> None:
    _emit_on(
        order,
        events.ORDER_MADE,
        order,
        order.made_on,
        intensity=order.intensity,
        length_months=order.length_months,
        natural_end_on=order.natural_end_on,
        area=order.case.area.code,
        court=order.court.code if order.court is not None else None,
        team=order.team.code if order.team is not None else None,
        treatment_provider=(
            order.treatment_provider.code if order.treatment_provider is not None else None
        ),
    )


def _appointment(appointment: Appointment, change: str) -> None:
    order = appointment.order
    _emit_on(
        order,
        events.APPOINTMENT_RECORDED,
        appointment,
        appointment.on,
        change=change,
        with_whom=appointment.with_whom,
        hours=appointment.hours,
        kind=appointment.kind.code if appointment.kind is not None else None,
        outcome=appointment.outcome.code if appointment.outcome is not None else None,
        activity=appointment.activity or None,
    )
    if appointment.outcome is not None and appointment.outcome.meaning in UNACCEPTABLE_OUTCOMES:
        _failure_if_new(order, appointment, appointment.outcome.code)


def appointment_arranged(appointment: Appointment) -> None:
    """A new appointment (with its outcome, if it has happened)."""
    _appointment(appointment, "arranged")


def appointment_outcome_recorded(appointment: Appointment) -> None:
    """The outcome of an appointment recorded, or corrected, after it was arranged."""
    _appointment(appointment, "outcome_recorded")


def _drug_test(test: DrugTest, change: str) -> None:
    order = test.order
    _emit_on(
        order,
        events.DRUG_TEST_RECORDED,
        test,
        test.on,
        change=change,
        outcome=test.outcome,
    )
    if change == "recorded" and test.outcome in UNACCEPTABLE_TEST_OUTCOMES:
        _failure_if_new(order, test, test.outcome)


def drug_test_recorded(test: DrugTest) -> None:
    _drug_test(test, "recorded")


def drug_test_result_confirmed(test: DrugTest) -> None:
    """The laboratory's answer on a positive result. Which substance, and the answer, are
    health details left out of the feed (docs/decisions/0008-domain-events-outbox.md)."""
    _drug_test(test, "result_confirmed")


def _failure_if_new(order: Order, record: Appointment | DrugTest, reason: str) -> None:
    """failure.recorded, once per Order and day: Figure 21 counts a day, not each record.

    Not written when the day was already a failure: by an event already published (an
    outcome recorded twice), or by another record of that day (one imported, or recorded
    before events were written).
    """
    day = record.on
    published = DomainEvent.objects.filter(
        type=events.FAILURE_RECORDED, order_id=order.pk, occurred_on=day
    )
    appointments = Appointment.objects.filter(
        order=order, on=day, outcome__meaning__in=UNACCEPTABLE_OUTCOMES
    )
    tests = DrugTest.objects.filter(order=order, on=day, outcome__in=UNACCEPTABLE_TEST_OUTCOMES)
    if isinstance(record, Appointment):
        appointments = appointments.exclude(pk=record.pk)
    else:
        tests = tests.exclude(pk=record.pk)
    if published.exists() or appointments.exists() or tests.exists():
        return
    _emit_on(
        order,
        events.FAILURE_RECORDED,
        record,
        day,
        reason=reason,
    )


def warning_given(warning: FormalWarning) -> None:
    _emit_on(
        warning.order,
        events.WARNING_GIVEN,
        warning,
        warning.on,
    )


def breach_instigated(breach: Breach) -> None:
    _emit_on(
        breach.order,
        events.BREACH_INSTIGATED,
        breach,
        breach.on,
    )


def breach_decided(breach: Breach) -> None:
    _emit_on(
        breach.order,
        events.BREACH_DECIDED,
        breach,
        breach.decided_on,
        outcome=breach.outcome.code,
        instigated_on=breach.on,
    )


def review_held(review: CourtReview) -> None:
    _emit_on(
        review.order,
        events.REVIEW_HELD,
        review,
        review.on,
        hearing=review.hearing,
    )


def order_terminated(termination: Termination) -> None:
    """order.terminated, and onward-care.referred just after it when the person was referred."""
    _emit_on(
        termination.order,
        events.ORDER_TERMINATED,
        termination,
        termination.on,
        reason=termination.reason.code,
        custody_handover_on=termination.custody_handover_on,
    )
    if termination.onward_referral_on is not None:
        _emit_on(
            termination.order,
            events.ONWARD_CARE_REFERRED,
            termination,
            termination.onward_referral_on,
            terminated_on=termination.on,
        )


def cases_imported(*, cases: int, orders: int, records: int) -> None:
    """One event for a whole import (docs/decisions/0008-domain-events-outbox.md)."""
    emit(events.CASES_IMPORTED, cases=cases, orders=orders, records=records)

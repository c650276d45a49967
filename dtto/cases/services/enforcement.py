"""Enforcement: formal warnings, breach action, the court's decision, hearings and warrants."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from dtto.cases.models import Breach, BreachHearing, Code, FormalWarning, Order
from dtto.cases.services.common import (
    By,
    add_to_order,
    announce_changed,
    audit_record,
    locked_order,
    save_change,
    snapshot,
    today_or_now,
)
from dtto.cases.validation import CodeBook
from dtto.events import case_events
from dtto.standards.errors import Checker, checked
from dtto.standards.validation import (
    check_breach_dates,
    check_breach_decision,
    check_text,
    coerce_date,
)


def give_warning(
    order: Order, *, by: By, on: dt.date | str, reason: str = "", today: dt.date | None = None
) -> FormalWarning:
    """A formal warning after an unacceptable failure (Figure 21 of the source)."""
    check = Checker()
    day = coerce_date(check, "on", on)
    text = check_text(check, "reason", reason)
    return add_to_order(
        order,
        by=by,
        action="cases.warning.given",
        check=check,
        today=today_or_now(today),
        check_record=lambda check, window: window.check_day(check, "on", day),
        build=lambda locked, _: FormalWarning.objects.create(
            order=locked, on=checked(day), reason=text
        ),
        publish=case_events.warning_given,
    )


def instigate_breach(
    order: Order, *, by: By, on: dt.date | str, reason: str = "", today: dt.date | None = None
) -> Breach:
    """Start breach proceedings; the outcome is pending until the court decides."""
    check = Checker()
    day = coerce_date(check, "on", on)
    text = check_text(check, "reason", reason)
    pending = CodeBook().resolve(check, "outcome", "breach_outcome", "pending", on=None)
    return add_to_order(
        order,
        by=by,
        action="cases.breach.instigated",
        check=check,
        today=today_or_now(today),
        check_record=lambda check, window: window.check_day(check, "on", day),
        build=lambda locked, _: Breach.objects.create(
            order=locked, on=checked(day), reason=text, outcome=checked(pending)
        ),
        publish=case_events.breach_instigated,
    )


def decide_breach(
    breach: Breach,
    *,
    by: By,
    on: dt.date | str,
    outcome: Code | str,
    today: dt.date | None = None,
    loaded_version: int | None = None,
) -> Breach:
    """The court's decision on a breach: continued (perhaps with added requirements), revoked..."""
    today = today_or_now(today)
    check = Checker()
    day = coerce_date(check, "decided_on", on)
    outcome_code = CodeBook().resolve(check, "outcome", "breach_outcome", outcome, on=day)
    with transaction.atomic():
        order = locked_order(breach.order)
        breach = Breach.objects.select_for_update().get(pk=breach.pk)
        check_breach_decision(
            check,
            breach.on,
            today,
            decided_on=day,
            meaning=outcome_code.meaning if outcome_code is not None else None,
            already_decided_on=breach.decided_on,
        )
        check.raise_if_any()
        save_change(
            by,
            "cases.breach.decided",
            breach,
            order.case,
            loaded_version=loaded_version,
            decided_on=day,
            outcome=checked(outcome_code),
        )
        case_events.breach_decided(breach)
        announce_changed(order)
    return breach


def record_breach_hearing(
    breach: Breach, *, by: By, on: dt.date | str, today: dt.date | None = None
) -> BreachHearing:
    today = today_or_now(today)
    check = Checker()
    day = coerce_date(check, "on", on)
    if day is not None:
        check_breach_dates(check, breach.on, today, hearings=[("on", day)])
    check.raise_if_any()
    with transaction.atomic():
        order = locked_order(breach.order)
        hearing = BreachHearing.objects.create(breach=breach, on=checked(day))
        audit_record(
            by, "cases.breach.hearing_recorded", hearing, order.case, after=snapshot(hearing)
        )
    return hearing


def record_warrant(
    breach: Breach,
    *,
    by: By,
    issued_on: dt.date | str,
    executed_on: dt.date | str | None = None,
    today: dt.date | None = None,
    loaded_version: int | None = None,
) -> Breach:
    """A warrant issued for someone who did not come to court, and when it was executed."""
    today = today_or_now(today)
    check = Checker()
    issued = coerce_date(check, "warrant_issued_on", issued_on)
    executed = coerce_date(check, "warrant_executed_on", executed_on, required=False)
    if issued is not None:
        check_breach_dates(
            check, breach.on, today, warrant_issued_on=issued, warrant_executed_on=executed
        )
    check.raise_if_any()
    with transaction.atomic():
        order = locked_order(breach.order)
        breach = Breach.objects.select_for_update().get(pk=breach.pk)
        save_change(
            by,
            "cases.breach.warrant_recorded",
            breach,
            order.case,
            loaded_version=loaded_version,
            warrant_issued_on=issued,
            warrant_executed_on=executed,
        )
        announce_changed(order)
    return breach

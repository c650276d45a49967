"""Court reviews, changes of contact level, and suspensions of the Standard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from dtto.cases.models import ContactLevelChange, CourtReview, Order, Suspension
from dtto.cases.services.common import (
    By,
    add_to_order,
    announce_changed,
    audit_record,
    locked_order,
    order_window,
    snapshot,
    today_or_now,
)
from dtto.events import case_events
from dtto.standards.errors import Checker, checked
from dtto.standards.validation import (
    check_bench,
    check_contact_level,
    check_review,
    check_suspension,
    check_text,
    coerce_date,
)


def record_review(
    order: Order,
    *,
    by: By,
    on: dt.date | str,
    hearing: bool,
    sat: Iterable[str] = (),
    notes: str = "",
    today: dt.date | None = None,
) -> CourtReview:
    """A court review held, with or without a hearing, and who sat."""
    check = Checker()
    day = coerce_date(check, "on", on)
    names = [check_text(check, f"sat[{i}]", name, max_length=200) for i, name in enumerate(sat)]
    check_bench(check, hearing=hearing, sat=names)
    text = check_text(check, "notes", notes)
    return add_to_order(
        order,
        by=by,
        action="cases.review.recorded",
        check=check,
        today=today_or_now(today),
        check_record=lambda check, window: check_review(check, window, on=day, hearing=hearing),
        build=lambda locked, _: CourtReview.objects.create(
            order=locked,
            on=checked(day),
            hearing=hearing,
            sat="\n".join(name for name in names if name),
            notes=text,
        ),
        publish=case_events.review_held,
    )


def change_contact_level(
    order: Order, *, by: By, on: dt.date | str, level: str, today: dt.date | None = None
) -> ContactLevelChange:
    """Reduce contact for good progress, or restore the full level after relapse."""
    check = Checker()
    day = coerce_date(check, "on", on)
    return add_to_order(
        order,
        by=by,
        action="cases.contact_level.changed",
        check=check,
        today=today_or_now(today),
        check_record=lambda check, window: check_contact_level(check, window, on=day, level=level),
        build=lambda locked, _: ContactLevelChange.objects.create(
            order=locked, on=checked(day), level=level
        ),
    )


def suspend_standard(
    order: Order,
    *,
    by: By,
    starts_on: dt.date | str,
    ends_on: dt.date | str,
    reason: str,
    today: dt.date | None = None,
) -> Suspension:
    """Suspend the National Standard for a time (homelessness, home detoxification...)."""
    today = today_or_now(today)
    check = Checker()
    starts = coerce_date(check, "from", starts_on)
    ends = coerce_date(check, "to", ends_on)
    with transaction.atomic():
        order = locked_order(order)
        text = check_suspension(check, order_window(order, today), starts, ends, reason)
        check.raise_if_any()
        suspension = Suspension.objects.create(
            order=order, starts_on=checked(starts), ends_on=checked(ends), reason=text
        )
        audit_record(
            by, "cases.suspension.recorded", suspension, order.case, after=snapshot(suspension)
        )
        announce_changed(order)
    return suspension

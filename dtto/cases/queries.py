"""Read-only questions about case records that pages and drafted documents ask."""

from __future__ import annotations

import datetime as dt

from dtto.cases.models import Appointment, DrugTest, Order

_UNACCEPTABLE = {
    "unacceptable_absence": "did not attend",
    "failed_to_comply": "attended but failed to comply with",
}


def describe_failure(order: Order, day: dt.date) -> str:
    """What made ``day`` an unacceptable failure, in words for a warning letter or breach report.

    Figure 21 of the source: missed appointments on one day without reasonable excuse are one
    failure; refusing a sample is always a failure. Each is named so the person knows exactly
    what the warning is for.
    """
    parts = []
    appointments = (
        Appointment.objects.filter(order=order, on=day, outcome__isnull=False)
        .select_related("outcome", "kind")
        .order_by("id")
    )
    for appointment in appointments:
        verb = _UNACCEPTABLE.get(appointment.outcome.meaning) if appointment.outcome else None
        if verb is None:
            continue
        kind = f" ({appointment.kind.label.lower()})" if appointment.kind else ""
        parts.append(
            f"{verb} a {appointment.hours.normalize():f}-hour {appointment.with_whom} "
            f"appointment{kind}"
        )
    if DrugTest.objects.filter(order=order, on=day, outcome=DrugTest.Outcome.REFUSED).exists():
        parts.append("refused to give a sample for a drug test")
    heading = f"Unacceptable failure on {day:%-d %B %Y}"
    if not parts:
        return heading
    return f"{heading}: you {'; you '.join(parts)}."

"""Contact hours by what the contact was for: treatment, offence-focused work, or help with
the rest of life (3.21-3.24).

Definitions: docs/reports.md ("Contact hours by activity").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from dtto.cases.models import Activity, Appointment
from dtto.reports import outcome_results as out
from dtto.reports.queries import Period, Scope

from .common import _today

# An appointment with no activity recorded is counted, under this name, not left out: the
# hours were spent, only what on is unknown.
NOT_RECORDED = "not_recorded"
ACTIVITIES = (*Activity.values, NOT_RECORDED)
# Attended, whether or not the person complied there: the time was spent on the Order.
ATTENDED = ("attended", "failed_to_comply")


def _hours(value: Decimal | None) -> float:
    return round(float(value or 0), 2)


def contact_hours(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> out.ContactHours[int]:
    """Hours of appointments attended in the period (by ``as_of``) on Orders in scope, by
    activity, with each activity's share of the hours and the Orders and appointments behind
    it. 3.21: the programmes beside treatment account "for much of the time spent on the
    Order"; attended hours are that time (an appointment missed or cancelled was not)."""
    as_of = _today(as_of)
    attended = Appointment.objects.filter(outcome__meaning__in=ATTENDED, on__lte=as_of).filter(
        **period.filter("on")
    )
    if scope.kind != "national":
        attended = attended.filter(order_id__in=scope.summaries().values("order_id"))
    # One query: each activity's figures as filtered aggregates beside the totals (an Order
    # with contacts of several activities counts once in the total).
    aggregates: dict[str, Any] = {
        "all__hours": Sum("hours"),
        "all__appointments": Count("pk"),
        "all__orders": Count("order_id", distinct=True),
    }
    for activity in ACTIVITIES:
        of = Q(activity="" if activity == NOT_RECORDED else activity)
        aggregates[f"{activity}__hours"] = Sum("hours", filter=of)
        aggregates[f"{activity}__appointments"] = Count("pk", filter=of)
        aggregates[f"{activity}__orders"] = Count("order_id", filter=of, distinct=True)
    totals = attended.aggregate(**aggregates)
    total_hours = _hours(totals["all__hours"])
    by_activity: dict[str, out.ActivityHours[int]] = {}
    for activity in ACTIVITIES:
        hours = _hours(totals[f"{activity}__hours"])
        by_activity[activity] = {
            "hours": hours,
            "share": hours / total_hours if total_hours else None,
            "appointments": totals[f"{activity}__appointments"],
            "orders": totals[f"{activity}__orders"],
        }
    return {
        "hours": total_hours,
        "appointments": totals["all__appointments"],
        "orders": totals["all__orders"],
        "by_activity": by_activity,
    }

"""Contact hours by what the contact was for: treatment, offence-focused work, or help with
the rest of life (3.21-3.24).

Definitions: docs/reports.md ("Contact hours by activity").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum, Value
from django.db.models.expressions import Combinable, CombinedExpression
from django.db.models.functions import Cast, Greatest, Least

from dtto.cases.models import Activity, Appointment
from dtto.reports import outcome_results as out
from dtto.reports.contact_rollup import ANY_ACTIVITY, MONTH_BITS, attended
from dtto.reports.models import ContactHoursRollup, OrderActivityMonths
from dtto.reports.queries import Period, Scope, month_number

from .common import _today

# An appointment with no activity recorded is counted, under this name, not left out: the
# hours were spent, only what on is unknown.
NOT_RECORDED = "not_recorded"
ACTIVITIES = (*Activity.values, NOT_RECORDED)
# The scopes the rollups are kept for; a team's or court's contact hours are read from its
# own appointments (a few thousand rows at most).
ROLLED_UP = ("national", "area")


def _hours(value: Decimal | float | None) -> float:
    return round(float(value or 0), 2)


@dataclass(frozen=True)
class _Window:
    """The days counted (the period, cut at the "as of" day), split into the calendar months
    wholly inside it, read from the rollups, and the days before and after them, read from
    the appointments."""

    first_month: int | None  # None: no whole month
    last_month: int | None
    days: tuple[tuple[dt.date | None, dt.date], ...]  # from (None: open) to, both included

    @classmethod
    def of(cls, period: Period, as_of: dt.date) -> _Window | None:
        start = period.start
        end = as_of if period.end is None else min(period.end, as_of)
        if start is not None and start > end:
            return None
        # The first whole month starts on or after ``start``; the last ends on or before ``end``.
        if start is None:
            first: int | None = None
        else:
            first = month_number(start) + (start.day != 1)
        following = end + dt.timedelta(days=1)
        last = month_number(end) - (following.day != 1)
        if first is not None and first > last:
            return cls(None, None, ((start, end),))
        days: list[tuple[dt.date | None, dt.date]] = []
        if start is not None and start.day != 1:
            days.append((start, _first_day(first) - dt.timedelta(days=1)))  # type: ignore[arg-type]
        if following.day != 1:
            days.append((_first_day(last + 1), end))
        return cls(first, last, tuple(days))

    def months_filter(self, last_month: int) -> Q:
        if self.first_month is None:
            return Q(month__lte=last_month)
        return Q(month__gte=self.first_month, month__lte=last_month)

    def days_filter(self) -> Q:
        found = Q(pk__in=[])
        for start, end in self.days:
            found |= Q(on__lte=end) if start is None else Q(on__gte=start, on__lte=end)
        return found


def _first_day(month: int) -> dt.date:
    return dt.date(month // 12, month % 12 + 1, 1)


def contact_hours(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> out.ContactHours[int]:
    """Hours of appointments attended in the period (by ``as_of``) on Orders in scope, by
    activity, with each activity's share of the hours and the Orders and appointments behind
    it. 3.21: the programmes beside treatment account "for much of the time spent on the
    Order"; attended hours are that time (an appointment missed or cancelled was not)."""
    as_of = _today(as_of)
    if scope.kind in ROLLED_UP:
        hours, appointments, orders = _from_rollups(scope, _Window.of(period, as_of))
    else:
        hours, appointments, orders = _from_appointments(scope, period, as_of)
    total_hours = _hours(sum(hours.values(), Decimal(0)))
    by_activity: dict[str, out.ActivityHours[int]] = {}
    for activity in ACTIVITIES:
        hours_of = _hours(hours.get(activity))
        by_activity[activity] = {
            "hours": hours_of,
            "share": hours_of / total_hours if total_hours else None,
            "appointments": appointments.get(activity, 0),
            "orders": orders.get(activity, 0),
        }
    return {
        "hours": total_hours,
        "appointments": sum(appointments.values()),
        "orders": orders.get(ANY_ACTIVITY, 0),
        "by_activity": by_activity,
    }


# Each activity's hours, appointments and Orders; the Orders also under ANY_ACTIVITY.
_Figures = tuple[dict[str, Decimal], dict[str, int], dict[str, int]]


def _named(activity: str) -> str:
    return activity or NOT_RECORDED


def _from_appointments(scope: Scope, period: Period, as_of: dt.date) -> _Figures:
    """Every attended appointment of the scope's Orders in the period, grouped by activity."""
    in_period = _in_scope(attended().filter(on__lte=as_of).filter(**period.filter("on")), scope)
    rows = in_period.values_list("activity").annotate(
        hours=Sum("hours"), appointments=Count("pk"), orders=Count("order_id", distinct=True)
    )
    hours = {_named(a): Decimal(str(h)) for a, h, _, _ in rows}
    appointments = {_named(a): n for a, _, n, _ in rows}
    orders = {_named(a): n for a, _, _, n in rows}
    orders[ANY_ACTIVITY] = in_period.values("order_id").distinct().count()
    return hours, appointments, orders


def _in_scope(appointments: QuerySet[Appointment], scope: Scope) -> QuerySet[Appointment]:
    if scope.kind == "national":
        return appointments
    return appointments.filter(order_id__in=scope.summaries().values("order_id"))


def _from_rollups(scope: Scope, window: _Window | None) -> _Figures:
    """The whole months from the rollups, the days around them from the appointments; the
    Orders of both counted once (a union of (Order, activity) pairs)."""
    hours: dict[str, Decimal] = defaultdict(Decimal)
    appointments: dict[str, int] = defaultdict(int)
    if window is None:
        return hours, appointments, {}
    pairs: list[QuerySet[Any]] = []
    if window.last_month is not None:
        rollup = ContactHoursRollup.objects.filter(window.months_filter(window.last_month))
        if scope.kind == "area":
            rollup = rollup.filter(area_id=_area_id(scope))
        for activity, total, count in (
            rollup.values_list("activity")
            .annotate(total=Sum("hours"), count=Sum("appointments"))
            .order_by()
        ):
            hours[_named(activity)] += Decimal(str(total))
            appointments[_named(activity)] += count
        months = _with_a_month_between(
            OrderActivityMonths.objects.all(), window.first_month, window.last_month
        )
        if scope.kind == "area":
            months = months.filter(summary__area_id=_area_id(scope))
        pairs.append(months.values_list("summary_id", "activity").order_by())
    if window.days:
        days = _in_scope(attended().filter(window.days_filter()), scope)
        for activity, total, count in days.values_list("activity").annotate(
            total=Sum("hours"), count=Count("pk")
        ):
            hours[_named(activity)] += Decimal(str(total))
            appointments[_named(activity)] += count
        pairs.append(days.values_list("order_id", "activity"))
        pairs.append(days.annotate(any=Value(ANY_ACTIVITY)).values_list("order_id", "any"))
    return hours, appointments, _orders_by_activity(pairs)


def _area_id(scope: Scope) -> int:
    area_id = scope.area_id
    assert area_id is not None, "an area scope has its area"
    return area_id


def _with_a_month_between(
    rows: QuerySet[OrderActivityMonths], first: int | None, last: int
) -> QuerySet[OrderActivityMonths]:
    """The rows with a bit set for a month from ``first`` (None: any before) to ``last``.

    The row's bits ``low`` to ``high - 1`` (``first - first_month`` to ``last - first_month``,
    kept within the row's bits) are shifted down and masked; both shifts stay between 0 and
    MONTH_BITS whatever the row, so neither database overflows or wraps."""
    base = F("first_month")
    low = Least(Greatest(Value(0 if first is None else first) - base, Value(0)), Value(MONTH_BITS))
    high = Least(Greatest(Value(last + 1) - base, Value(0)), Value(MONTH_BITS))
    one = Cast(Value(1), output_field=BigIntegerField())
    mask = CombinedExpression(one, Combinable.BITLEFTSHIFT, Greatest(high - low, Value(0))) - one
    shifted = CombinedExpression(F("months"), Combinable.BITRIGHTSHIFT, low)
    return rows.annotate(hit=CombinedExpression(shifted, Combinable.BITAND, mask)).exclude(hit=0)


def _orders_by_activity(pairs: list[QuerySet[Any]]) -> dict[str, int]:
    """Distinct (Order, activity) pairs of these queries counted by activity, in one query."""
    if not pairs:
        return {}
    parts: list[str] = []
    params: list[Any] = []
    for query in pairs:
        sql, query_params = query.query.sql_with_params()
        parts.append(sql)
        params.extend(query_params)
    # The first query's columns name the union's (``summary_id``, ``activity``).
    sql = f"SELECT activity, COUNT(*) FROM ({' UNION '.join(parts)}) pairs GROUP BY activity"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {_named(activity): n for activity, n in cursor.fetchall()}

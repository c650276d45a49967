"""How long people stay on the Order: Kaplan-Meier retention (3.11, Figure 19).

Definitions: docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, cast

from django.db.models import Case as When_
from django.db.models import Count, IntegerField, QuerySet, Value, When

from dtto.accounts.models import Area
from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.models import OrderSummary
from dtto.reports.queries import Period, Scope

from .common import RETENTION_DAYS, _shared, _today, days_on_order_by, ended_by

# --- 6. Retention ---------------------------------------------------------------------------


def retention(
    scope: Scope, period: Period, *, by: str | None = None, as_of: dt.date | None = None
) -> results.Retention[int]:
    """Kaplan-Meier of days on the Order for Orders made in the period (3.11, Figure 19).

    An Order that has ended is an event at its days on the Order; one still running on
    ``as_of`` is censored at the days it has run so far. ``by`` splits the curve by
    ``area``, ``intensity``, ``sex``, ``age_band`` or ``ethnic_group``.
    """
    as_of = _today(as_of)
    day = as_of.toordinal()
    # The whole curve and the curve by intensity (both on the dashboard) come from one pass.
    split = "area_id" if by == "area" else by or "intensity"
    rows = _shared(
        ("retention", scope, period, as_of, split),
        lambda: list(_retention_counts(scope, period, day, split)),
    )
    groups: dict[str, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    codes = dict(Area.objects.values_list("pk", "code")) if by == "area" else {}
    for group, days, event, n in rows:
        key = "all" if not by else str(codes.get(group, group))
        groups[key][(days, event)] += n
    out: dict[str, Any] = {"as_of": as_of.isoformat(), "by": by, "groups": {}}
    for key, counted in sorted(groups.items()):
        counts = sorted(counted.items())
        durations = [d for (d, _), _ in counts]
        events = [bool(e) for (_, e), _ in counts]
        weights = [n for _, n in counts]
        km = st.kaplan_meier(durations, events, weights, list(RETENTION_DAYS.values()))
        still_on = {name: km["survival_at"].get(str(d)) for name, d in RETENTION_DAYS.items()}
        out["groups"][key] = {
            "n": km["n"],
            "ended": km["events"],
            "running": km["n"] - km["events"],
            "median_days": km["median_days"],
            "still_on": still_on,
            "curve": km["curve"],
        }
    return cast(results.Retention[int], out)


def _retention_counts(
    scope: Scope, period: Period, day: int, split: str
) -> QuerySet[OrderSummary, tuple[Any, int, int, int]]:
    """Orders made in the period by ``split``, days on the Order by ``day`` and whether it
    had ended (an event) or runs on (censored)."""
    made = scope.summaries().filter(**period.day_filter("made_day")).filter(made_day__lte=day)
    ended = ended_by(day)
    return (
        made.annotate(
            days=days_on_order_by(day),
            event=When_(When(ended, then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
        .values_list(split, "days", "event")
        .annotate(n=Count("pk"))
        .order_by()
    )

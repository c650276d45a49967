"""Continuity of care: did treatment actually begin soon after the Order ended (3.30-3.31,
recommendation viii)?

Definitions: docs/reports.md ("Continuity of care").
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db.models import Count, F, Q

from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.queries import DayNumber, Period, Scope
from dtto.standards.rules import AFTERCARE_START_DAYS

from .common import _today

# Nobody continues treatment after death; every other ending counts (3.30 covers completers
# and, through prison drug services, those revoked into custody alike).
NOT_COUNTED_REASONS = ("death",)


def treatment_started(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> dict[str, results.ContinuityRate[int]]:
    """Share of Orders ended in the period whose treatment began within 21 days of the end.

    Counts Orders ended at least 21 days before ``as_of`` (so each was followed for the whole
    window), except those ended by death; treatment counts when it began on or after the
    Order's last day and no more than 21 days after it.
    """
    today = _today(as_of).toordinal()
    window = AFTERCARE_START_DAYS
    ended = (
        scope.summaries()
        .filter(**period.day_filter("ended_day"))
        .filter(ended_day__lte=today - window)
        .exclude(termination_reason__in=NOT_COUNTED_REASONS)
        .annotate(started=DayNumber("order__termination__treatment_started_on"))
    )
    # Followed for the whole window, so a start within it is on or before ``as_of``.
    began = Q(started__lte=F("ended_day") + window)
    rows = (
        ended.values("termination_reason")
        .annotate(n=Count("pk"), k=Count("pk", filter=began))
        .order_by("termination_reason")
    )
    by_reason: dict[str, Any] = {}
    k_all = n_all = 0
    for row in rows:
        by_reason[row["termination_reason"]] = st.rate(row["k"], row["n"])
        k_all += row["k"]
        n_all += row["n"]
    overall: dict[str, Any] = {**st.rate(k_all, n_all), "by_reason": by_reason}
    # One of the steps of ``continuity`` (measures/continuity.py), which it joins in the report.
    return {"treatment_started_within_21_days": cast(results.ContinuityRate[int], overall)}

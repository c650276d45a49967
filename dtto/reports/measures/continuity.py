"""Continuity of care after the Order: onward referral for treatment and handover to prison
drug services (recommendations v and viii, 3.30-3.31).

Definitions: docs/reports.md, section 14.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any, cast

from django.db.models import Count, Q

from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.queries import Period, Scope
from dtto.standards.timeline import TERMINATION_REASONS

from .common import _shared, _today

# Each step of continuity of care the record holds, as "recorded by the day a report is as
# of", read from the Order's termination record. Treatment started after the Order (issue 14,
# item 1) is one more entry here when the record holds it.
CONTINUITY_STEPS: dict[str, Callable[[dt.date], Q]] = {
    "onward_referred": lambda as_of: Q(order__termination__onward_referral_on__lte=as_of),
    "custody_handover": lambda as_of: Q(order__termination__custody_handover_on__lte=as_of),
}


def continuity(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> results.Continuity[int]:
    """Orders ended in the period (by ``as_of``) with an onward referral and with a custody
    handover recorded by ``as_of``, overall and by termination reason."""
    as_of = _today(as_of)
    rows = _shared(("continuity", scope, period, as_of), lambda: _counts(scope, period, as_of))
    out: dict[str, Any] = {}
    for step in CONTINUITY_STEPS:
        ended: dict[str, int] = defaultdict(int)
        done: dict[str, int] = defaultdict(int)
        for row in rows:
            ended[row["termination_reason"]] += row["total"]
            done[row["termination_reason"]] += row[step]
        out[step] = {
            **st.rate(sum(done.values()), sum(ended.values())),
            "by_reason": {r: st.rate(done.get(r, 0), ended.get(r, 0)) for r in TERMINATION_REASONS},
        }
    return cast(results.Continuity[int], out)


def _counts(scope: Scope, period: Period, as_of: dt.date) -> list[dict[str, Any]]:
    day = as_of.toordinal()
    return list(
        scope.summaries()
        .filter(ended_day__isnull=False, **period.day_filter("ended_day"))
        .filter(ended_day__lte=day)
        .values("termination_reason")
        .annotate(
            total=Count("pk"),
            **{step: Count("pk", filter=f(as_of)) for step, f in CONTINUITY_STEPS.items()},
        )
        .order_by()
    )

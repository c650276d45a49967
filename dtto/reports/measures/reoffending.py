"""Reconviction within one and two years of commencement (3.7, Figure 17).

Definitions: docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db.models import Count, F, Min, Q

from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.queries import Period, Scope

from .common import RECONVICTION_WINDOWS, _today
from .offending import with_convictions

# --- 10. Reconviction ---------------------------------------------------------------------------


def reconviction(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> results.Reconviction[int]:
    """Share reconvicted within 1 and 2 years of commencement (3.7, Figure 17).

    Counts only Orders made at least the whole window before ``as_of``, so everyone counted
    was followed up for the whole window; a conviction counts if it falls after the day the
    Order was made and within the window (365 or 730 days).
    """
    as_of = _today(as_of)
    made = scope.summaries().filter(**period.day_filter("made_day"))
    # Days from the Order to the first later conviction, in one grouped pass over the Orders
    # joined to their convictions.
    made = with_convictions(made).annotate(
        after=Min("conviction_day", filter=Q(conviction_day__gt=F("made_day"))) - F("made_day")
    )
    today = as_of.toordinal()
    aggregates: dict[str, Any] = {}
    for name, window in RECONVICTION_WINDOWS.items():
        followed = Q(made_day__lte=today - window)
        within = Q(after__lte=window)
        completer = Q(successful=True, ended_day__lte=today)
        aggregates[f"{name}_all"] = Count("pk", filter=followed)
        aggregates[f"{name}_all_convicted"] = Count("pk", filter=followed & within)
        aggregates[f"{name}_completers"] = Count("pk", filter=followed & completer)
        aggregates[f"{name}_completers_convicted"] = Count(
            "pk", filter=followed & completer & within
        )
    counts = made.aggregate(**aggregates)
    out: dict[str, Any] = {"as_of": as_of.isoformat(), "windows": {}}
    for name, window in RECONVICTION_WINDOWS.items():
        out["windows"][name] = {
            "window_days": window,
            "all_starters": st.rate(counts[f"{name}_all_convicted"], counts[f"{name}_all"]),
            "completers": st.rate(
                counts[f"{name}_completers_convicted"], counts[f"{name}_completers"]
            ),
        }
    return cast(results.Reconviction[int], out)

"""Reconviction within one and two years of commencement (3.7, Figure 17).

Definitions: docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.queries import Period, Scope

from .common import RECONVICTION_WINDOWS, _today
from .offending import conviction_counts

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
    counts = conviction_counts(scope, period, as_of.toordinal())
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

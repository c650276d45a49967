"""Early revocation: how soon Orders are revoked, with completion as a competing risk
(recommendation i, 3.11, Figure 19).

Definitions: docs/reports.md, section 6.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db.models import Case as When_
from django.db.models import Count, IntegerField, Q, Value, When

from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.queries import Period, Scope
from dtto.standards.rules import REVOCATION_TERMINATION_REASONS, SUCCESSFUL_TERMINATION_REASONS

from .common import RETENTION_DAYS, _shared, _today, days_on_order_by, ended_by

# How each Order counts in the curve: still running (censored) or how it ended.
RUNNING, REVOKED, COMPLETED, ENDED_OTHERWISE = 0, 1, 2, 3


def revocation(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> results.Revocation[int]:
    """Cumulative incidence of revocation by 3, 6 and 12 months on the Order, for Orders
    made in the period, with completion (and every other ending) competing.

    Kaplan-Meier retention treats every ending as the event; one minus a Kaplan-Meier curve of
    revocation alone would treat completed Orders as if they could still be revoked, and
    overstate it. The Aalen-Johansen estimate does not: an Order that has completed can no
    longer be revoked. Running Orders are censored at the days they have run by ``as_of``.
    """
    as_of = _today(as_of)
    day = as_of.toordinal()
    rows = _shared(("revocation", scope, period, as_of), lambda: list(_counts(scope, period, day)))
    counts = [(days, what, n) for days, what, n in rows]
    days_at = list(RETENTION_DAYS.values())
    revoked = st.aalen_johansen(counts, REVOKED, days_at)
    completed = st.aalen_johansen(counts, COMPLETED, days_at)
    by_kind = {kind: sum(n for _, what, n in counts if what == kind) for kind in range(4)}
    return {
        "n": revoked["n"],
        "revoked": by_kind[REVOKED],
        "completed": by_kind[COMPLETED],
        "ended_otherwise": by_kind[ENDED_OTHERWISE],
        "running": by_kind[RUNNING],
        "revoked_by": _incidence_at(revoked["at"]),
        "completed_by": _incidence_at(completed["at"]),
        "curve": revoked["curve"],
        "completion_curve": completed["curve"],
    }


def _incidence_at(points: dict[str, Any]) -> results.IncidenceAt:
    out: dict[str, results.Incidence] = {}
    for name, days in RETENTION_DAYS.items():
        point = points[str(days)]
        if point is None:
            out[name] = {"incidence": None, "ci_low": None, "ci_high": None}
        else:
            value, low, high = point
            out[name] = {"incidence": value, "ci_low": low, "ci_high": high}
    return cast(results.IncidenceAt, out)


def _counts(scope: Scope, period: Period, day: int) -> Any:
    """Orders made in the period by days on the Order by ``day`` and how they had ended."""
    made = scope.summaries().filter(**period.day_filter("made_day")).filter(made_day__lte=day)
    ended = ended_by(day)
    return (
        made.annotate(
            days=days_on_order_by(day),
            what=When_(
                When(
                    ended & Q(termination_reason__in=REVOCATION_TERMINATION_REASONS),
                    then=Value(REVOKED),
                ),
                When(
                    ended & Q(termination_reason__in=SUCCESSFUL_TERMINATION_REASONS),
                    then=Value(COMPLETED),
                ),
                When(ended, then=Value(ENDED_OTHERWISE)),
                default=Value(RUNNING),
                output_field=IntegerField(),
            ),
        )
        .values_list("days", "what")
        .annotate(n=Count("pk"))
        .order_by()
    )

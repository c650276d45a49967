"""Orders made and ended: commencements against targets, terminations and successful
completion, enforcement (2.2-2.4, 3.2-3.3, 3.27).

Definitions: docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, cast

from django.db.models import Count, Q

from dtto.accounts.models import Area, AreaTarget
from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.queries import Period, Scope
from dtto.standards.targets import completion_target_for
from dtto.standards.timeline import TERMINATION_REASONS

from .common import _ended_pass, _financial_year_of_month, _made_pass, _per_100, _today

# --- 1. Commencements against targets ---------------------------------------------------------


def commencements(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> results.Commencements[int]:
    """Orders made, by intensity, month and financial year, against area targets (2.2-2.4)."""
    by_intensity: dict[str, int] = defaultdict(int)
    months: dict[str, dict[str, int]] = defaultdict(lambda: {"higher": 0, "lower": 0})
    per_area_year: dict[tuple[int, int, str], int] = defaultdict(int)
    for row in _made_pass(scope, period, _today(as_of)):
        month, intensity, n = row["month_start"], row["intensity"], row["cases"]
        by_intensity[intensity] += n
        months[month][intensity] += n
        per_area_year[(row["area_id"], _financial_year_of_month(month), intensity)] += n
    by_month = [
        {"month": key, **counts, "total": sum(counts.values())}
        for key, counts in sorted(months.items())
    ]
    years = {year for _, year, _ in per_area_year}
    targets = AreaTarget.objects.filter(financial_year__in=years)
    if scope.area_id is not None:
        targets = targets.filter(area_id=scope.area_id)
    target_of = {
        (t.area_id, t.financial_year, t.intensity): t.commencements for t in targets.order_by()
    }
    # Targets are set per area; below area level there is no target to compare with.
    has_targets = scope.kind in ("national", "area")
    by_year: dict[tuple[int, str], dict[str, Any]] = {}
    by_area: list[dict[str, Any]] = []
    names = dict(Area.objects.values_list("pk", "code"))
    for key in sorted(set(per_area_year) | set(target_of)):
        area_id, year, intensity = key
        n = per_area_year.get(key, 0)
        target = target_of.get(key) if has_targets else None
        row = by_year.setdefault(
            (year, intensity),
            {"financial_year": year, "intensity": intensity, "commencements": 0, "target": None},
        )
        row["commencements"] += n
        if target is not None:
            row["target"] = (row["target"] or 0) + target
        if scope.kind == "national":
            by_area.append(
                {
                    "area": names[area_id],
                    "financial_year": year,
                    "intensity": intensity,
                    "commencements": n,
                    "target": target,
                    "share_of_target": n / target if target else None,
                }
            )
    for row in by_year.values():
        row["share_of_target"] = row["commencements"] / row["target"] if row["target"] else None
    return {
        "total": sum(by_intensity.values()),
        "by_intensity": {i: by_intensity.get(i, 0) for i in ("higher", "lower")},
        "by_month": cast(list[results.MonthCommencements[int]], by_month),
        "by_year": cast(
            list[results.YearCommencements[int]], [by_year[k] for k in sorted(by_year)]
        ),
        "by_area": cast(list[results.AreaYearCommencements[int]], by_area),
    }


# --- 3. Terminations and successful completion ----------------------------------------------


def terminations(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> results.Terminations[int]:
    """Orders ended in the period (by ``as_of``), by reason; successful completion against its
    target (3.2-3.3)."""
    counts: dict[str, int] = defaultdict(int)
    by_reason: dict[str, int] = defaultdict(int)
    for row in _ended_pass(scope, period, _today(as_of)):
        by_reason[row["termination_reason"]] += row["total"]
        for key in ("total", "successful", "expired_in_breach"):
            counts[key] += row[key]
    total = counts["total"]
    successful = counts["successful"]
    completion = st.rate(successful, total)
    target = completion_target_for(period.start, period.end)
    return {
        "total": total,
        "by_reason": {r: by_reason.get(r, 0) for r in TERMINATION_REASONS},
        "by_reason_share": {r: st.rate(by_reason.get(r, 0), total) for r in TERMINATION_REASONS},
        "successful": successful,
        "expired_in_breach": counts["expired_in_breach"],
        "successful_rate": completion["rate"],
        "successful_completion": completion,
        # The target in force throughout the period, if any (docs/reports.md).
        "target_rate": None if target is None else target.rate,
        "meets_target": None
        if completion["rate"] is None or target is None
        else completion["rate"] >= target.rate,
    }


# --- 4. Enforcement --------------------------------------------------------------------------


def breaches(
    scope: Scope, period: Period, *, as_of: dt.date | None = None
) -> results.Breaches[int]:
    """Breaches instigated per 100 commencements; share of decided breaches revoked (3.27);
    each counted from its day, up to ``as_of``."""
    as_of = _today(as_of)
    instigated = scope.breaches().filter(**period.filter("on")).filter(on__lte=as_of).count()
    started = sum(row["cases"] for row in _made_pass(scope, period, as_of))
    decided = (
        scope.breaches()
        .filter(decided_on__isnull=False, **period.filter("decided_on"))
        .filter(decided_on__lte=as_of)
        .exclude(outcome__meaning="pending")
    )
    decided_counts = decided.aggregate(
        decided=Count("pk"), revoked=Count("pk", filter=Q(outcome__meaning="revoked"))
    )
    revoked = st.rate(decided_counts["revoked"], decided_counts["decided"])
    return {
        "instigated": instigated,
        "commencements": started,
        "per_100_commencements": _per_100(instigated, started),
        "decided": decided_counts["decided"],
        "revoked": decided_counts["revoked"],
        "continued": decided_counts["decided"] - decided_counts["revoked"],
        "revoked_share": revoked["rate"],
        "revoked_rate": revoked,
    }

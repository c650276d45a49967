"""National Standard compliance on every Order, or on a sample of case files (3.15-3.19).

Definitions: docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any, cast

from django.db.models import Count, Q, QuerySet

from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.models import OrderFinding, OrderSummary
from dtto.reports.queries import Period, Scope
from dtto.reports.summaries import EVENT_COUNTS

from .common import (
    COMPLIANCE_MEASURES,
    SUMMED_COUNTS,
    _compliance_aggregates,
    _made,
    _made_pass,
    _today,
)

# --- 5. National Standard compliance ----------------------------------------------------------


def _sum_counts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Add up the compliance counts of a pass's rows."""
    return {key: sum(r[key] for r in rows) for key in SUMMED_COUNTS}


def _compliance_counts(counts: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = {
        m: st.rate(counts[f"{m}__n"], counts[f"{m}__d"]) for m in COMPLIANCE_MEASURES
    }
    out["cases"] = counts["cases"]
    # Every finding counted was final on this day; later ones are not counted.
    out["as_of"] = as_of.isoformat()
    return out


def _by_event(
    counts: dict[str, Any], unsettled: QuerySet[OrderSummary], as_of: dt.date
) -> dict[str, Any]:
    """The findings final by ``as_of`` counted by week, review and failure, not by case: the
    whole-record counts of the Orders settled by then (in ``counts``), plus the findings final
    by then of the Orders still to settle, counted from their rows."""
    day = as_of.toordinal()
    judged = {e: counts[f"settled_{e}_judged"] for e in EVENT_COUNTS}
    met = {e: counts[f"settled_{e}_met"] for e in EVENT_COUNTS}
    event_of = {kind: name for name, kind in EVENT_COUNTS.items()}
    rows = (
        OrderFinding.objects.filter(
            summary__in=unsettled.filter(findings_final_day__gt=day), final_day__lte=day
        )
        .values("kind", "phase")
        .annotate(judged=Count("pk"), met=Count("pk", filter=Q(met=True)))
        .order_by()
    )
    for row in rows:
        event = event_of.get((row["kind"], row["phase"]))
        if event is not None:
            judged[event] += row["judged"]
            met[event] += row["met"]
    return {e: st.rate(met[e], judged[e]) for e in EVENT_COUNTS}


def compliance(
    scope: Scope,
    period: Period,
    *,
    as_of: dt.date | None = None,
    sample_per_area: int | None = None,
    seed: int = 2003,
) -> results.Compliance[int]:
    """National Standard compliance on every Order made in the period (3.15-3.19), counting
    the findings final by ``as_of``.

    With ``sample_per_area``, a reproducible random sample of that many Orders per area, drawn
    the way inspectors draw case files: the same seed gives the same files.
    """
    as_of = _today(as_of)
    if sample_per_area is None:
        counts = _sum_counts(_made_pass(scope, period, as_of))
        out = _compliance_counts(counts, as_of)
        out["by_event"] = _by_event(counts, _made(scope, period, as_of), as_of)
        return cast(results.Compliance[int], out)
    made_ids = _made(scope, period, as_of)
    ids_by_area: dict[int, list[int]] = defaultdict(list)
    for area_id, pk in made_ids.order_by("area_id", "pk").values_list("area_id", "pk"):
        ids_by_area[area_id].append(pk)
    chosen: list[int] = []
    for area_id, ids in sorted(ids_by_area.items()):
        draw = random.Random(f"{seed}:{area_id}")
        chosen.extend(draw.sample(ids, min(sample_per_area, len(ids))))
    sampled = OrderSummary.objects.filter(pk__in=chosen)
    counts = sampled.aggregate(**_compliance_aggregates(as_of.toordinal()))
    out = _compliance_counts(counts, as_of)
    out["by_event"] = _by_event(counts, sampled, as_of)
    out["sample"] = {"seed": seed, "sample_size": sample_per_area, "order_ids": sorted(chosen)}
    return cast(results.Compliance[int], out)

"""Comparing areas honestly (funnel plots, Appendix 2) and the summary for sentencers
(Appendix 1 standard 7).

Definitions: docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, cast

from django.db.models import Count, F

from dtto.accounts.models import Area
from dtto.cases.models import Intensity
from dtto.reports import outcome_results as out
from dtto.reports import results
from dtto.reports import statistics as st
from dtto.reports.queries import Period, Scope

from .common import COMPLIANCE_MEASURES, _ended_pass, _made, _made_pass, _today, shared_passes
from .drug_tests import drug_use
from .national_standard import _sum_counts, compliance
from .orders import breaches, commencements, terminations
from .reoffending import reconviction
from .time_on_order import retention

# --- 11. Comparing areas honestly -----------------------------------------------------------


def area_comparison(period: Period, *, as_of: dt.date | None = None) -> results.AreaComparison[int]:
    """Each area's completion rate on a funnel plot, and compliance against completion; with
    each area's context (Orders made, median length, intensity sentenced against recommended).

    Appendix 2 of the source compared areas' compliance with their completion rates; here
    the correlation is computed over areas with at least 5 terminations and 5 judged cases.
    """
    as_of = _today(as_of)
    names = dict(Area.objects.values_list("pk", "code"))
    national = Scope.national()
    completion_counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in _ended_pass(national, period, as_of):
        completion_counts[row["area_id"]][0] += row["successful"]
        completion_counts[row["area_id"]][1] += row["total"]
    completion = {area_id: (s, n) for area_id, (s, n) in completion_counts.items()}
    made_by_area: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in _made_pass(national, period, as_of):
        made_by_area[row["area_id"]].append(row)
    compliance_rows = {area_id: _sum_counts(rows) for area_id, rows in made_by_area.items()}
    context = _area_context(period, as_of)
    total_s = sum(s for s, _ in completion.values())
    total_n = sum(n for _, n in completion.values())
    p0 = total_s / total_n if total_n else None
    areas: list[dict[str, Any]] = []
    for area_id, code in sorted(names.items(), key=lambda kv: kv[1]):
        s, n = completion.get(area_id, (0, 0))
        row = compliance_rows.get(area_id, {})
        compliance_rates = {
            m: st.rate(row.get(f"{m}__n", 0), row.get(f"{m}__d", 0)) for m in COMPLIANCE_MEASURES
        }
        judged = [r["rate"] for r in compliance_rates.values() if r["rate"] is not None]
        areas.append(
            {
                "area": code,
                "successful_completion": st.rate(s, n),
                "funnel": st.funnel_position(s, n, p0) if p0 is not None else "no_data",
                "compliance": compliance_rates,
                # The unweighted mean of the measures the area has judged cases for.
                "compliance_index": sum(judged) / len(judged) if judged else None,
                **context.get(area_id, _context([])),
            }
        )
    correlations: dict[str, Any] = {}
    for measure in (*COMPLIANCE_MEASURES, "compliance_index"):
        pairs = []
        for a in areas:
            c = a["successful_completion"]
            x = (
                a["compliance_index"]
                if measure == "compliance_index"
                else a["compliance"][measure]["rate"]
            )
            d = 5 if measure == "compliance_index" else a["compliance"][measure]["denominator"]
            if x is not None and c["denominator"] >= 5 and d >= 5:
                pairs.append((x, c["rate"]))
        correlations[measure] = {
            **st.correlation([x for x, _ in pairs], [y for _, y in pairs]),
            # The number of areas is not a count of people: never suppressed.
            "n_areas": len(pairs),
        }
    sizes = [n for _, n in completion.values() if n > 0]
    limits = []
    if p0 is not None and sizes:
        grid = sorted({*sizes, *range(1, max(sizes) + 1, max(1, max(sizes) // 50))})
        limits = st.funnel_limits(p0, grid)
    return {
        "overall_rate": p0,
        "areas": cast(list[results.AreaResult[int]], areas),
        "funnel_limits": limits,
        "correlation_with_completion": correlations,
    }


# The intensities from least to most demanding, to compare what was sentenced with what the
# assessment recommended.
_RANK = {Intensity.LOWER.value: 0, Intensity.HIGHER.value: 1}


def _area_context(period: Period, as_of: dt.date) -> dict[int, dict[str, Any]]:
    """Each area's Orders made in the period (by ``as_of``): how many, their median length in
    months, and the intensity sentenced against the assessment's recommendation. One grouped
    query over the summaries, joined to the assessment for its recommendation."""
    rows = (
        _made(Scope.national(), period, as_of)
        .values("area_id", "length_months", "intensity")
        .annotate(recommended=F("order__case__assessment__recommended_intensity"), n=Count("pk"))
        .order_by()
    )
    by_area: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_area[row["area_id"]].append(row)
    return {area_id: _context(area_rows) for area_id, area_rows in by_area.items()}


def _context(rows: list[dict[str, Any]]) -> dict[str, Any]:
    lengths: dict[int, int] = defaultdict(int)
    against = {"lower": 0, "equal": 0, "higher": 0, "not_recorded": 0}
    for row in rows:
        lengths[row["length_months"]] += row["n"]
        recommended = _RANK.get(row["recommended"] or "")
        if recommended is None:
            against["not_recorded"] += row["n"]
            continue
        sentenced = _RANK[row["intensity"]]
        side = (
            "lower" if sentenced < recommended else "higher" if sentenced > recommended else "equal"
        )
        against[side] += row["n"]
    (median,) = st.quantiles_from_counts(list(lengths.items()), (0.5,))
    compared = against["lower"] + against["equal"] + against["higher"]
    comparison: out.IntensityAgainstRecommendation[int] = {
        "compared": compared,
        "not_recorded": against["not_recorded"],
        "lower": st.rate(against["lower"], compared),
        "equal": st.rate(against["equal"], compared),
        "higher": st.rate(against["higher"], compared),
    }
    return {
        "orders_made": sum(lengths.values()),
        "median_length_months": median,
        "intensity_against_recommendation": comparison,
    }


# --- 12. For sentencers ----------------------------------------------------------------------


def sentencer_summary(
    court: str, period: Period, *, as_of: dt.date | None = None
) -> results.SentencerSummary[int]:
    """One page on how the sentence is working at a court (Appendix 1 standard 7)."""
    with shared_passes():
        return _sentencer_summary(Scope.court(court), period, as_of=as_of)


def _sentencer_summary(
    scope: Scope, period: Period, *, as_of: dt.date | None
) -> results.SentencerSummary[int]:
    as_of = _today(as_of)
    ended = terminations(scope, period, as_of=as_of)
    kept = retention(scope, period, as_of=as_of)["groups"].get("all")
    use = drug_use(scope, period, max_month=12, as_of=as_of)["months"]
    first = next((m for m in use if m["month"] == 1), None)
    later = [m for m in use if m["month"] >= 6]
    return {
        "court": scope.to_json(),
        "period": period.to_json(),
        "commencements": commencements(scope, period, as_of=as_of)["total"],
        "terminations": {
            "total": ended["total"],
            "successful": ended["successful"],
            "successful_completion": ended["successful_completion"],
            "expired_in_breach": ended["expired_in_breach"],
            "by_reason": ended["by_reason"],
        },
        "on_order": None if kept is None else {"orders": kept["n"], "ended": kept["ended"]},
        "still_on_at_6_months": None if kept is None else kept["still_on"]["6_months"],
        "median_days_on_order": None if kept is None else kept["median_days"],
        "breaches": breaches(scope, period, as_of=as_of),
        "reviews_held_when_due": compliance(scope, period, as_of=as_of)["reviews"],
        "opiate_negative_month_1": None if first is None else first["opiate"]["tests_negative"],
        "opiate_negative_month_6_on": _pool([m["opiate"]["tests_negative"] for m in later]),
        "reconviction": reconviction(scope, period, as_of=as_of)["windows"],
    }


def _pool(rates: list[results.Rate[int]]) -> results.Rate[int]:
    return st.rate(sum(r["numerator"] for r in rates), sum(r["denominator"] for r in rates))

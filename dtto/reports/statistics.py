"""Honest statistics for small areas: intervals, control limits, survival, disclosure control.

The source warns that small numbers distort local results (3.10); every rate dtto publishes
carries a Wilson interval, areas are compared on funnel plots rather than league tables, and
``publish`` withholds counts under 5, with everything computed from them, in anything
published. Definitions: docs/reports.md ("Disclosure control").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar, cast, overload

from dtto.reports.results import (
    AreaComparison,
    AreaCosts,
    AreaResult,
    Breaches,
    Commencements,
    Compliance,
    Continuity,
    ContinuityRate,
    Correlation,
    Count,
    DrugMonth,
    DrugUse,
    Incidence,
    IncidenceAt,
    IntensityAgainstRecommendation,
    OnOrder,
    PublishedReport,
    PublishedSummary,
    Rate,
    Reach,
    ReachGroup,
    ReconvictionWindow,
    ReferralFunnel,
    RelativeRate,
    Report,
    Retention,
    RetentionGroup,
    Reviews,
    Revocation,
    SentencerSummary,
    StageRate,
    Terminations,
)

Z95 = 1.959963984540054
Z998 = 3.090232306167813
SUPPRESS_BELOW = 5


def wilson(k: int, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """Wilson score interval for k successes in n trials; (None, None) when n is 0."""
    if n <= 0:
        return None, None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # Exact ends when every trial went one way, free of rounding.
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def rate(numerator: int, denominator: int) -> Rate[int]:
    """A rate as published: the counts, the fraction (None if no denominator) and its CI."""
    low, high = wilson(numerator, denominator)
    return {
        "numerator": numerator,
        "denominator": denominator,
        "rate": numerator / denominator if denominator else None,
        "ci_low": low,
        "ci_high": high,
    }


def funnel_limits(
    p0: float, sizes: Iterable[int], z_levels: Sequence[float] = (Z95, Z998)
) -> list[dict[str, float]]:
    """Control limits around the overall rate p0 for each size n (Spiegelhalter 2005).

    Normal approximation to the binomial, clipped to [0, 1]: the limits an area's rate would
    fall inside 95% and 99.8% of the time if it were no different from the whole.
    """
    out = []
    for n in sorted(set(sizes)):
        if n <= 0:
            continue
        se = math.sqrt(p0 * (1 - p0) / n)
        row: dict[str, float] = {"n": n}
        for z, name in zip(z_levels, ("95", "99.8"), strict=False):
            row[f"lower_{name}"] = max(0.0, p0 - z * se)
            row[f"upper_{name}"] = min(1.0, p0 + z * se)
        out.append(row)
    return out


def funnel_position(k: int, n: int, p0: float) -> str:
    """Where an area falls: "within", "above_95", "above_99.8", "below_95", "below_99.8"."""
    if n <= 0:
        return "no_data"
    se = math.sqrt(p0 * (1 - p0) / n)
    if se == 0:
        return "within"
    z = (k / n - p0) / se
    side = "above" if z > 0 else "below"
    if abs(z) > Z998:
        return f"{side}_99.8"
    if abs(z) > Z95:
        return f"{side}_95"
    return "within"


def relative_rate(a: int, n1: int, b: int, n2: int, z: float = Z95) -> RelativeRate[int]:
    """Rate a/n1 relative to b/n2, with the log-method (Katz) interval.

    None where either rate is undefined or zero, since a ratio with a zero has no useful
    interval on the log scale. The reference group's counts come along so that ``publish``
    can withhold a ratio that would give a small reference group's rate away.
    """
    if n1 <= 0 or n2 <= 0 or a <= 0 or b <= 0:
        return {
            "ratio": None,
            "ci_low": None,
            "ci_high": None,
            "reference_numerator": b,
            "reference_denominator": n2,
        }
    ratio = (a / n1) / (b / n2)
    se = math.sqrt(max(0.0, 1 / a - 1 / n1 + 1 / b - 1 / n2))
    return {
        "ratio": ratio,
        "ci_low": math.exp(math.log(ratio) - z * se),
        "ci_high": math.exp(math.log(ratio) + z * se),
        "reference_numerator": b,
        "reference_denominator": n2,
    }


def quantiles_from_counts(counts: Sequence[tuple[int, int]], qs: Sequence[float]) -> list[Any]:
    """Quantiles of a value from (value, count) pairs, as counted in the database.

    The lower median convention (the smallest value with at least q of the weight at or below
    it), so a quantile is always a value that occurred.
    """
    ordered = sorted((v, c) for v, c in counts if c > 0)
    total = sum(c for _, c in ordered)
    out: list[Any] = []
    for q in qs:
        if total == 0:
            out.append(None)
            continue
        target = q * total
        running = 0
        for value, count in ordered:
            running += count
            if running >= target:
                out.append(value)
                break
    return out


def kaplan_meier(
    durations: Sequence[int], events: Sequence[bool], weights: Sequence[int], at: Sequence[int]
) -> dict[str, Any]:
    """Kaplan-Meier estimate from (duration, event, count) groups counted in the database.

    Running Orders are censored at the days they have run so far, so the estimate uses them
    without the bias of looking only at ended Orders (3.11). Returns the median (None when
    the curve does not fall to one half), the survival at each day in ``at`` (None beyond the
    longest follow-up) and the curve's steps.
    """
    n = int(sum(weights))
    if n == 0:
        return {"n": 0, "events": 0, "median_days": None, "survival_at": {}, "curve": []}
    from lifelines import KaplanMeierFitter  # imported here: it takes a second to load

    kmf = KaplanMeierFitter()
    kmf.fit(list(durations), event_observed=list(events), weights=list(weights))
    table = kmf.survival_function_
    curve = [(float(t), float(s)) for t, s in zip(table.index, table.iloc[:, 0], strict=True)]
    median = kmf.median_survival_time_
    longest = max(d for d, w in zip(durations, weights, strict=True) if w)
    survival_at: dict[str, float | None] = {}
    for day in at:
        survival_at[str(day)] = (
            None if day > longest else float(kmf.survival_function_at_times(day).iloc[0])
        )
    return {
        "n": n,
        "events": int(sum(w for e, w in zip(events, weights, strict=True) if e)),
        "median_days": None if math.isinf(median) else float(median),
        "survival_at": survival_at,
        "curve": curve,
    }


def aalen_johansen(
    counts: Sequence[tuple[int, int, int]], cause: int, at: Sequence[int], z: float = Z95
) -> dict[str, Any]:
    """Cumulative incidence of ``cause`` with every other cause competing (Aalen-Johansen).

    ``counts`` are (days, cause, number) groups as counted in the database; cause 0 is
    censored (still running). At each day with an ending, the incidence of ``cause`` rises by
    S(day before) x (endings of ``cause`` that day) / (at risk that day), where S is the
    Kaplan-Meier chance of not having ended by any cause; censored Orders are at risk on their
    last day. Ties (several endings on one day, of one cause or several) are exact, unlike
    lifelines' ``AalenJohansenFitter``, which breaks them by random jitter (docs/decisions/
    0016-measures-from-the-existing-record.md). The variance is the delta-method
    (Greenwood-type) one of Collett, *Modelling Survival Data in Medical Research* (3rd ed.,
    p. 411), as lifelines computes it; the 95% interval is on the log(-log) scale so that it
    stays inside 0..1. Returns the counts, for each day in ``at`` the incidence and interval
    (None beyond the longest follow-up; no interval at an incidence of 0 or 1), and the
    curve's steps (the days on which ``cause`` happened).
    """
    by_day: dict[int, list[int]] = {}
    for days, what, n in counts:
        if n <= 0:
            continue
        row = by_day.setdefault(days, [0, 0, 0])  # censored, this cause, any cause
        if what == 0:
            row[0] += n
        else:
            row[2] += n
            if what == cause:
                row[1] += n
    total = sum(r[0] + r[2] for r in by_day.values())
    at_risk = total
    survival = 1.0
    incidence = 0.0
    # One step a day with an ending: (day, incidence after it, S before it, at risk, endings,
    # endings of the cause).
    steps: list[tuple[int, float, float, int, int, int]] = []
    for day in sorted(by_day):
        censored, of_cause, ended = by_day[day]
        if ended:
            incidence += survival * of_cause / at_risk
            steps.append((day, incidence, survival, at_risk, ended, of_cause))
            survival *= 1 - ended / at_risk
        at_risk -= ended + censored
    longest = max(by_day) if by_day else 0
    points: dict[str, tuple[float, float | None, float | None] | None] = {}
    for day in at:
        if not by_day or day > longest:
            points[str(day)] = None
            continue
        upto = [s for s in steps if s[0] <= day]
        value = upto[-1][1] if upto else 0.0
        points[str(day)] = (value, *_cif_interval(value, upto, z))
    return {
        "n": total,
        "events": sum(r[1] for r in by_day.values()),
        "competing": sum(r[2] - r[1] for r in by_day.values()),
        "at": points,
        "curve": [(float(s[0]), s[1]) for s in steps if s[5]],
    }


def _cif_interval(
    value: float, steps: Sequence[tuple[int, float, float, int, int, int]], z: float
) -> tuple[float | None, float | None]:
    if value <= 0 or value >= 1:
        return None, None
    variance = 0.0
    for _, f_j, s_before, n, d, d_k in steps:
        gap = value - f_j
        # Where everyone left at risk ends (n = d) the gap is 0: that is the last step.
        if n > d:
            variance += gap * gap * d / (n * (n - d))
        variance += s_before * s_before * d_k * (n - d_k) / n**3
        variance -= 2 * gap * s_before * d_k / (n * n)
    se = math.sqrt(max(0.0, variance)) / (value * abs(math.log(value)))
    centre = math.log(-math.log(value))
    return math.exp(-math.exp(centre + z * se)), math.exp(-math.exp(centre - z * se))


def correlation(xs: Sequence[float], ys: Sequence[float]) -> Correlation:
    """Pearson and Spearman correlation of paired values (None with fewer than 3 pairs)."""
    n = len(xs)
    if n < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return {"n": n, "pearson_r": None, "pearson_p": None, "spearman_rho": None}
    from scipy import stats

    pearson = stats.pearsonr(xs, ys)
    spearman = stats.spearmanr(xs, ys)
    return {
        "n": n,
        "pearson_r": float(pearson.statistic),
        "pearson_p": float(pearson.pvalue),
        "spearman_rho": float(spearman.statistic),
        "spearman_p": float(spearman.pvalue),
    }


# --- Disclosure control ------------------------------------------------------------------------
#
# Every figure a report publishes goes through ``publish``: the renderers (pages, CSV, JSON,
# HTML, PDF) accept only its result type, so mypy refuses a path that skips it. The rule
# (docs/reports.md, "Disclosure control"): a count of 1 to 4 people or Orders is withheld,
# and so is every rate, share, interval, ratio, quantile or survival figure computed from it;
# a unit (an area) whose rate is withheld is not judged against the funnel plot's limits.
# Zero is published: it identifies nobody.


_V = TypeVar("_V")


def _small(count: int) -> bool:
    return 0 < count < SUPPRESS_BELOW


def _count(count: int) -> Count:
    return None if _small(count) else count


def _unless_small(value: _V, *counts: int) -> _V | None:
    """A figure computed from ``counts``: withheld when any of them is."""
    return None if any(_small(c) for c in counts) else value


def _withheld_rate() -> Rate[Count]:
    return {
        "numerator": None,
        "denominator": None,
        "rate": None,
        "ci_low": None,
        "ci_high": None,
        "suppressed": True,
    }


def _is_withheld(r: Rate[int]) -> bool:
    return _small(r["numerator"]) or _small(r["denominator"])


def _rate(r: Rate[int]) -> Rate[Count]:
    """A rate whose numerator or denominator is small is withheld whole: its interval (and
    its fraction) would give the count away."""
    if _is_withheld(r):
        return _withheld_rate()
    return {
        "numerator": r["numerator"],
        "denominator": r["denominator"],
        "rate": r["rate"],
        "ci_low": r["ci_low"],
        "ci_high": r["ci_high"],
    }


def _relative(r: RelativeRate[int], *, own_rate_withheld: bool) -> RelativeRate[Count]:
    """Withheld with the group's own rate, and when the reference group's counts are small:
    with the group's rate beside it, the ratio would give the reference group's rate away."""
    if own_rate_withheld or _small(r["reference_numerator"]) or _small(r["reference_denominator"]):
        return {
            "ratio": None,
            "ci_low": None,
            "ci_high": None,
            "reference_numerator": None,
            "reference_denominator": None,
            "suppressed": True,
        }
    return {
        "ratio": r["ratio"],
        "ci_low": r["ci_low"],
        "ci_high": r["ci_high"],
        "reference_numerator": r["reference_numerator"],
        "reference_denominator": r["reference_denominator"],
    }


def _commencements(c: Commencements[int]) -> Commencements[Count]:
    return {
        "total": _count(c["total"]),
        "by_intensity": {k: _count(v) for k, v in c["by_intensity"].items()},
        "by_month": [
            {
                "month": m["month"],
                "higher": _count(m["higher"]),
                "lower": _count(m["lower"]),
                "total": _count(m["total"]),
            }
            for m in c["by_month"]
        ],
        "by_year": [
            {
                "financial_year": y["financial_year"],
                "intensity": y["intensity"],
                "commencements": _count(y["commencements"]),
                "target": y["target"],
                "share_of_target": _unless_small(y["share_of_target"], y["commencements"]),
            }
            for y in c["by_year"]
        ],
        "by_area": [
            {
                "area": a["area"],
                "financial_year": a["financial_year"],
                "intensity": a["intensity"],
                "commencements": _count(a["commencements"]),
                "target": a["target"],
                "share_of_target": _unless_small(a["share_of_target"], a["commencements"]),
            }
            for a in c["by_area"]
        ],
    }


def _referrals(f: ReferralFunnel[int]) -> ReferralFunnel[Count]:
    waits = f["days_referral_to_order"]
    # The quantiles of a handful of waits are those people's own waits.
    few = _small(waits["n"])
    return {
        "referred": _count(f["referred"]),
        "not_assessed": {
            "total": _count(f["not_assessed"]["total"]),
            "by_reason": {k: _count(v) for k, v in f["not_assessed"]["by_reason"].items()},
        },
        "unsuitable": {
            "total": _count(f["unsuitable"]["total"]),
            "by_reason": {k: _count(v) for k, v in f["unsuitable"]["by_reason"].items()},
        },
        "suitable_not_sentenced": _count(f["suitable_not_sentenced"]),
        "sentenced": _count(f["sentenced"]),
        "sentenced_without_assessment": _count(f["sentenced_without_assessment"]),
        "awaiting_assessment": _count(f["awaiting_assessment"]),
        "not_found_suitable": _rate(f["not_found_suitable"]),
        "sentenced_rate": _rate(f["sentenced_rate"]),
        "days_referral_to_order": {
            "n": _count(waits["n"]),
            "median": None if few else waits["median"],
            "quartile_1": None if few else waits["quartile_1"],
            "quartile_3": None if few else waits["quartile_3"],
        },
    }


def _terminations(t: Terminations[int]) -> Terminations[Count]:
    return {
        "total": _count(t["total"]),
        "by_reason": {k: _count(v) for k, v in t["by_reason"].items()},
        "by_reason_share": {k: _rate(v) for k, v in t["by_reason_share"].items()},
        "successful": _count(t["successful"]),
        "expired_in_breach": _count(t["expired_in_breach"]),
        "successful_rate": _unless_small(t["successful_rate"], t["successful"], t["total"]),
        "successful_completion": _rate(t["successful_completion"]),
        "target_rate": t["target_rate"],
        "meets_target": _unless_small(t["meets_target"], t["successful"], t["total"]),
    }


def _breaches(b: Breaches[int]) -> Breaches[Count]:
    return {
        "instigated": _count(b["instigated"]),
        "commencements": _count(b["commencements"]),
        "per_100_commencements": _unless_small(
            b["per_100_commencements"], b["instigated"], b["commencements"]
        ),
        "decided": _count(b["decided"]),
        "revoked": _count(b["revoked"]),
        "continued": _count(b["continued"]),
        "revoked_share": _unless_small(b["revoked_share"], b["revoked"], b["decided"]),
        "revoked_rate": _rate(b["revoked_rate"]),
    }


def _compliance(c: Compliance[int]) -> Compliance[Count]:
    e = c["by_event"]
    out: Compliance[Count] = {
        "first_probation_1wd": _rate(c["first_probation_1wd"]),
        "first_treatment_2wd": _rate(c["first_treatment_2wd"]),
        "contact_phase1": _rate(c["contact_phase1"]),
        "contact_phase2": _rate(c["contact_phase2"]),
        "tests_phase1": _rate(c["tests_phase1"]),
        "tests_phase2": _rate(c["tests_phase2"]),
        "reviews": _rate(c["reviews"]),
        "enforcement": _rate(c["enforcement"]),
        "cases": _count(c["cases"]),
        "as_of": c["as_of"],
        "by_event": {
            "contact_weeks_phase1": _rate(e["contact_weeks_phase1"]),
            "contact_weeks_phase2": _rate(e["contact_weeks_phase2"]),
            "test_weeks_phase1": _rate(e["test_weeks_phase1"]),
            "test_weeks_phase2": _rate(e["test_weeks_phase2"]),
            "reviews_held": _rate(e["reviews_held"]),
            "failures_actioned": _rate(e["failures_actioned"]),
        },
    }
    if "sample" in c:
        out["sample"] = c["sample"]
    return out


def _retention_group(g: RetentionGroup[int]) -> RetentionGroup[Count]:
    """A curve over few Orders, or with few ended, is withheld: its steps, median and
    survival are the days on the Order of those few people."""
    out: RetentionGroup[Count] = {
        "n": _count(g["n"]),
        "ended": _count(g["ended"]),
        "running": _count(g["running"]),
        "median_days": g["median_days"],
        "still_on": g["still_on"],
        "curve": g["curve"],
    }
    if _small(g["n"]) or _small(g["ended"]):
        out["median_days"] = None
        out["still_on"] = {"3_months": None, "6_months": None, "12_months": None}
        out["curve"] = []
        out["suppressed"] = True
    return out


def _retention(r: Retention[int]) -> Retention[Count]:
    out: Retention[Count] = {
        "as_of": r["as_of"],
        "by": r["by"],
        "groups": {k: _retention_group(g) for k, g in r["groups"].items()},
    }
    if "revocation" in r:
        out["revocation"] = _revocation(r["revocation"])
    return out


def _no_incidence() -> IncidenceAt:
    def nothing() -> Incidence:
        return {"incidence": None, "ci_low": None, "ci_high": None}

    return {"3_months": nothing(), "6_months": nothing(), "12_months": nothing()}


def _revocation(r: Revocation[int]) -> Revocation[Count]:
    """Withheld like a retention curve, and also when few Orders were revoked or ended
    otherwise: each step of either curve is the day on which those few people's Orders ended."""
    out: Revocation[Count] = {
        "n": _count(r["n"]),
        "revoked": _count(r["revoked"]),
        "completed": _count(r["completed"]),
        "ended_otherwise": _count(r["ended_otherwise"]),
        "running": _count(r["running"]),
        "revoked_by": r["revoked_by"],
        "completed_by": r["completed_by"],
        "curve": r["curve"],
        "completion_curve": r["completion_curve"],
    }
    counts = (r["n"], r["revoked"], r["completed"], r["ended_otherwise"])
    if any(_small(c) for c in counts):
        out["revoked_by"] = _no_incidence()
        out["completed_by"] = _no_incidence()
        out["curve"] = []
        out["completion_curve"] = []
        out["suppressed"] = True
    return out


def _drug_month(m: DrugMonth[int]) -> DrugMonth[Count]:
    return {
        "tests_negative": _rate(m["tests_negative"]),
        "people": _count(m["people"]),
        "people_all_negative": _rate(m["people_all_negative"]),
    }


def _drug_use(d: DrugUse[int]) -> DrugUse[Count]:
    return {
        "months": [
            {
                "month": m["month"],
                "opiate": _drug_month(m["opiate"]),
                "cocaine": _drug_month(m["cocaine"]),
            }
            for m in d["months"]
        ],
        "clear_majority_by_month": [
            {"month": m["month"], "clear_majority": _rate(m["clear_majority"])}
            for m in d["clear_majority_by_month"]
        ],
    }


def _stage(s: StageRate[int]) -> StageRate[Count]:
    withheld = _is_withheld(s)
    rate = _rate(s)
    out: StageRate[Count] = {
        "count": None if withheld else s["count"],
        "numerator": rate["numerator"],
        "denominator": rate["denominator"],
        "rate": rate["rate"],
        "ci_low": rate["ci_low"],
        "ci_high": rate["ci_high"],
        "relative_rate": _relative(s["relative_rate"], own_rate_withheld=withheld),
    }
    if withheld:
        out["suppressed"] = True
    return out


def _reach_group(g: ReachGroup[int], totals: dict[str, int]) -> ReachGroup[Count]:
    """A group's share of everyone at a stage is withheld with the group's count there
    (or the stage's total)."""
    share = g["share"]
    return {
        "referred": {"count": _count(g["referred"]["count"])},
        "assessed": _stage(g["assessed"]),
        "suitable": _stage(g["suitable"]),
        "commenced": _stage(g["commenced"]),
        "successful": _stage(g["successful"]),
        "terminated": {"count": _count(g["terminated"]["count"])},
        "share": {
            "referred": _unless_small(
                share["referred"], g["referred"]["count"], totals["referred"]
            ),
            "assessed": _unless_small(
                share["assessed"], g["assessed"]["count"], totals["assessed"]
            ),
            "suitable": _unless_small(
                share["suitable"], g["suitable"]["count"], totals["suitable"]
            ),
            "commenced": _unless_small(
                share["commenced"], g["commenced"]["count"], totals["commenced"]
            ),
            "terminated": _unless_small(
                share["terminated"], g["terminated"]["count"], totals["terminated"]
            ),
            "successful": _unless_small(
                share["successful"], g["successful"]["count"], totals["successful"]
            ),
        },
    }


def _stage_counts(g: ReachGroup[int]) -> dict[str, int]:
    return {
        "referred": g["referred"]["count"],
        "assessed": g["assessed"]["count"],
        "suitable": g["suitable"]["count"],
        "commenced": g["commenced"]["count"],
        "terminated": g["terminated"]["count"],
        "successful": g["successful"]["count"],
    }


def _reach(r: Reach[int]) -> Reach[Count]:
    dimensions: dict[str, dict[str, ReachGroup[Count]]] = {}
    for dimension, groups in r["dimensions"].items():
        totals: dict[str, int] = {}
        for g in groups.values():
            for stage, n in _stage_counts(g).items():
                totals[stage] = totals.get(stage, 0) + n
        dimensions[dimension] = {k: _reach_group(g, totals) for k, g in groups.items()}
    return {"reference_groups": r["reference_groups"], "dimensions": dimensions}


def _area_costs(a: AreaCosts[int]) -> AreaCosts[Count]:
    return {
        **a,
        "commencements": _count(a["commencements"]),
        "cost_per_commencement": _unless_small(a["cost_per_commencement"], a["commencements"]),
        "successful_completions": _count(a["successful_completions"]),
        "cost_per_successful_completion": _unless_small(
            a["cost_per_successful_completion"], a["successful_completions"]
        ),
    }


def _reconviction(
    windows: dict[str, ReconvictionWindow[int]],
) -> dict[str, ReconvictionWindow[Count]]:
    return {
        name: {
            "window_days": w["window_days"],
            "all_starters": _rate(w["all_starters"]),
            "completers": _rate(w["completers"]),
        }
        for name, w in windows.items()
    }


def _reviews(r: Reviews[int]) -> Reviews[Count]:
    b = r["same_bench"]
    rate = _rate(b)
    out: Reviews[Count] = {
        "same_bench": {
            **rate,
            "reviews": _count(b["reviews"]),
            "not_recorded": _count(b["not_recorded"]),
            "sentencer_recorded": b["sentencer_recorded"],
            "compared_with": b["compared_with"],
        }
    }
    return out


def _continuity_rate(c: ContinuityRate[int]) -> ContinuityRate[Count]:
    return {**_rate(c), "by_reason": {k: _rate(v) for k, v in c["by_reason"].items()}}


def _continuity(c: Continuity[int]) -> Continuity[Count]:
    return {
        "onward_referred": _continuity_rate(c["onward_referred"]),
        "custody_handover": _continuity_rate(c["custody_handover"]),
        "treatment_started_within_21_days": _continuity_rate(c["treatment_started_within_21_days"]),
    }


def _area(a: AreaResult[int]) -> AreaResult[Count]:
    withheld = _is_withheld(a["successful_completion"])
    return {
        "area": a["area"],
        "successful_completion": _rate(a["successful_completion"]),
        # A withheld rate is not placed on the funnel plot, nor judged against its limits.
        "funnel": None if withheld else a["funnel"],
        "compliance": {m: _rate(r) for m, r in a["compliance"].items()},
        # The mean of the measures' rates would give a withheld one away.
        "compliance_index": (
            None
            if any(_is_withheld(r) for r in a["compliance"].values())
            else a["compliance_index"]
        ),
        "orders_made": _count(a["orders_made"]),
        # The median of 1 to 4 Orders' lengths is one of those Orders' own length.
        "median_length_months": _unless_small(a["median_length_months"], a["orders_made"]),
        "intensity_against_recommendation": _against(a["intensity_against_recommendation"]),
    }


def _against(
    a: IntensityAgainstRecommendation[int],
) -> IntensityAgainstRecommendation[Count]:
    return {
        "compared": _count(a["compared"]),
        "not_recorded": _count(a["not_recorded"]),
        "lower": _rate(a["lower"]),
        "equal": _rate(a["equal"]),
        "higher": _rate(a["higher"]),
    }


def _area_comparison(c: AreaComparison[int]) -> AreaComparison[Count]:
    successful = sum(a["successful_completion"]["numerator"] for a in c["areas"])
    ended = sum(a["successful_completion"]["denominator"] for a in c["areas"])
    # The overall rate (and the limits drawn around it) is the national completion rate.
    overall_withheld = _small(successful) or _small(ended)
    return {
        "overall_rate": None if overall_withheld else c["overall_rate"],
        "areas": [_area(a) for a in c["areas"]],
        "funnel_limits": [] if overall_withheld else c["funnel_limits"],
        "correlation_with_completion": c["correlation_with_completion"],
    }


def _report(d: Report[int]) -> Report[Count]:
    costs = d["costs"]
    out: Report[Count] = {
        "format": d["format"],
        "scope": d["scope"],
        "period": d["period"],
        "as_of": d["as_of"],
        "commencements": _commencements(d["commencements"]),
        "referrals": _referrals(d["referrals"]),
        "terminations": _terminations(d["terminations"]),
        "breaches": _breaches(d["breaches"]),
        "compliance": _compliance(d["compliance"]),
        "retention": _retention(d["retention"]),
        "retention_by_intensity": _retention(d["retention_by_intensity"]),
        "drug_use": _drug_use(d["drug_use"]),
        "reach": _reach(d["reach"]),
        "costs": None
        if costs is None
        else {
            "financial_year": costs["financial_year"],
            "areas": [_area_costs(a) for a in costs["areas"]],
        },
        "reconviction": {
            "as_of": d["reconviction"]["as_of"],
            "windows": _reconviction(d["reconviction"]["windows"]),
        },
        "reviews": _reviews(d["reviews"]),
        "continuity": _continuity(d["continuity"]),
    }
    if "areas" in d:
        out["areas"] = _area_comparison(d["areas"])
    if "compliance_sample" in d:
        out["compliance_sample"] = _compliance(d["compliance_sample"])
    from dtto.reports.outcome_publish import publish_outcomes  # it builds on this module

    publish_outcomes(d, out)
    return out


def _on_order(o: OnOrder[int]) -> OnOrder[Count]:
    return {"orders": _count(o["orders"]), "ended": _count(o["ended"])}


def _summary(d: SentencerSummary[int]) -> SentencerSummary[Count]:
    t = d["terminations"]
    on_order = d["on_order"]
    # The median and the share still on come from the same curve as the full report's.
    time_withheld = on_order is not None and (
        _small(on_order["orders"]) or _small(on_order["ended"])
    )
    month_1 = d["opiate_negative_month_1"]
    return {
        "court": d["court"],
        "period": d["period"],
        "commencements": _count(d["commencements"]),
        "terminations": {
            "total": _count(t["total"]),
            "successful": _count(t["successful"]),
            "successful_completion": _rate(t["successful_completion"]),
            "expired_in_breach": _count(t["expired_in_breach"]),
            "by_reason": {k: _count(v) for k, v in t["by_reason"].items()},
        },
        "on_order": None if on_order is None else _on_order(on_order),
        "still_on_at_6_months": None if time_withheld else d["still_on_at_6_months"],
        "median_days_on_order": None if time_withheld else d["median_days_on_order"],
        "breaches": _breaches(d["breaches"]),
        "reviews_held_when_due": _rate(d["reviews_held_when_due"]),
        "opiate_negative_month_1": None if month_1 is None else _rate(month_1),
        "opiate_negative_month_6_on": _rate(d["opiate_negative_month_6_on"]),
        "reconviction": _reconviction(d["reconviction"]),
    }


@overload
def publish(result: Report[int], *, internal: bool = False) -> PublishedReport: ...
@overload
def publish(result: SentencerSummary[int], *, internal: bool = False) -> PublishedSummary: ...
def publish(
    result: Report[int] | SentencerSummary[int], *, internal: bool = False
) -> PublishedReport | PublishedSummary:
    """A report (or a court's summary for sentencers) fit to publish: counts of 1 to 4
    withheld with everything computed from them, and withheld areas left off the funnel.

    ``internal`` (``dtto report --no-suppress``) publishes every figure as counted, for
    analysis inside the service only.
    """
    if internal:
        # Every count is an int, which a published count (int | None) may be.
        return cast("PublishedReport | PublishedSummary", result)
    if "court" in result:
        return _summary(cast("SentencerSummary[int]", result))
    return _report(cast("Report[int]", result))

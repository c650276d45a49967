"""Honest statistics for small areas: intervals, control limits, survival, suppression.

The source warns that small numbers distort local results (3.10); every rate dtto publishes
carries a Wilson interval, areas are compared on funnel plots rather than league tables, and
counts under 5 are suppressed in anything published. Definitions: docs/reports.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

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


def rate(numerator: int, denominator: int) -> dict[str, Any]:
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
) -> list[dict[str, Any]]:
    """Control limits around the overall rate p0 for each size n (Spiegelhalter 2005).

    Normal approximation to the binomial, clipped to [0, 1]: the limits an area's rate would
    fall inside 95% and 99.8% of the time if it were no different from the whole.
    """
    out = []
    for n in sorted(set(sizes)):
        if n <= 0:
            continue
        se = math.sqrt(p0 * (1 - p0) / n)
        row: dict[str, Any] = {"n": n}
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


def relative_rate(a: int, n1: int, b: int, n2: int, z: float = Z95) -> dict[str, Any]:
    """Rate a/n1 relative to b/n2, with the log-method (Katz) interval.

    None where either rate is undefined or zero, since a ratio with a zero has no useful
    interval on the log scale. The reference group's counts come along so that ``suppress``
    can withhold a ratio that would give a small reference group's rate away.
    """
    reference = {"reference_numerator": b, "reference_denominator": n2}
    if n1 <= 0 or n2 <= 0 or a <= 0 or b <= 0:
        return {"ratio": None, "ci_low": None, "ci_high": None, **reference}
    ratio = (a / n1) / (b / n2)
    se = math.sqrt(max(0.0, 1 / a - 1 / n1 + 1 / b - 1 / n2))
    return {
        "ratio": ratio,
        "ci_low": math.exp(math.log(ratio) - z * se),
        "ci_high": math.exp(math.log(ratio) + z * se),
        **reference,
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


def correlation(xs: Sequence[float], ys: Sequence[float]) -> dict[str, Any]:
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


# Integer fields that are not counts of people or Orders, so never suppressed.
NOT_COUNTS = frozenset(
    {
        "financial_year",
        "year",
        "month",
        "target",
        "seed",
        "sample_size",
        "days",
        "n_areas",
        "window_days",
        "target_to_date",
        "median",
        "quartile_1",
        "quartile_3",
        "median_days",
        "order_days",
        "order_ids",
        "commencements_target",
    }
)


# Whole parts of a report that hold no counts of people (axes, limits, ids).
NOT_PEOPLE = frozenset({"funnel_limits", "order_ids", "curve"})

# Flat figures computed from counts beside them in the same object: suppressed with them.
DERIVED = {
    "successful_rate": ("successful", "total"),
    "meets_target": ("successful", "total"),
    "revoked_share": ("revoked", "decided"),
    "per_100_commencements": ("instigated", "commencements"),
    "share_of_target": ("commencements",),
    "cost_per_commencement": ("commencements",),
    "cost_per_successful_completion": ("successful_completions",),
}


# The reference group's counts carried by a relative rate (``measures.reach``).
REFERENCE_COUNTS = ("reference_numerator", "reference_denominator")


def _small(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < SUPPRESS_BELOW


def _withheld(data: dict[str, Any]) -> dict[str, Any]:
    """The same keys with no figures, marked suppressed; nested parts (such as a rate's
    ``relative_rate``) keep their shape, so whoever reads them finds a dict, not None."""
    out: dict[str, Any] = {
        k: _withheld(v) if isinstance(v, dict) else None for k, v in data.items()
    }
    out["suppressed"] = True
    return out


def suppress(data: Any, key: str | None = None) -> Any:
    """A copy of report data fit to publish: counts of 1 to 4 become None.

    A rate whose numerator or denominator is suppressed is suppressed whole (counts, rate,
    interval, and anything built on it such as its relative rate), since the rate would give
    the count away; it is marked ``"suppressed": True``. A relative rate whose reference
    group's counts are small is suppressed too: with the group's own rate beside it, the
    ratio would give the reference group's rate away. Zero is published: it identifies nobody.
    """
    if key in NOT_PEOPLE:
        return data
    if isinstance(data, dict):
        if "numerator" in data and "denominator" in data:
            if _small(data["numerator"]) or _small(data["denominator"]):
                return _withheld(data)
            return {k: suppress(v, k) if isinstance(v, dict) else v for k, v in data.items()}
        if "ratio" in data and any(_small(data.get(k)) for k in REFERENCE_COUNTS):
            return _withheld(data)
        out = {k: suppress(v, k) for k, v in data.items()}
        for derived, sources in DERIVED.items():
            if derived in out and any(_small(data.get(source)) for source in sources):
                out[derived] = None
        return out
    if isinstance(data, list):
        return [suppress(v, key) for v in data]
    if key not in NOT_COUNTS and _small(data):
        return None
    return data

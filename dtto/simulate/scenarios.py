"""Scenarios: change some parameters, run both worlds with the same seeds, compare.

A scenario file is TOML with a ``name``, a ``description`` and a ``[parameters]`` table whose
keys are those of ``parameters.toml`` (docs/simulation.md). Each repeat runs the baseline and the
scenario with the same seed (common random numbers, so the difference is less noisy than
either run); the report gives the mean over repeats and a 95% interval for the mean difference.
"""

from __future__ import annotations

import math
import statistics
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .model import Simulation
from .order_run import OrderSummary
from .parameters import Parameters, load_parameters

SCENARIOS_DIR = Path(__file__).with_name("scenarios")

# Two-sided 97.5% points of Student's t by degrees of freedom (for the 95% interval).
_T975 = {
    1: 12.71,
    2: 4.30,
    3: 3.18,
    4: 2.78,
    5: 2.57,
    6: 2.45,
    7: 2.36,
    8: 2.31,
    9: 2.26,
    10: 2.23,
    12: 2.18,
    15: 2.13,
    20: 2.09,
    30: 2.04,
}


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    overrides: Mapping[str, Any]


def load_scenario(path: Path | str) -> Scenario:
    """Read a scenario file; its parameters are checked against the parameter file's keys."""
    with Path(path).open("rb") as f:
        raw = tomllib.load(f)
    unknown = set(raw) - {"name", "description", "parameters"}
    if unknown:
        raise ValueError(f"unknown key(s) in scenario {path}: {', '.join(sorted(unknown))}")
    overrides = raw.get("parameters", {})
    load_parameters(overrides)  # fails now, naming the key, if a parameter is misspelt
    return Scenario(
        str(raw.get("name", Path(path).stem)), str(raw.get("description", "")), overrides
    )


def order_cost(params: Parameters, s: OrderSummary) -> float:
    """The whole-life cost of one Order (supervision, treatment, testing; 3.32)."""
    k = params.costs
    factor = params.area(s.area).cost
    if s.intensity == "higher":
        weekly = k.supervision_week_higher + k.treatment_week_higher
    else:
        weekly = k.supervision_week_lower + k.treatment_week_lower
    return factor * weekly * s.days / 7 + k.test * s.tests + k.confirmation * s.confirmations


def metrics(params: Parameters, sim: Simulation) -> dict[str, float]:
    """What planners asked about, from one run's whole-history summaries."""
    orders = sim.summaries
    successes = sum(1 for s in orders if s.successful)
    cost = sum(order_cost(params, s) for s in orders)
    # Treatment places: Orders running on an average day of the window's last year.
    year_end = sim.end.toordinal()
    year_start = year_end - 364
    order_days = sum(
        max(0, min(s.terminated_on, year_end) - max(s.made_on, year_start) + 1) for s in orders
    )
    return {
        "commencements": float(len(orders)),
        "successful completions": float(successes),
        "successful completion rate": successes / len(orders) if orders else math.nan,
        "mean days on the Order": statistics.fmean(s.days for s in orders) if orders else math.nan,
        "breach hearings": float(sum(s.breach_hearings for s in orders)),
        "review hearings": float(sum(s.review_hearings for s in orders)),
        "treatment places needed": order_days / 365,
        "cost per successful completion": cost / successes if successes else math.nan,
        "reconvicted within 2 years": float(sum(s.reconvicted_within(730) for s in orders)),
    }


def run(
    params: Parameters, orders: int, seed: int, start: date | None, end: date | None
) -> dict[str, float]:
    sim = Simulation(params, orders=orders, seed=seed, start=start, end=end)
    for _ in sim.cases(records=False):
        pass
    return metrics(params, sim)


@dataclass(frozen=True)
class Row:
    measure: str
    baseline: float
    scenario: float
    difference: float
    low: float
    high: float


def _interval(values: Sequence[float]) -> tuple[float, float, float]:
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, math.nan, math.nan
    df = len(values) - 1
    t = _T975[max(k for k in _T975 if k <= df)] if df < 30 else 1.96
    half = t * statistics.stdev(values) / math.sqrt(len(values))
    return mean, mean - half, mean + half


def compare(
    scenario: Scenario,
    *,
    orders: int,
    seed: int,
    repeats: int,
    start: date | None = None,
    end: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Row]:
    """Baseline against scenario over ``repeats`` seeds: mean of each and of the difference."""
    base_params = load_parameters()
    scen_params = load_parameters(scenario.overrides)
    base_runs, scen_runs = [], []
    for i in range(repeats):
        base_runs.append(run(base_params, orders, seed + i, start, end))
        scen_runs.append(run(scen_params, orders, seed + i, start, end))
        if progress:
            progress(i + 1)
    for b, s in zip(base_runs, scen_runs, strict=True):
        # Reconvictions avoided: the baseline's rate applied to the scenario's commencements,
        # less the scenario's reconvictions (positive = fewer people reconvicted).
        rate = b["reconvicted within 2 years"] / b["commencements"]
        s["reconvictions avoided"] = rate * s["commencements"] - s["reconvicted within 2 years"]
        b["reconvictions avoided"] = 0.0
    rows = []
    for measure in base_runs[0]:
        diffs = [s[measure] - b[measure] for b, s in zip(base_runs, scen_runs, strict=True)]
        mean, low, high = _interval(diffs)
        rows.append(
            Row(
                measure,
                statistics.fmean(b[measure] for b in base_runs),
                statistics.fmean(s[measure] for s in scen_runs),
                mean,
                low,
                high,
            )
        )
    return rows


def _fmt(measure: str, value: float) -> str:
    if value != value:
        return "n/a"
    if measure.startswith("cost"):
        return f"{'-' if value < 0 else ''}£{abs(value):,.0f}"
    if measure.endswith("rate"):
        return f"{100 * value:.1f}%"
    return f"{value:,.1f}"


def format_comparison(scenario: Scenario, rows: Sequence[Row], repeats: int) -> str:
    lines = [
        f"Scenario: {scenario.name}",
        scenario.description,
        f"Mean of {repeats} paired runs; the interval is a 95% interval for the mean difference.",
        "",
    ]
    table = [("measure", "baseline", "scenario", "difference", "95% interval")]
    for r in rows:
        interval = f"{_fmt(r.measure, r.low)} to {_fmt(r.measure, r.high)}"
        if r.measure.endswith("rate"):
            diff = f"{100 * r.difference:+.1f} points"
            interval = f"{100 * r.low:+.1f} to {100 * r.high:+.1f}"
        else:
            diff = ("+" if r.difference >= 0 else "") + _fmt(r.measure, r.difference)
        table.append(
            (r.measure, _fmt(r.measure, r.baseline), _fmt(r.measure, r.scenario), diff, interval)
        )
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    lines += ["  ".join(c.ljust(widths[i]) for i, c in enumerate(row)).rstrip() for row in table]
    return "\n".join(lines)

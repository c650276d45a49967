"""Measuring a case document the way the NAO report measured the real system.

Each published figure is one small function of the case records (and, for compliance with the
National Standard, of the engine's evaluations), so that each can later be swapped for the
matching ``dtto.reports`` function without touching the rest. :func:`calibration` runs them
all and returns the table that ``dtto simulate --calibration`` prints.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from dtto.lib.dates import add_months

from .model import financial_year
from .parameters import Parameters

Case = Mapping[str, Any]
SUCCESSFUL = ("completed", "early_good_progress")
OTHER = ("ill_health", "death", "other")


@lru_cache(maxsize=200_000)
def _day(text: str) -> date:
    return date.fromisoformat(text)


def _orders(cases: Iterable[Case]) -> list[Case]:
    return [c for c in cases if c.get("order")]


def _termination(case: Case) -> Case | None:
    for e in reversed(case["events"]):
        if e["type"] == "termination":
            return e
    return None


def _terminations_in(cases: Iterable[Case], year: int) -> list[tuple[Case, Case]]:
    out = []
    for c in _orders(cases):
        t = _termination(c)
        if t is not None and _day(t["on"]).year == year:
            out.append((c, t))
    return out


def _share(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


# --- the published figures, one function each ---------------------------------------------


def commencement_ratio(cases: Sequence[Case]) -> float:
    """Commencements 2001-02 over 2002-03 (2.2: 4,854 / 6,140)."""
    by_year = Counter(financial_year(_day(c["order"]["made_on"])) for c in _orders(cases))
    return _share(by_year["2001-02"], by_year["2002-03"])


def _funnel(cases: Sequence[Case]) -> Counter[str]:
    """Referrals from April 2002 to September 2003 by result (Figure 9)."""
    lo, hi = date(2002, 4, 1), date(2003, 9, 30)
    out: Counter[str] = Counter()
    for c in cases:
        if lo <= _day(c["referral"]["on"]) <= hi:
            outcome = "sentenced" if c.get("order") else c["assessment"]["outcome"]
            out[outcome] += 1
    return out


def not_assessed_share(cases: Sequence[Case]) -> float:
    f = _funnel(cases)
    return _share(f["not_assessed"], sum(f.values()))


def not_suitable_share(cases: Sequence[Case]) -> float:
    f = _funnel(cases)
    return _share(f["not_assessed"] + f["unsuitable"], sum(f.values()))


def termination_share(cases: Sequence[Case], reasons: Sequence[str], year: int = 2003) -> float:
    """Share of Orders terminated in ``year`` for one of ``reasons`` (3.3, Figures 14-15)."""
    ts = _terminations_in(cases, year)
    return _share(sum(1 for _, t in ts if t["reason"] in reasons), len(ts))


def area_success_rate(
    cases: Sequence[Case], area: str, years: Sequence[int] = (2002, 2003)
) -> float:
    """Completed or ended early for good progress, of the area's terminations (Figure 18).

    Figure 18 counts 2003 alone; two years of terminations halve the noise of one small area
    in a small run, and the area's rate changes little between them.
    """
    chosen = [c for c in cases if c["area"] == area]
    terminated = [t for year in years for _, t in _terminations_in(chosen, year)]
    return _share(sum(1 for t in terminated if t["reason"] in SUCCESSFUL), len(terminated))


def _pending_at(case: Case, day: date) -> bool:
    for e in case["events"]:
        if e["type"] == "breach" and _day(e["on"]) <= day:
            decided = e.get("decided_on")
            if decided is None or _day(decided) > day:
                return True
    return False


def expired_in_breach_share(cases: Sequence[Case]) -> float:
    """Completions with a breach undecided when the Order expired (3.3: 17% and 25%)."""
    completed = [
        (c, t)
        for c in _orders(cases)
        if (t := _termination(c)) is not None and t["reason"] == "completed"
    ]
    return _share(sum(1 for c, t in completed if _pending_at(c, _day(t["on"]))), len(completed))


def breaches_per_100_starts(cases: Sequence[Case], year: int = 2003) -> float:
    """Breaches instigated in ``year`` per 100 Orders made in it (3.27: 86)."""
    orders = _orders(cases)
    starts = sum(1 for c in orders if _day(c["order"]["made_on"]).year == year)
    breaches = sum(
        1
        for c in orders
        for e in c["events"]
        if e["type"] == "breach" and _day(e["on"]).year == year
    )
    return 100 * _share(breaches, starts)


def breach_revoked_share(cases: Sequence[Case], year: int = 2003) -> float:
    """Of breaches instigated in ``year`` and decided, the share revoked (3.27: 37%)."""
    decided = [
        e
        for c in _orders(cases)
        for e in c["events"]
        if e["type"] == "breach" and _day(e["on"]).year == year and e["outcome"] != "pending"
    ]
    return _share(sum(1 for e in decided if e["outcome"] == "revoked"), len(decided))


def revoked_within_six_months(cases: Sequence[Case]) -> float:
    """Revocations within a year that came within six months (3.11, Figure 19: two thirds)."""
    within_year = within_six = 0
    for c in _orders(cases):
        t = _termination(c)
        if t is None or not t["reason"].startswith("revoked"):
            continue
        made, on = _day(c["order"]["made_on"]), _day(t["on"])
        if on < add_months(made, 12):
            within_year += 1
            within_six += on < add_months(made, 6)
    return _share(within_six, within_year)


def opiate_clear_share(cases: Sequence[Case], months: Sequence[int]) -> float:
    """Orders mostly clear of opiates in a month on the Order (3.4, Figure 16), averaged."""
    clear: Counter[int] = Counter()
    tested: Counter[int] = Counter()
    wanted = set(months)
    for c in _orders(cases):
        made = _day(c["order"]["made_on"]).toordinal()
        by_month: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for e in c["events"]:
            if e["type"] != "test":
                continue
            m = int((_day(e["on"]).toordinal() - made) / 30.44) + 1
            if m not in wanted:
                continue
            if e["outcome"] == "sample" and "opiates" in e.get("results", {}):
                by_month[m][0] += e["results"]["opiates"] == "negative"
                by_month[m][1] += 1
            elif e["outcome"] == "admission" and "opiates" in e.get("admitted", []):
                by_month[m][1] += 1
        for m, (negative, total) in by_month.items():
            if total:
                tested[m] += 1
                clear[m] += negative * 2 > total
    shares = [_share(clear[m], tested[m]) for m in months]
    return sum(shares) / len(shares)


def _orders_made_in(cases: Sequence[Case], year: int) -> list[Case]:
    return [c for c in _orders(cases) if _day(c["order"]["made_on"]).year == year]


def over_21_share(cases: Sequence[Case], year: int = 2002) -> float:
    """Aged 21 or over when the Order was made (2.16: 90% in 2002)."""
    orders = _orders_made_in(cases, year)
    adults = sum(
        1
        for c in orders
        if add_months(_day(c["person"]["date_of_birth"]), 12 * 21) <= _day(c["order"]["made_on"])
    )
    return _share(adults, len(orders))


def women_share(cases: Sequence[Case], year: int = 2002) -> float:
    """Women among Orders made in ``year`` (2.17: 18% in 2002)."""
    orders = _orders_made_in(cases, year)
    return _share(sum(1 for c in orders if c["person"]["sex"] == "F"), len(orders))


def reconvicted_share(cases: Sequence[Case], as_of: date, completers: bool = False) -> float:
    """Convicted within two years of the Order (3.7, Figure 17: 80%; completers 53%)."""
    reconvicted = followed = 0
    for c in _orders(cases):
        made = _day(c["order"]["made_on"])
        horizon = made + timedelta(days=730)
        if horizon > as_of:
            continue  # not yet followed up for two years
        if completers:
            t = _termination(c)
            if t is None or t["reason"] not in SUCCESSFUL:
                continue
        followed += 1
        reconvicted += any(
            e["type"] == "conviction" and _day(e["on"]) <= horizon for e in c["events"]
        )
    return _share(reconvicted, followed)


# --- costs (3.32-3.33, Figure 24) ---------------------------------------------------------


@dataclass(frozen=True)
class Spend:
    supervision: float = 0.0
    treatment: float = 0.0
    testing: float = 0.0
    order_days: int = 0
    commencements: int = 0

    @property
    def total(self) -> float:
        return self.supervision + self.treatment + self.testing

    def __add__(self, other: Spend) -> Spend:
        return Spend(
            self.supervision + other.supervision,
            self.treatment + other.treatment,
            self.testing + other.testing,
            self.order_days + other.order_days,
            self.commencements + other.commencements,
        )


def spend(params: Parameters, cases: Iterable[Case], lo: date, hi: date) -> Spend:
    """What the Orders cost between ``lo`` and ``hi``, and how many were made then."""
    k = params.costs
    cost = {a.code: a.cost for a in params.areas}
    total = Spend()
    for c in _orders(cases):
        order = c["order"]
        made = _day(order["made_on"])
        t = _termination(c)
        last = _day(t["on"]) if t is not None else hi
        days = (min(last, hi) - max(made, lo)).days + 1
        if days <= 0:
            continue
        factor = cost[c["area"]]
        higher = order["intensity"] == "higher"
        weekly_s = k.supervision_week_higher if higher else k.supervision_week_lower
        weekly_t = k.treatment_week_higher if higher else k.treatment_week_lower
        tests = confirmations = 0
        for e in c["events"]:
            if e["type"] == "test" and lo <= _day(e["on"]) <= hi:
                tests += 1
                confirmations += bool(e.get("confirmed"))
        total += Spend(
            supervision=factor * weekly_s * days / 7,
            treatment=factor * weekly_t * days / 7,
            testing=k.test * tests + k.confirmation * confirmations,
            order_days=days,
            commencements=int(lo <= made <= hi),
        )
    return total


def unit_cost(params: Parameters, cases: Sequence[Case]) -> float:
    """Cost per commencement in 2002-03 (3.32, Figure 24: 5,258 to 7,592)."""
    s = spend(params, cases, date(2002, 4, 1), date(2003, 3, 31))
    return _share(int(s.total), s.commencements)


def area_cost_per_order(params: Parameters, cases: Sequence[Case], area: str, as_of: date) -> float:
    """Mean whole-life cost of an area's Orders made in 2001-02 and 2002-03.

    Figure 24 divides a year's spending by that year's commencements; for one area in a small
    run that ratio is too noisy to compare, and the mean cost of an Order estimates the same
    thing in a steady state.
    """
    made = [
        c
        for c in _orders(cases)
        if c["area"] == area
        and date(2001, 4, 1) <= _day(c["order"]["made_on"]) <= date(2003, 3, 31)
    ]
    s = spend(params, made, date(2001, 4, 1), as_of)
    return _share(int(s.total), len(made))


def daily_cost(params: Parameters, cases: Sequence[Case]) -> float:
    """Cost of a day on the Order in 2002-03 (3.33: about 25 to 37 pounds)."""
    s = spend(params, cases, date(2002, 4, 1), date(2003, 3, 31))
    return s.total / s.order_days if s.order_days else float("nan")


def treatment_cost_share(params: Parameters, cases: Sequence[Case]) -> float:
    """Treatment's share of the cost (3.32: 59% budgeted)."""
    s = spend(params, cases, date(2002, 4, 1), date(2003, 3, 31))
    return s.treatment / s.total if s.total else float("nan")


# --- compliance with the National Standard, by the engine (3.15, 3.18, 3.19) ---------------


def evaluations(document: Mapping[str, Any], as_of: date) -> list[dict[str, Any]]:
    """The engine's judgement of every Order in the document, as of the data end."""
    from dtto.standards.casefile import timelines_from_document
    from dtto.standards.engine import evaluate

    return [evaluate(t, as_of).to_json() for t in timelines_from_document(document)]


def _rate(verdicts: Iterable[bool | None]) -> float:
    known = [v for v in verdicts if v is not None]
    return _share(sum(1 for v in known if v), len(known))


def first_probation_rate(evals: Sequence[Mapping[str, Any]]) -> float:
    return _rate(e["first_probation_appointment"]["met"] for e in evals)


def first_treatment_rate(evals: Sequence[Mapping[str, Any]]) -> float:
    return _rate(e["first_treatment_appointment"]["met"] for e in evals)


def contact_rate(evals: Sequence[Mapping[str, Any]], phase: int) -> float:
    return _rate(e["contact_met"][f"phase{phase}"] for e in evals)


def testing_rate(evals: Sequence[Mapping[str, Any]], phase: int) -> float:
    return _rate(e["testing_met"][f"phase{phase}"] for e in evals)


# --- the calibration table -----------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One published figure, the model's value and whether it is within tolerance."""

    measure: str
    source: str
    published: str
    low: float
    high: float
    simulated: float
    unit: str = "%"

    @property
    def passed(self) -> bool:
        return self.low <= self.simulated <= self.high

    def formatted(self, value: float) -> str:
        if value != value:  # NaN: nothing to measure in this run
            return "n/a"
        if self.unit == "%":
            return f"{100 * value:.1f}%"
        if self.unit == "£":
            return f"£{value:,.0f}"
        return f"{value:.2f}"


def calibration(document: Mapping[str, Any], params: Parameters, as_of: date) -> list[Figure]:
    """Every published figure beside the simulated one, with its tolerance."""
    cases: list[Case] = list(document["cases"])
    evals = evaluations(document, as_of)
    rows: list[tuple[str, str, str, float, float, str, Callable[[], float]]] = [
        (
            "Commencements 2001-02 / 2002-03",
            "2.2",
            "4,854 / 6,140 = 0.79",
            0.72,
            0.86,
            "x",
            lambda: commencement_ratio(cases),
        ),
        (
            "Referrals never assessed",
            "2.12, Fig 9",
            "about 30%",
            0.26,
            0.34,
            "%",
            lambda: not_assessed_share(cases),
        ),
        (
            "Referrals not found suitable",
            "2.12, Fig 9",
            "over half",
            0.50,
            0.60,
            "%",
            lambda: not_suitable_share(cases),
        ),
        (
            "Terminations 2003: completed or good progress",
            "3.3, Fig 14",
            "28%",
            0.24,
            0.32,
            "%",
            lambda: termination_share(cases, SUCCESSFUL),
        ),
        (
            "Terminations 2003: revoked, non-compliance",
            "3.3, Fig 14",
            "44%",
            0.39,
            0.49,
            "%",
            lambda: termination_share(cases, ("revoked_non_compliance",)),
        ),
        (
            "Terminations 2003: revoked, conviction",
            "3.3, Fig 15",
            "22%",
            0.18,
            0.26,
            "%",
            lambda: termination_share(cases, ("revoked_conviction",)),
        ),
        (
            "Terminations 2003: other (ill health, death)",
            "3.3",
            "6%",
            0.03,
            0.09,
            "%",
            lambda: termination_share(cases, OTHER),
        ),
        (
            "Successful completions 2002-03: Dorset",
            "3.10, Fig 18",
            "71%",
            0.56,
            0.86,
            "%",
            lambda: area_success_rate(cases, "dorset"),
        ),
        (
            "Successful completions 2002-03: Kent",
            "3.10, Fig 18",
            "8%",
            0.0,
            0.16,
            "%",
            lambda: area_success_rate(cases, "kent"),
        ),
        (
            "Completions that expired in breach",
            "3.3",
            "17% to 25%",
            0.13,
            0.29,
            "%",
            lambda: expired_in_breach_share(cases),
        ),
        (
            "Breaches per 100 starts, 2003",
            "3.27",
            "86",
            71.0,
            105.0,
            "x",
            lambda: breaches_per_100_starts(cases),
        ),
        (
            "Breaches decided 2003: revoked",
            "3.27",
            "37%",
            0.31,
            0.46,
            "%",
            lambda: breach_revoked_share(cases),
        ),
        (
            "Revocations in year 1 within 6 months",
            "3.11, Fig 19",
            "about two thirds",
            0.59,
            0.75,
            "%",
            lambda: revoked_within_six_months(cases),
        ),
        (
            "Mostly clear of opiates, months 1-3",
            "3.4, Fig 16",
            "about 20%",
            0.15,
            0.25,
            "%",
            lambda: opiate_clear_share(cases, (1, 2, 3)),
        ),
        (
            "Mostly clear of opiates, month 12",
            "3.4, Fig 16",
            "over 30%",
            0.30,
            0.42,
            "%",
            lambda: opiate_clear_share(cases, (12,)),
        ),
        ("Orders 2002: aged over 21", "2.16", "90%", 0.87, 0.93, "%", lambda: over_21_share(cases)),
        ("Orders 2002: women", "2.17", "18%", 0.15, 0.21, "%", lambda: women_share(cases)),
        (
            "First probation appointment in 1 working day",
            "3.15",
            "82%",
            0.77,
            0.87,
            "%",
            lambda: first_probation_rate(evals),
        ),
        (
            "First treatment appointment in 2 working days",
            "3.15",
            "77%",
            0.72,
            0.82,
            "%",
            lambda: first_treatment_rate(evals),
        ),
        (
            "Minimum contact hours, weeks 1-13",
            "3.18",
            "44%",
            0.38,
            0.50,
            "%",
            lambda: contact_rate(evals, 1),
        ),
        (
            "Minimum contact hours, after week 13",
            "3.18",
            "69%",
            0.63,
            0.75,
            "%",
            lambda: contact_rate(evals, 2),
        ),
        (
            "2+ tests every week, weeks 1-13",
            "3.19",
            "13%",
            0.09,
            0.17,
            "%",
            lambda: testing_rate(evals, 1),
        ),
        (
            "1+ test every week after week 13",
            "3.19",
            "29%",
            0.24,
            0.34,
            "%",
            lambda: testing_rate(evals, 2),
        ),
        (
            "Cost per commencement 2002-03, national",
            "3.32, Fig 24",
            "£5,258 to £7,592",
            5200,
            7600,
            "£",
            lambda: unit_cost(params, cases),
        ),
        (
            "Cost per commencement 2002-03, Leicestershire",
            "Fig 24",
            "£5,258",
            3950,
            6550,
            "£",
            lambda: area_cost_per_order(params, cases, "leicestershire", as_of),
        ),
        (
            "Cost per commencement 2002-03, Gloucestershire",
            "Fig 24",
            "£7,592",
            5700,
            9500,
            "£",
            lambda: area_cost_per_order(params, cases, "gloucestershire", as_of),
        ),
        (
            "Cost of a day on the Order",
            "3.33",
            "£25 to £37",
            25.0,
            37.0,
            "£",
            lambda: daily_cost(params, cases),
        ),
        (
            "Treatment share of cost",
            "3.32",
            "59%",
            0.55,
            0.63,
            "%",
            lambda: treatment_cost_share(params, cases),
        ),
        (
            "Reconvicted within 2 years",
            "3.7, Fig 17",
            "80%",
            0.75,
            0.85,
            "%",
            lambda: reconvicted_share(cases, as_of),
        ),
        (
            "Reconvicted within 2 years, completers",
            "3.7, Fig 17",
            "53%",
            0.45,
            0.61,
            "%",
            lambda: reconvicted_share(cases, as_of, completers=True),
        ),
    ]
    return [
        Figure(name, source, published, low, high, fn(), unit)
        for name, source, published, low, high, unit, fn in rows
    ]


def format_table(figures: Sequence[Figure]) -> str:
    """The calibration table as fixed-width text."""
    header = ("measure", "source", "published", "simulated", "tolerance", "")
    lines = [header]
    for f in figures:
        lines.append(
            (
                f.measure,
                f.source,
                f.published,
                f.formatted(f.simulated),
                f"{f.formatted(f.low)} to {f.formatted(f.high)}",
                "PASS" if f.passed else "FAIL",
            )
        )
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in lines
    )

"""The published figures that no ``dtto.reports`` function measures, measured over a case document.

The calibration (:mod:`dtto.simulate.calibration`) measures every figure it can with dtto's
report functions over the records loaded into a database. These are the rest: how soon
revocations come (Figure 19 splits time on the Order by reason), Figure 16's "mostly clear of
opiates" (a majority of a month's tests negative), and the model's own spending from its weekly
unit costs (the reports know budgets, not spending). Each is a small function of the records.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from dtto.lib.dates import add_months

from .parameters import Parameters

Case = Mapping[str, Any]


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


def _share(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


# --- the published figures, one function each ---------------------------------------------


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

"""The calibration report: each published figure beside the model's, measured as dtto measures.

The simulated records are imported through the real importer (``import_case_document``) into
a database that holds nothing else (the import stores every Order's National Standard findings
with the day each became final), and every figure that a report function in
:mod:`dtto.reports.measures` measures is measured by that function. The few figures no report
function measures (how soon revocations come, Figure 16's "mostly clear", the model's own
spending) are measured over the case document by :mod:`dtto.simulate.measure`. Each row says
which did it.

``dtto simulate --calibration`` runs this in a fresh SQLite file in a child process so that it
never touches the user's database; the test suite runs it in the test database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from dtto.standards.rules import HIGHER_2001, SUCCESSFUL_TERMINATION_REASONS

from . import measure as sim_measure
from .model import Simulation
from .national import represented_orders, scaled_reference_data
from .parameters import Parameters

if TYPE_CHECKING:
    from dtto.reports.queries import Period
    from dtto.reports.results import Breaches, Rate, ReferralFunnel, Terminations

SIMULATE = "simulate.measure"


@dataclass(frozen=True)
class Figure:
    """One published figure, the model's value, whether it is within tolerance, and who measured."""

    measure: str
    source: str
    published: str
    low: float
    high: float
    simulated: float
    unit: str = "%"
    measured_by: str = SIMULATE
    note: str = ""

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


def format_table(figures: Sequence[Figure]) -> str:
    """The calibration table as fixed-width text, with the notes on definitions below it."""
    notes: list[str] = []
    header = ("measure", "source", "published", "simulated", "tolerance", "", "measured by")
    lines = [header]
    for f in figures:
        by = f.measured_by
        if f.note:
            if f.note not in notes:
                notes.append(f.note)
            by += f" [{notes.index(f.note) + 1}]"
        lines.append(
            (
                f.measure,
                f.source,
                f.published,
                f.formatted(f.simulated),
                f"{f.formatted(f.low)} to {f.formatted(f.high)}",
                "PASS" if f.passed else "FAIL",
                by,
            )
        )
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    table = "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in lines
    )
    if notes:
        table += "\n\nNotes\n" + "\n".join(f"[{i}] {n}" for i, n in enumerate(notes, 1))
    return table


# --- loading the records --------------------------------------------------------------------


def load(document: Mapping[str, Any], sim: Simulation) -> int:
    """Import the run's records and its scaled targets and budgets; build the summaries.

    The database should hold nothing else: every report is national. Returns the Orders loaded.
    """
    from dtto.accounts.services import load_targets_and_budgets
    from dtto.audit.services import Actor
    from dtto.cases.importing import import_case_document

    by = Actor.system("simulator")
    load_targets_and_budgets(
        scaled_reference_data(sim.p, sim.orders / represented_orders(sim)), by=by
    )
    result = import_case_document(document, by=by, today=sim.end)
    return len(result.order_ids)


# --- measuring --------------------------------------------------------------------------------


def _period(first: str, last: str) -> Period:
    from dtto.reports.queries import Period

    return Period(dt.date.fromisoformat(first), dt.date.fromisoformat(last))


def _share(part: float, whole: float) -> float:
    return part / whole if whole else float("nan")


def _rate(value: Mapping[str, Any]) -> float:
    rate = value["rate"]
    return float("nan") if rate is None else float(rate)


class _Reports:
    """The report functions' answers, each asked once (national scope unless an area is named)."""

    def __init__(self, as_of: dt.date) -> None:
        from dtto.reports import measures
        from dtto.reports.queries import Period, Scope

        self.m = measures
        self.national = Scope.national()
        self.area = Scope.area
        self.everything = Period()
        self.as_of = as_of

    @cached_property
    def commencements(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for row in self.m.commencements(self.national, self.everything)["by_year"]:
            out[row["financial_year"]] = out.get(row["financial_year"], 0) + row["commencements"]
        return out

    @cached_property
    def funnel(self) -> ReferralFunnel[int]:
        return self.m.referral_funnel(self.national, _period("2002-04-01", "2003-09-30"))

    @cached_property
    def terminations_2003(self) -> Terminations[int]:
        return self.m.terminations(self.national, _period("2003-01-01", "2003-12-31"))

    def termination_share(self, reasons: Sequence[str]) -> float:
        t = self.terminations_2003
        return _share(sum(t["by_reason"][r] for r in reasons), t["total"])

    def area_completion(self, area: str) -> float:
        t = self.m.terminations(self.area(area), _period("2002-01-01", "2003-12-31"))
        return _share(sum(t["by_reason"][r] for r in SUCCESSFUL_TERMINATION_REASONS), t["total"])

    def expired_in_breach(self) -> float:
        t = self.m.terminations(self.national, self.everything)
        completions = sum(t["by_reason"][r] for r in SUCCESSFUL_TERMINATION_REASONS)
        return _share(t["expired_in_breach"], completions)

    @cached_property
    def breaches_2003(self) -> Breaches[int]:
        return self.m.breaches(self.national, _period("2003-01-01", "2003-12-31"))

    @cached_property
    def reach_2002(self) -> dict[str, Any]:
        return self.m.reach(self.national, _period("2002-01-01", "2002-12-31"))["dimensions"]

    def commenced_share(self, dimension: str, groups: Sequence[str]) -> float:
        found = self.reach_2002[dimension]
        return sum(found[g]["share"]["commenced"] or 0.0 for g in groups if g in found)

    @cached_property
    def compliance(self) -> dict[str, Rate[int]]:
        from dtto.reports.results import compliance_rates

        # As of the data end, as the NAO judged its sample: findings final later are not known.
        return compliance_rates(self.m.compliance(self.national, self.everything, as_of=self.as_of))

    def compliance_rate(self, measure: str) -> Callable[[], float]:
        return lambda: _rate(self.compliance[measure])

    @cached_property
    def costs_2002(self) -> list[Mapping[str, Any]]:
        return list(self.m.costs(self.national, 2002, as_of=self.as_of)["areas"])

    def cost(self, per: str) -> float:
        """National: the areas' budgets summed, over their commencements or days summed."""
        rows = self.costs_2002
        budget = sum(r["budget"] for r in rows)
        if per == "treatment_share":
            return _share(sum(r["budget"] * (r["treatment_share"] or 0.0) for r in rows), budget)
        return _share(budget, sum(r[per] for r in rows))

    @cached_property
    def offending_completers(self) -> Any:
        return self.m.offending(
            self.national, self.everything, as_of=self.as_of, successful_only=True
        )

    @cached_property
    def reconviction(self) -> dict[str, Any]:
        return self.m.reconviction(self.national, self.everything, as_of=self.as_of)["windows"]


NOTE_FUNNEL = "Referrals from April 2002 to September 2003, as Figure 9."
NOTE_AREA = (
    "Figure 18 counts 2003; terminations in 2002 and 2003 are used to halve the noise of one "
    "small area in a small run. Completed or ended early for good progress, as recorded "
    "(the NAO's definition, including expiry in breach), from terminations' by_reason."
)
NOTE_EXPIRED = (
    "terminations' expired_in_breach (completed or early good progress with a breach undecided "
    "on the last day) over completions and early good progress, every termination in the run."
)
NOTE_BREACH = (
    "breaches: instigated in 2003 per 100 Orders made in 2003; revoked share of breaches "
    "decided in 2003 (3.27: 'in the same period, the courts decided to revoke 37 per cent')."
)
NOTE_REVOKED_SOON = (
    "No report function splits time on the Order by termination reason (retention's "
    "Kaplan-Meier counts every ending), so this is measured over the case records."
)
NOTE_DRUGS = (
    "Figure 16 counts people whose opiate tests were clear 'the majority of the time' in a "
    "month (30.44-day months from the Order); drug_use gives the share of tests negative and "
    "of people with every test negative, not a majority, so this is measured over the records."
)
NOTE_REACH = (
    "reach: people referred in 2002 who commenced (whenever), by age at referral; 2.16-2.17 "
    "count Orders made in 2002 by age at the Order."
)
NOTE_COMPLIANCE = (
    "compliance: every Order in the run, judged by the engine as of the data end (the NAO "
    "sampled case files in July-October 2003); a rate is the share met of those judged."
)
NOTE_BUDGET = (
    "costs: the area budgets for 2002-03 (reference_data: targets costed at £6,000 a "
    "commencement times the area's cost factor, treatment 59%, scaled to the run's size) over "
    "the run's commencements and days on the Order in 2002-03, summed over the 42 areas: how "
    "the NAO computed Figure 24 and 3.33."
)
NOTE_SPENDING = (
    "The model's own spending (weekly supervision and treatment unit costs and tests, which "
    "scenarios cost with); no report function measures spending, only budgets."
)
NOTE_AREA_SPENDING = (
    "Mean whole-life spending on the area's Orders made in 2001-03. costs() per area divides one "
    "year's budget by one year's commencements: a few dozen Orders in a 10,000-Order run, too "
    "noisy to compare (at 3,000 Orders it gave £3,732 and £10,300 for these two areas)."
)
NOTE_RECONVICTION = (
    "reconviction: Orders made at least 730 days before the data end; a conviction after the "
    "day the Order was made. Its completers are the engine's successful completions (not in "
    "breach at the end); Figure 17's are everyone who completed."
)

Row = tuple[str, str, str, float, float, str, str, str, Callable[[], float]]


NOTE_OFFENDING = (
    "offending: convictions per person-year among Orders successfully completed, in the year"
    " before the referral and in years 1 and 2 after the Order was made (each year only those"
    " followed for all of it); the source's figures are for pilot completers (3.7)."
)


def _per_year(value: Mapping[str, Any]) -> float:
    rate = value["rate"]
    return float("nan") if rate is None else float(rate)


def _two_years_after(offending: Mapping[str, Any]) -> float:
    """Convictions a year over years 1 and 2 after commencement, pooled."""
    years = [y for y in offending["rate_after"] if y["year"] in (1, 2)]
    people = sum(y["people"] for y in years)
    return float("nan") if not people else sum(y["convictions"] for y in years) / people


def calibration(document: Mapping[str, Any], params: Parameters, as_of: dt.date) -> list[Figure]:
    """Every published figure beside the simulated one, with its tolerance.

    Needs the document loaded by :func:`load` into an otherwise empty database.
    """
    cases: list[Mapping[str, Any]] = list(document["cases"])
    r = _Reports(as_of)
    rows: list[Row] = [
        (
            "Commencements 2001-02 / 2002-03",
            "2.2",
            "4,854 / 6,140 = 0.79",
            0.72,
            0.86,
            "x",
            "commencements",
            "",
            lambda: _share(r.commencements.get(2001, 0), r.commencements.get(2002, 0)),
        ),
        (
            "Referrals never assessed",
            "2.12, Fig 9",
            "about 30%",
            0.26,
            0.34,
            "%",
            "referral_funnel",
            NOTE_FUNNEL,
            lambda: _share(r.funnel["not_assessed"]["total"], r.funnel["referred"]),
        ),
        (
            "Referrals not found suitable",
            "2.12, Fig 9",
            "over half",
            0.50,
            0.60,
            "%",
            "referral_funnel",
            NOTE_FUNNEL,
            lambda: _rate(r.funnel["not_found_suitable"]),
        ),
        (
            "Terminations 2003: completed or good progress",
            "3.3, Fig 14",
            "28%",
            0.24,
            0.32,
            "%",
            "terminations",
            "",
            lambda: r.termination_share(SUCCESSFUL_TERMINATION_REASONS),
        ),
        (
            "Terminations 2003: revoked, non-compliance",
            "3.3, Fig 14",
            "44%",
            0.39,
            0.49,
            "%",
            "terminations",
            "",
            lambda: r.termination_share(("revoked_non_compliance",)),
        ),
        (
            "Terminations 2003: revoked, conviction",
            "3.3, Fig 15",
            "22%",
            0.18,
            0.26,
            "%",
            "terminations",
            "",
            lambda: r.termination_share(("revoked_conviction",)),
        ),
        (
            "Terminations 2003: other (ill health, death)",
            "3.3",
            "6%",
            0.03,
            0.09,
            "%",
            "terminations",
            "",
            lambda: r.termination_share(("ill_health", "death", "other")),
        ),
        (
            "Successful completions 2002-03: Dorset",
            "3.10, Fig 18",
            "71%",
            0.56,
            0.86,
            "%",
            "terminations",
            NOTE_AREA,
            lambda: r.area_completion("dorset"),
        ),
        (
            "Successful completions 2002-03: Kent",
            "3.10, Fig 18",
            "8%",
            0.0,
            0.16,
            "%",
            "terminations",
            NOTE_AREA,
            lambda: r.area_completion("kent"),
        ),
        (
            "Completions that expired in breach",
            "3.3",
            "17% to 25%",
            0.13,
            0.29,
            "%",
            "terminations",
            NOTE_EXPIRED,
            r.expired_in_breach,
        ),
        (
            "Breaches per 100 starts, 2003",
            "3.27",
            "86",
            71.0,
            105.0,
            "x",
            "breaches",
            NOTE_BREACH,
            lambda: float(r.breaches_2003["per_100_commencements"] or float("nan")),
        ),
        (
            "Breaches decided 2003: revoked",
            "3.27",
            "37%",
            0.31,
            0.46,
            "%",
            "breaches",
            NOTE_BREACH,
            lambda: _rate(r.breaches_2003["revoked_rate"]),
        ),
        (
            "Revocations in year 1 within 6 months",
            "3.11, Fig 19",
            "about two thirds",
            0.59,
            0.75,
            "%",
            SIMULATE,
            NOTE_REVOKED_SOON,
            lambda: sim_measure.revoked_within_six_months(cases),
        ),
        (
            "Mostly clear of opiates, months 1-3",
            "3.4, Fig 16",
            "about 20%",
            0.15,
            0.25,
            "%",
            SIMULATE,
            NOTE_DRUGS,
            lambda: sim_measure.opiate_clear_share(cases, (1, 2, 3)),
        ),
        (
            "Mostly clear of opiates, month 12",
            "3.4, Fig 16",
            "over 30%",
            0.30,
            0.42,
            "%",
            SIMULATE,
            NOTE_DRUGS,
            lambda: sim_measure.opiate_clear_share(cases, (12,)),
        ),
        (
            "Orders 2002: aged over 21",
            "2.16",
            "90%",
            0.87,
            0.93,
            "%",
            "reach",
            NOTE_REACH,
            lambda: r.commenced_share("age_band", ("21-25", "26+")),
        ),
        (
            "Orders 2002: women",
            "2.17",
            "18%",
            0.15,
            0.21,
            "%",
            "reach",
            NOTE_REACH,
            lambda: r.commenced_share("sex", ("F",)),
        ),
    ]
    # The audit sampled higher-intensity Orders under the 2001 Standard (3.15-3.19).
    standard = HIGHER_2001
    for name, source, published, low, high, key in (
        (
            f"First probation appointment in {standard.first_probation_working_days} working day",
            "3.15",
            "82%",
            0.77,
            0.87,
            "first_probation_1wd",
        ),
        (
            f"First treatment appointment in {standard.first_treatment_working_days} working days",
            "3.15",
            "77%",
            0.72,
            0.82,
            "first_treatment_2wd",
        ),
        (
            f"Minimum contact hours, weeks 1-{standard.phase1_weeks}",
            "3.18",
            "44%",
            0.38,
            0.50,
            "contact_phase1",
        ),
        (
            f"Minimum contact hours, after week {standard.phase1_weeks}",
            "3.18",
            "69%",
            0.63,
            0.75,
            "contact_phase2",
        ),
        (
            f"{standard.tests_phase1}+ tests every week, weeks 1-{standard.phase1_weeks}",
            "3.19",
            "13%",
            0.09,
            0.17,
            "tests_phase1",
        ),
        (
            f"{standard.tests_phase2}+ test every week after week {standard.phase1_weeks}",
            "3.19",
            "29%",
            0.24,
            0.34,
            "tests_phase2",
        ),
    ):
        rows.append(
            (
                name,
                source,
                published,
                low,
                high,
                "%",
                "compliance",
                NOTE_COMPLIANCE,
                r.compliance_rate(key),
            )
        )
    rows += [
        (
            "Cost per commencement 2002-03, national",
            "3.32, Fig 24",
            "£5,258 to £7,592",
            5200,
            7600,
            "£",
            "costs",
            NOTE_BUDGET,
            lambda: r.cost("commencements"),
        ),
        (
            "Cost of a day on the Order",
            "3.33",
            "£25 to £37",
            25.0,
            37.0,
            "£",
            "costs",
            NOTE_BUDGET,
            lambda: r.cost("order_days"),
        ),
        (
            "Treatment share of cost",
            "3.32",
            "59%",
            0.55,
            0.63,
            "%",
            "costs",
            NOTE_BUDGET,
            lambda: r.cost("treatment_share"),
        ),
        (
            "Spending per commencement 2002-03, national",
            "3.32, Fig 24",
            "£5,258 to £7,592",
            5200,
            7600,
            "£",
            SIMULATE,
            NOTE_SPENDING,
            lambda: sim_measure.unit_cost(params, cases),
        ),
        (
            "Spending per Order 2001-03, Leicestershire",
            "Fig 24",
            "£5,258",
            3950,
            6550,
            "£",
            SIMULATE,
            NOTE_AREA_SPENDING,
            lambda: sim_measure.area_cost_per_order(params, cases, "leicestershire", as_of),
        ),
        (
            "Spending per Order 2001-03, Gloucestershire",
            "Fig 24",
            "£7,592",
            5700,
            9500,
            "£",
            SIMULATE,
            NOTE_AREA_SPENDING,
            lambda: sim_measure.area_cost_per_order(params, cases, "gloucestershire", as_of),
        ),
        (
            "Spending per day on the Order",
            "3.33",
            "£25 to £37",
            25.0,
            37.0,
            "£",
            SIMULATE,
            NOTE_SPENDING,
            lambda: sim_measure.daily_cost(params, cases),
        ),
        (
            "Treatment share of spending",
            "3.32",
            "59%",
            0.55,
            0.63,
            "%",
            SIMULATE,
            NOTE_SPENDING,
            lambda: sim_measure.treatment_cost_share(params, cases),
        ),
        (
            "Convictions in the year before the Order, completers",
            "3.7",
            "around 6",
            5.4,
            6.6,
            "n",
            "offending",
            NOTE_OFFENDING,
            lambda: _per_year(r.offending_completers["rate_before"]),
        ),
        (
            "Convictions a year in the two years after commencement, completers",
            "3.7",
            "under 2",
            0.0,
            1.99,
            "n",
            "offending",
            NOTE_OFFENDING,
            lambda: _two_years_after(r.offending_completers),
        ),
        (
            "Reconvicted within 2 years",
            "3.7, Fig 17",
            "80%",
            0.75,
            0.85,
            "%",
            "reconviction",
            NOTE_RECONVICTION,
            lambda: _rate(r.reconviction["2_years"]["all_starters"]),
        ),
        (
            "Reconvicted within 2 years, completers",
            "3.7, Fig 17",
            "53%",
            0.45,
            0.61,
            "%",
            "reconviction",
            NOTE_RECONVICTION,
            lambda: _rate(r.reconviction["2_years"]["completers"]),
        ),
    ]
    return [
        Figure(name, source, published, low, high, fn(), unit, by, note)
        for name, source, published, low, high, unit, by, note, fn in rows
    ]

"""A report document laid out as sections: a heading, a chart and the table behind it.

Pages, the HTML document and the PDF all render these, so every format shows the same
figures. Input is a published result (``statistics.publish``): a withheld figure is None and
reads "fewer than 5"; a figure with nothing to divide by reads as a dash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from dtto.reports import charts
from dtto.reports.labels import Labels
from dtto.reports.results import (
    AreaComparison,
    Breaches,
    Compliance,
    Continuity,
    Costs,
    Count,
    DrugUse,
    Incidence,
    PublishedReport,
    PublishedSummary,
    Rate,
    Reach,
    Reconviction,
    ReferralFunnel,
    RelativeRate,
    Retention,
    Reviews,
    Revocation,
    Terminations,
    compliance_rates,
)
from dtto.reports.results import Commencements as CommencementsResult
from dtto.standards.rules import common_count
from dtto.standards.targets import COMPLETION_TARGETS
from dtto.standards.unit_costs import ORDERS_BEGAN, unit_cost

NOT_PUBLISHED = "fewer than 5"
# What every report says of its figures (statistics.publish; docs/reports.md).
DISCLOSURE_NOTE = "Counts under 5, and the figures computed from them, are not published."
DASH = "\N{EN DASH}"  # no figure: nothing to divide by
# The labels name the Standard's numbers from the rule sets (measures span every rule set,
# so only numbers they all share can be named).
_PHASE1_WEEKS = common_count("phase1_weeks")
MEASURE_LABELS = {
    "first_probation_1wd": "First probation appointment within "
    f"{common_count('first_probation_working_days')} working day",
    "first_treatment_2wd": "First treatment appointment within "
    f"{common_count('first_treatment_working_days')} working days",
    "contact_phase1": f"Minimum contact arranged, weeks 1-{_PHASE1_WEEKS}",
    "contact_phase2": f"Minimum contact arranged, after week {_PHASE1_WEEKS}",
    "tests_phase1": f"Tests required, weeks 1-{_PHASE1_WEEKS} "
    f"({common_count('tests_phase1')} a week)",
    "tests_phase2": f"Tests required, after week {_PHASE1_WEEKS} "
    f"({common_count('tests_phase2')} a week)",
    "reviews": "Court reviews held when due",
    "enforcement": "Enforcement action taken when required",
}
# A financial year in words, like the page's period picker.
NO_TARGET = "no target set"


def financial_year(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


@dataclass
class Figure:
    """The numbers a chart draws, for a format that draws its own charts (the PDF)."""

    kind: str  # "bar" or "line"
    title: str
    bars: list[tuple[str, float | None]] = field(default_factory=list)
    series: dict[str, list[tuple[float, float | None]]] = field(default_factory=dict)
    percent: bool = True
    x_label: str = ""


@dataclass
class Section:
    id: str
    heading: str
    chart: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figure: Figure | None = None
    # The same figures as a tidy table for the CSV: one dict a row, raw numbers (None where
    # withheld or nothing to divide by), keys documented in docs/reports.md.
    records: list[dict[str, Any]] = field(default_factory=list)


NO_FIGURE = "no figure"  # a chart's bar with nothing to divide by (the table shows a dash)


def _missing(withheld: Sequence[bool]) -> list[str]:
    """Why each bar of a chart may be missing: withheld, or nothing to divide by."""
    return [NOT_PUBLISHED if w else NO_FIGURE for w in withheld]


def _bar_chart(
    s: Section,
    bars: Sequence[tuple[str, float | None]],
    title: str,
    *,
    withheld: Sequence[bool],
    missing_text: Sequence[str | None] | None = None,
    **options: Any,
) -> None:
    """A bar chart; a missing bar says why: withheld, nothing to divide by, or the text given
    for it in ``missing_text``."""
    missing = _missing(withheld)
    if missing_text is not None:
        missing = [text or why for text, why in zip(missing_text, missing, strict=True)]
    s.chart = charts.bar_chart(bars, title, missing=missing, **options)
    s.figure = Figure("bar", title, bars=list(bars), percent=options.get("percent", True))


def _line_chart(
    s: Section,
    series: dict[str, list[tuple[float, float | None]]],
    title: str,
    *,
    x_label: str,
    step: bool = False,
) -> None:
    s.chart = charts.line_chart(series, title, x_label=x_label, step=step)
    s.figure = Figure("line", title, series=series, x_label=x_label)


def count(value: int | float | None) -> str:
    """A published count: None is a count withheld (fewer than 5)."""
    if value is None:
        return NOT_PUBLISHED
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def pct(value: float | None) -> str:
    return DASH if value is None else f"{value:.1%}"


def derived(value: float | None, text: str, *sources: Count) -> str:
    """A figure computed from published counts: "fewer than 5" when it is missing because a
    count it rests on is withheld, a dash when there was nothing to divide by."""
    if value is None:
        return NOT_PUBLISHED if any(s is None for s in sources) else DASH
    return text.format(value)


def rate_pct(r: Rate[Count]) -> str:
    return NOT_PUBLISHED if r.get("suppressed") else pct(r["rate"])


def ci(r: Rate[Count]) -> str:
    if r.get("suppressed"):
        return NOT_PUBLISHED
    low, high = r["ci_low"], r["ci_high"]
    if low is None or high is None:
        return DASH
    return f"{low:.1%} to {high:.1%}"


def relative(r: RelativeRate[Count]) -> str:
    """A rate relative to the reference group's, with its interval.

    Withheld when the rate (or the reference group's) rests on counts under 5; a dash when
    there is no ratio (the group or the reference group has no one at that stage, or a rate
    of 0).
    """
    if r.get("suppressed"):
        return NOT_PUBLISHED
    ratio, low, high = r["ratio"], r["ci_low"], r["ci_high"]
    if ratio is None or low is None or high is None:
        return DASH
    return f"{ratio:.2f} ({low:.2f} to {high:.2f})"


def money(value: float | None) -> str:
    return DASH if value is None else f"£{value:,.2f}"


def _rate_cells(r: Rate[Count]) -> list[str]:
    if r.get("suppressed"):
        return [NOT_PUBLISHED, NOT_PUBLISHED, NOT_PUBLISHED, NOT_PUBLISHED]
    return [count(r["numerator"]), count(r["denominator"]), pct(r["rate"]), ci(r)]


def _interval(r: Rate[Count]) -> tuple[float | None, float | None]:
    return r["ci_low"], r["ci_high"]


def document_sections(
    document: PublishedReport | PublishedSummary, labels: Labels | None = None
) -> list[Section]:
    """The sections of a whole report, or of a court's one page for sentencers."""
    if "court" in document:
        return sentencer_sections(cast(PublishedSummary, document))
    return report_sections(cast(PublishedReport, document), labels)


def report_sections(data: PublishedReport, labels: Labels | None = None) -> list[Section]:
    """Every section of a report, its codes in words (``labels``, read from the code lists
    and reference data when not given)."""
    words = Labels.load() if labels is None else labels
    out = [
        _commencements(data["commencements"], words),
        _funnel(data["referrals"], words),
        _terminations(data["terminations"], words),
        _breaches(data["breaches"]),
        _compliance(data["compliance"], "compliance", "National Standard compliance, every case"),
    ]
    if "compliance_sample" in data:
        out.append(
            _compliance(
                data["compliance_sample"], "compliance-sample", "Compliance in a case file sample"
            )
        )
    if "contact_hours" in data:
        # Beside the compliance measures, whose weekly minimum it splits by what it was for.
        from dtto.reports.outcome_sections import contact_hours_section

        out.append(contact_hours_section(data["contact_hours"], words))
    out += [
        _retention(data["retention_by_intensity"], words),
    ]
    if "revocation" in data["retention"]:
        out.append(_revocation(data["retention"]["revocation"], data["retention"]["as_of"]))
    out += [
        _drug_use(data["drug_use"]),
        _clear_majority(data["drug_use"]),
        *_reach(data["reach"], words),
    ]
    if data["costs"] is not None:
        out.append(_costs(data["costs"], words))
    out += [
        _reconviction(data["reconviction"]),
        _same_bench(data["reviews"]),
        _continuity(data["continuity"], words),
    ]
    from dtto.reports.outcome_sections import outcome_sections  # it builds on this module

    out += outcome_sections(data, words)
    if "areas" in data:
        out += _areas(data["areas"], words)
    return out


def _share_of_target(commencements: Count, target: int | None, share: float | None) -> str:
    """A zero or absent target is said in words: it is not a withheld figure."""
    if not target:
        return NO_TARGET
    return derived(share, "{:.1%}", commencements)


def _commencements(c: CommencementsResult[Count], words: Labels) -> Section:
    s = Section("commencements", "Commencements against targets")
    bars = [
        (
            f"{financial_year(r['financial_year'])} {words.intensity(r['intensity']).lower()}",
            r["share_of_target"],
        )
        for r in c["by_year"]
    ]
    _bar_chart(
        s,
        bars,
        "Commencements as a share of target",
        withheld=[bool(r["target"]) and r["commencements"] is None for r in c["by_year"]],
        reference=1.0,
        reference_label="target",
        missing_text=[NO_TARGET if not r["target"] else None for r in c["by_year"]],
    )
    s.columns = ["Financial year", "Intensity", "Commencements", "Target", "Share of target"]
    s.rows = [
        [
            financial_year(r["financial_year"]),
            words.intensity(r["intensity"]),
            count(r["commencements"]),
            NO_TARGET if not r["target"] else f"{r['target']:,}",
            _share_of_target(r["commencements"], r["target"], r["share_of_target"]),
        ]
        for r in c["by_year"]
    ]
    s.records = [
        {
            "financial_year": financial_year(r["financial_year"]),
            "intensity": r["intensity"],
            "commencements": r["commencements"],
            "target": r["target"],
            "share_of_target": r["share_of_target"],
        }
        for r in c["by_year"]
    ]
    s.notes = [f"Orders made in the period: {count(c['total'])}."]
    low = [
        r for r in c["by_area"] if r["share_of_target"] is not None and r["share_of_target"] < 0.8
    ]
    if low:
        s.notes.append(
            "Areas under 80% of target: "
            + "; ".join(
                f"{words.area(r['area'])}, {financial_year(r['financial_year'])} "
                f"{words.intensity(r['intensity']).lower()} ({pct(r['share_of_target'])})"
                for r in low
            )
            + "."
        )
    return s


def _funnel(f: ReferralFunnel[Count], words: Labels) -> Section:
    s = Section("referrals", "From referral to Order (Figure 9)")
    stages: list[tuple[str, Count]] = [
        ("Referred", f["referred"]),
        ("Not assessed", f["not_assessed"]["total"]),
        ("Assessed unsuitable", f["unsuitable"]["total"]),
        ("Suitable, not sentenced", f["suitable_not_sentenced"]),
        ("Sentenced to the Order", f["sentenced"]),
        ("Awaiting assessment", f["awaiting_assessment"]),
    ]
    _bar_chart(
        s,
        [(label, None if n is None else float(n)) for label, n in stages],
        "Referrals by outcome",
        withheld=[True for _ in stages],  # a count is missing only when withheld
        percent=False,
    )
    s.columns = ["Stage", "Reason", "People"]
    s.rows = [[label, "", count(n)] for label, n in stages]
    s.records = [{"stage": label, "reason": "", "people": n} for label, n in stages]
    for stage, reasons, list_name in (
        ("Not assessed", f["not_assessed"], "not_assessed_reason"),
        ("Assessed unsuitable", f["unsuitable"], "unsuitable_reason"),
    ):
        for reason, n in reasons["by_reason"].items():
            s.rows.append([stage, words.code(list_name, reason), count(n)])
            s.records.append({"stage": stage, "reason": words.code(list_name, reason), "people": n})
    wait = f["days_referral_to_order"]

    def days(value: int | None) -> str:
        return derived(value, "{:,}", wait["n"])

    s.notes = [
        f"Not found suitable: {rate_pct(f['not_found_suitable'])} ({ci(f['not_found_suitable'])}).",
        f"Days from referral to Order: median {days(wait['median'])}, "
        f"quartiles {days(wait['quartile_1'])} and {days(wait['quartile_3'])} "
        f"({count(wait['n'])} Orders).",
    ]
    return s


def _rate_record(r: Rate[Count]) -> dict[str, Any]:
    return {
        "numerator": r["numerator"],
        "denominator": r["denominator"],
        "rate": r["rate"],
        "ci_low": r["ci_low"],
        "ci_high": r["ci_high"],
        "withheld": bool(r.get("suppressed")),
    }


def _terminations(t: Terminations[Count], words: Labels) -> Section:
    s = Section("terminations", "Terminations and successful completion")
    shares = t["by_reason_share"]
    reasons = {r: words.code("termination_reason", r) for r in shares}
    _bar_chart(
        s,
        [(reasons[r], shares[r]["rate"]) for r in shares],
        "Terminations by reason",
        withheld=[bool(shares[r].get("suppressed")) for r in shares],
        intervals=[_interval(shares[r]) for r in shares],
    )
    s.columns = ["Reason", "Orders", "Terminations", "Share", "95% interval"]
    s.rows = [[reasons[r], *_rate_cells(shares[r])] for r in shares]
    s.records = [{"reason": reasons[r], **_rate_record(shares[r])} for r in shares]
    done = t["successful_completion"]
    s.notes = [
        f"Successful completions (completed or ended early for good progress, not in breach): "
        f"{count(t['successful'])} of {count(t['total'])}, "
        f"{derived(t['successful_rate'], '{:.1%}', t['successful'], t['total'])} "
        f"({ci(done)}); {_completion_target(t['target_rate'])}.",
        f"Orders that expired while in breach (not counted as successful): "
        f"{count(t['expired_in_breach'])}.",
    ]
    return s


def _completion_target(rate: float | None) -> str:
    if rate is not None:
        return f"target {pct(rate)}"
    first = COMPLETION_TARGETS[0]
    return (
        "no target in force for the whole period (the first completion target, "
        f"{pct(first.rate)}, took effect on {first.effective_from:%-d %B %Y})"
    )


def _breaches(b: Breaches[Count]) -> Section:
    s = Section("enforcement", "Enforcement")
    s.columns = ["Measure", "Value"]
    per_100 = derived(b["per_100_commencements"], "{:.1f}", b["instigated"], b["commencements"])
    s.rows = [
        ["Breaches instigated", count(b["instigated"])],
        ["Commencements", count(b["commencements"])],
        ["Breaches per 100 commencements", per_100],
        ["Breaches decided", count(b["decided"])],
        ["Order revoked", count(b["revoked"])],
        [
            "Revoked share of decided breaches",
            derived(b["revoked_share"], "{:.1%}", b["revoked"], b["decided"]),
        ],
        ["95% interval", ci(b["revoked_rate"])],
    ]
    s.records = [
        {
            "instigated": b["instigated"],
            "commencements": b["commencements"],
            "per_100_commencements": b["per_100_commencements"],
            "decided": b["decided"],
            "revoked": b["revoked"],
            "revoked_share": b["revoked_share"],
            "revoked_ci_low": b["revoked_rate"]["ci_low"],
            "revoked_ci_high": b["revoked_rate"]["ci_high"],
        }
    ]
    return s


def _compliance(c: Compliance[Count], id_: str, heading: str) -> Section:
    s = Section(id_, heading)
    rates = compliance_rates(c)
    _bar_chart(
        s,
        [(MEASURE_LABELS[m], r["rate"]) for m, r in rates.items()],
        heading,
        withheld=[bool(r.get("suppressed")) for r in rates.values()],
        intervals=[_interval(r) for r in rates.values()],
    )
    s.columns = ["Measure", "Met", "Judged", "Rate", "95% interval"]
    s.rows = [[MEASURE_LABELS[m], *_rate_cells(r)] for m, r in rates.items()]
    s.records = [
        {"measure": m, "measure_label": MEASURE_LABELS[m], **_rate_record(r)}
        for m, r in rates.items()
    ]
    s.notes = [
        "A case counts only where the Standard could be judged (for example, a first "
        "appointment not yet due is not counted).",
        f"Findings final by {dt.date.fromisoformat(c['as_of']):%-d %B %Y}."
        if c["cases"]
        else "No Orders in scope and period to judge.",
    ]
    if "sample" in c:
        s.notes.append(
            f"Random sample of up to {c['sample']['sample_size']} case files per area, "
            f"seed {c['sample']['seed']}."
        )
    return s


def _group_name(group: str, words: Labels) -> str:
    return "All Orders" if group == "all" else words.intensity(group)


def _retention(r: Retention[Count], words: Labels) -> Section:
    s = Section("retention", "Time on the Order (Kaplan-Meier)")
    _line_chart(
        s,
        {
            _group_name(g, words): [(t / 30.44, v) for t, v in d["curve"]]
            for g, d in r["groups"].items()
            if not d.get("suppressed")
        },
        "Share still on the Order by months since it was made",
        x_label="months on the Order",
        step=True,
    )
    s.columns = [
        "Group",
        "Orders",
        "Ended",
        "Running",
        "Median days",
        "3 months",
        "6 months",
        "12 months",
    ]
    s.rows = []
    for g, d in r["groups"].items():
        withheld = bool(d.get("suppressed"))
        s.records.append(
            {
                "group": _group_name(g, words),
                "orders": d["n"],
                "ended": d["ended"],
                "running": d["running"],
                "median_days": None if withheld else d["median_days"],
                "still_on_3_months": None if withheld else d["still_on"]["3_months"],
                "still_on_6_months": None if withheld else d["still_on"]["6_months"],
                "still_on_12_months": None if withheld else d["still_on"]["12_months"],
                "withheld": withheld,
            }
        )
        if withheld:
            s.rows.append(
                [_group_name(g, words), count(d["n"]), count(d["ended"]), count(d["running"])]
                + 4 * [NOT_PUBLISHED]
            )
            continue
        s.rows.append(
            [
                _group_name(g, words),
                count(d["n"]),
                count(d["ended"]),
                count(d["running"]),
                "not reached" if d["median_days"] is None else f"{d['median_days']:.0f}",
                pct(d["still_on"]["3_months"]),
                pct(d["still_on"]["6_months"]),
                pct(d["still_on"]["12_months"]),
            ]
        )
    s.notes = [
        "Running Orders are counted for as long as they had run by "
        f"{dt.date.fromisoformat(r['as_of']):%-d %B %Y} (censored)."
    ]
    return s


def _drug_use(d: DrugUse[Count]) -> Section:
    s = Section("drug-use", "Tests negative by month on the Order (Figure 16)")
    _line_chart(
        s,
        {
            "opiates": [(m["month"], m["opiate"]["tests_negative"]["rate"]) for m in d["months"]],
            "cocaine": [(m["month"], m["cocaine"]["tests_negative"]["rate"]) for m in d["months"]],
        },
        "Share of tests negative by month on the Order",
        x_label="month on the Order",
    )
    s.columns = [
        "Month",
        "Opiates negative",
        "Opiate tests",
        "People tested",
        "Cocaine negative",
        "Cocaine tests",
        "People tested",
    ]
    s.rows = [
        [
            str(m["month"]),
            rate_pct(m["opiate"]["tests_negative"]),
            count(m["opiate"]["tests_negative"]["denominator"]),
            count(m["opiate"]["people"]),
            rate_pct(m["cocaine"]["tests_negative"]),
            count(m["cocaine"]["tests_negative"]["denominator"]),
            count(m["cocaine"]["people"]),
        ]
        for m in d["months"]
    ]
    s.records = [
        {
            "month_on_order": m["month"],
            "opiate_tests_negative": m["opiate"]["tests_negative"]["numerator"],
            "opiate_tests": m["opiate"]["tests_negative"]["denominator"],
            "opiate_negative_rate": m["opiate"]["tests_negative"]["rate"],
            "opiate_people": m["opiate"]["people"],
            "cocaine_tests_negative": m["cocaine"]["tests_negative"]["numerator"],
            "cocaine_tests": m["cocaine"]["tests_negative"]["denominator"],
            "cocaine_negative_rate": m["cocaine"]["tests_negative"]["rate"],
            "cocaine_people": m["cocaine"]["people"],
        }
        for m in d["months"]
    ]
    return s


def _reach(r: Reach[Count], words: Labels) -> list[Section]:
    out = []
    titles = {
        "age_band": "age",
        "sex": "sex",
        "ethnic_group": "ethnic group",
        "main_drug": "main drug",
        "accommodation": "accommodation",
        "mental_health_need": "mental health need",
    }
    for dimension, groups in r["dimensions"].items():
        s = Section(f"reach-{dimension}", f"Who is reached: {titles[dimension]}")
        _bar_chart(
            s,
            [(words.group(dimension, g), v["commenced"]["rate"]) for g, v in groups.items()],
            f"Share of referrals sentenced to the Order, by {titles[dimension]}",
            withheld=[bool(v["commenced"].get("suppressed")) for v in groups.values()],
            intervals=[_interval(v["commenced"]) for v in groups.values()],
        )
        s.columns = [
            "Group",
            "Referred",
            "Assessed",
            "Found suitable",
            "Suitable vs reference",
            "Commenced",
            "Commenced vs reference",
            "Successful completion",
            "Successful vs reference",
        ]

        s.rows = [
            [
                words.group(dimension, g),
                count(v["referred"]["count"]),
                rate_pct(v["assessed"]),
                rate_pct(v["suitable"]),
                relative(v["suitable"]["relative_rate"]),
                rate_pct(v["commenced"]),
                relative(v["commenced"]["relative_rate"]),
                rate_pct(v["successful"]),
                relative(v["successful"]["relative_rate"]),
            ]
            for g, v in groups.items()
        ]
        s.records = [
            {
                "dimension": dimension,
                "group": words.group(dimension, g),
                "referred": v["referred"]["count"],
                "assessed_rate": v["assessed"]["rate"],
                "suitable_rate": v["suitable"]["rate"],
                "suitable_relative_rate": v["suitable"]["relative_rate"]["ratio"],
                "commenced": v["commenced"]["numerator"],
                "commenced_rate": v["commenced"]["rate"],
                "commenced_ci_low": v["commenced"]["ci_low"],
                "commenced_ci_high": v["commenced"]["ci_high"],
                "commenced_relative_rate": v["commenced"]["relative_rate"]["ratio"],
                "successful_rate": v["successful"]["rate"],
                "successful_relative_rate": v["successful"]["relative_rate"]["ratio"],
            }
            for g, v in groups.items()
        ]
        reference = words.group(dimension, r["reference_groups"][dimension])
        s.notes = [
            f"Reference group: {reference}. Assessed and commenced are out of those referred, "
            "found suitable out of those assessed, successful completion out of Orders ended."
        ]
        if dimension in ("main_drug", "accommodation", "mental_health_need"):
            s.notes.append(
                f"The {titles[dimension]} is as the person's record holds it now: the record "
                "keeps no history of it."
            )
        out.append(s)
    return out


def _incidence(i: Incidence) -> str:
    value, low, high = i["incidence"], i["ci_low"], i["ci_high"]
    if value is None:
        return DASH
    if low is None or high is None:
        return pct(value)
    return f"{value:.1%} ({low:.1%} to {high:.1%})"


def _revocation(r: Revocation[Count], as_of: str) -> Section:
    s = Section("revocation", "Early revocation, with completion competing (Figure 19)")
    withheld = bool(r.get("suppressed"))
    if not withheld:
        _line_chart(
            s,
            {
                "revoked": [(t / 30.44, v) for t, v in r["curve"]],
                "completed": [(t / 30.44, v) for t, v in r["completion_curve"]],
            },
            "Share of Orders revoked, and completed, by months since the Order was made",
            x_label="months on the Order",
            step=True,
        )
    s.columns = ["By", "Revoked (95% interval)", "Completed (95% interval)"]
    for name in ("3_months", "6_months", "12_months"):
        label = name.replace("_", " ")
        revoked, completed = r["revoked_by"][name], r["completed_by"][name]
        s.rows.append(
            [label]
            + (2 * [NOT_PUBLISHED] if withheld else [_incidence(revoked), _incidence(completed)])
        )
        s.records.append(
            {
                "by": label,
                "revoked": revoked["incidence"],
                "revoked_ci_low": revoked["ci_low"],
                "revoked_ci_high": revoked["ci_high"],
                "completed": completed["incidence"],
                "completed_ci_low": completed["ci_low"],
                "completed_ci_high": completed["ci_high"],
                "withheld": withheld,
            }
        )
    s.notes = [
        f"Orders made in the period: {count(r['n'])}; revoked {count(r['revoked'])}, "
        f"completed {count(r['completed'])}, ended otherwise {count(r['ended_otherwise'])}, "
        f"still running {count(r['running'])} (counted for as long as they had run by "
        f"{dt.date.fromisoformat(as_of):%-d %B %Y}).",
        "An Order that has completed can no longer be revoked: completion competes with "
        "revocation (Aalen-Johansen), so these shares are not one minus a survival curve.",
    ]
    return s


def _clear_majority(d: DrugUse[Count]) -> Section:
    s = Section("drug-use-clear-majority", "Clear of opiates most of the month (Figure 16)")
    months = d["clear_majority_by_month"]
    _line_chart(
        s,
        {"mostly clear": [(m["month"], m["clear_majority"]["rate"]) for m in months]},
        "Share of people tested whose opiate tests were mostly negative, by month on the Order",
        x_label="month on the Order",
    )
    s.columns = ["Month", "Mostly clear", "People tested", "Share", "95% interval"]
    s.rows = [[str(m["month"]), *_rate_cells(m["clear_majority"])] for m in months]
    s.records = [
        {"month_on_order": m["month"], **_rate_record(m["clear_majority"])} for m in months
    ]
    s.notes = [
        "Mostly clear: more than half of the month's opiate tests negative (one of two is not).",
        "A month is counted once it has ended; people with no opiate test that month are not.",
    ]
    return s


def _same_bench(r: Reviews[Count]) -> Section:
    b = r["same_bench"]
    s = Section("reviews-bench", "Court reviews by the same bench (3.26)")
    s.columns = ["Measure", "Value"]
    s.rows = [
        ["Reviews held", count(b["reviews"])],
        ["Reviews with nobody recorded as sitting (not compared)", count(b["not_recorded"])],
        ["Later reviews by the bench of the first review", count(b["numerator"])],
        ["Later reviews compared", count(b["denominator"])],
        ["Share", rate_pct(b)],
        ["95% interval", ci(b)],
    ]
    s.records = [
        {
            "reviews": b["reviews"],
            "not_recorded": b["not_recorded"],
            **_rate_record(b),
            "compared_with": b["compared_with"],
        }
    ]
    s.notes = [
        "The Order does not record who sentenced, so each review after an Order's first is "
        "compared with the bench at its first review: the same names, as recorded.",
    ]
    return s


def _continuity(c: Continuity[Count], words: Labels) -> Section:
    s = Section("continuity", "Continuity of care after the Order (3.30)")
    steps = (
        ("onward_referred", "Referred on for treatment", c["onward_referred"]),
        ("custody_handover", "Handed over to prison drug services", c["custody_handover"]),
    )
    onward = c["onward_referred"]["by_reason"]
    _bar_chart(
        s,
        [(words.code("termination_reason", r), onward[r]["rate"]) for r in onward],
        "Orders ended with an onward referral for treatment, by termination reason",
        withheld=[bool(v.get("suppressed")) for v in onward.values()],
        intervals=[_interval(v) for v in onward.values()],
    )
    s.columns = ["Step", "Termination reason", "Orders", "Terminations", "Share", "95% interval"]
    for step, label, measure in steps:
        rows = [("all", "All terminations", measure)] + [
            (r, words.code("termination_reason", r), v) for r, v in measure["by_reason"].items()
        ]
        for reason, reason_label, rate in rows:
            s.rows.append([label, reason_label, *_rate_cells(rate)])
            s.records.append({"step": step, "reason": reason, **_rate_record(rate)})
    s.notes = [
        "Out of every Order ended in the period. The record does not say who went to custody, "
        "so a handover is counted out of every termination of its reason: read it for "
        "revocations.",
    ]
    return s


def _costs(c: Costs[Count], words: Labels) -> Section:
    year = c["financial_year"]
    s = Section("costs", f"Costs {financial_year(year)} (Figure 24)")
    _bar_chart(
        s,
        [(words.area(r["area"]), r["cost_per_commencement"]) for r in c["areas"]],
        "Cost per commencement",
        withheld=[r["commencements"] is None for r in c["areas"]],
        percent=False,
    )
    s.columns = [
        "Area",
        "Budget",
        "Per commencement",
        "Per successful completion",
        "Per day on the Order",
        "Custody per day",
    ]
    s.rows = [
        [
            words.area(r["area"]),
            money(r["budget"]),
            derived(r["cost_per_commencement"], "£{:,.2f}", r["commencements"]),
            derived(r["cost_per_successful_completion"], "£{:,.2f}", r["successful_completions"]),
            money(r["cost_per_day"]),
            money(r["custody_day_cost"]),
        ]
        for r in c["areas"]
    ]
    s.records = [
        {
            "financial_year": financial_year(year),
            "area": r["area"],
            "area_name": words.area(r["area"]),
            "budget": r["budget"],
            "commencements": r["commencements"],
            "cost_per_commencement": r["cost_per_commencement"],
            "successful_completions": r["successful_completions"],
            "cost_per_successful_completion": r["cost_per_successful_completion"],
            "order_days": r["order_days"],
            "cost_per_day": r["cost_per_day"],
            "custody_day_cost": r["custody_day_cost"],
        }
        for r in c["areas"]
    ]
    custody = unit_cost("custody_day", ORDERS_BEGAN)
    s.notes = [
        "Custody per day is the figure recorded with each area's budget; the source's figure"
        f" is £{custody.pounds:,.0f} a day ({custody.source.split(':')[0]}), not an assumption."
    ]
    if not c["areas"]:
        s.notes = [f"No budgets recorded for {financial_year(year)}."]
    return s


def _reconviction(r: Reconviction[Count]) -> Section:
    s = Section("reconviction", "Reconviction (Figure 17)")
    s.columns = ["Window", "Who", "Reconvicted", "Followed up", "Rate", "95% interval"]
    for name, w in r["windows"].items():
        label = name.replace("_", " ")
        s.rows.append([label, "Everyone who started", *_rate_cells(w["all_starters"])])
        s.rows.append([label, "Successful completers", *_rate_cells(w["completers"])])
        for who, rate in (("everyone", w["all_starters"]), ("completers", w["completers"])):
            s.records.append({"window": label, "who": who, **_rate_record(rate)})
    as_of = dt.date.fromisoformat(r["as_of"])
    s.notes = [f"Only Orders made at least the whole window before {as_of:%-d %B %Y} are counted."]
    return s


# Where an area falls on the funnel plot (``statistics.funnel_position``), in words.
POSITIONS = {
    "within": "Within the limits",
    "above_95": "Above the 95% limit",
    "above_99.8": "Above the 99.8% limit",
    "below_95": "Below the 95% limit",
    "below_99.8": "Below the 99.8% limit",
    "no_data": "No terminations",
}


def _position(funnel: str | None) -> str:
    """Where an area falls against the limits; a withheld area is not judged."""
    if funnel is None:
        return NOT_PUBLISHED
    return POSITIONS.get(funnel, funnel.replace("_", " "))


def _areas(a: AreaComparison[Count], words: Labels) -> list[Section]:
    funnel = Section("areas", "Successful completion by area (funnel plot)")
    points: list[tuple[str, int, float]] = []
    for x in a["areas"]:
        done = x["successful_completion"]
        n, rate = done["denominator"], done["rate"]
        # A withheld area is left off the plot as well as unjudged.
        if x["funnel"] is not None and n is not None and rate is not None:
            points.append((words.area(x["area"]), n, rate))
    overall = a["overall_rate"]
    if overall is not None:
        funnel.chart = charts.funnel_plot(
            points, a["funnel_limits"], overall, "Completion rate against terminations"
        )
    funnel.columns = ["Area", "Successful", "Terminations", "Rate", "95% interval", "Position"]
    funnel.rows = [
        [words.area(x["area"]), *_rate_cells(x["successful_completion"]), _position(x["funnel"])]
        for x in a["areas"]
    ]
    funnel.records = [
        {
            "area": x["area"],
            "area_name": words.area(x["area"]),
            **_rate_record(x["successful_completion"]),
            "position": x["funnel"],
            "compliance_index": x["compliance_index"],
        }
        for x in a["areas"]
    ]
    overall_text = NOT_PUBLISHED if overall is None and a["areas"] else pct(overall)
    funnel.notes = [f"Overall rate {overall_text}; dashed lines are 95% limits, dotted 99.8%."]
    corr = Section("compliance-completion", "Compliance and completion across areas (Appendix 2)")
    corr.columns = ["Measure", "Areas", "Pearson r", "p", "Spearman rho"]
    for measure, c in a["correlation_with_completion"].items():
        corr.records.append(
            {
                "measure": measure,
                "measure_label": MEASURE_LABELS.get(measure, "Mean of all measures"),
                "areas": c.get("n_areas", c["n"]),
                "pearson_r": c["pearson_r"],
                "pearson_p": c["pearson_p"],
                "spearman_rho": c["spearman_rho"],
            }
        )
        corr.rows.append(
            [
                MEASURE_LABELS.get(measure, "Mean of all measures"),
                str(c.get("n_areas", c["n"])),
                DASH if c["pearson_r"] is None else f"{c['pearson_r']:.2f}",
                DASH if c["pearson_p"] is None else f"{c['pearson_p']:.3f}",
                DASH if c["spearman_rho"] is None else f"{c['spearman_rho']:.2f}",
            ]
        )
    return [funnel, corr, _area_context(a, words)]


def _area_context(a: AreaComparison[Count], words: Labels) -> Section:
    """Each area's Orders made: their median length and the intensity sentenced against the
    assessment's recommendation (what a completion rate should be read beside)."""
    s = Section("areas-context", "Order length and intensity against the recommendation, by area")
    s.columns = [
        "Area",
        "Orders made",
        "Median length (months)",
        "Recommendation recorded",
        "Lower than recommended",
        "As recommended",
        "Higher than recommended",
    ]
    for x in a["areas"]:
        against = x["intensity_against_recommendation"]
        median = x["median_length_months"]
        s.rows.append(
            [
                words.area(x["area"]),
                count(x["orders_made"]),
                derived(median, "{}", x["orders_made"]),
                count(against["compared"]),
                rate_pct(against["lower"]),
                rate_pct(against["equal"]),
                rate_pct(against["higher"]),
            ]
        )
        record: dict[str, Any] = {
            "area": x["area"],
            "area_name": words.area(x["area"]),
            "orders_made": x["orders_made"],
            "median_length_months": median,
            "recommendation_recorded": against["compared"],
            "recommendation_not_recorded": against["not_recorded"],
        }
        for side in ("lower", "equal", "higher"):
            rate = against[side]
            record[f"{side}_rate"] = rate["rate"]
            record[f"{side}_withheld"] = bool(rate.get("suppressed"))
        s.records.append(record)
    s.notes = [
        "Orders made in the period. The intensity sentenced is compared with the intensity the"
        " assessment recommended; Orders whose assessment recorded no recommendation are left"
        " out of the shares. A longer Order, or one more intensive than recommended, has more"
        " to complete: read each area's completion rate beside these."
    ]
    return s


def sentencer_sections(d: PublishedSummary) -> list[Section]:
    s = Section("sentencers", "How the Order is working at this court")
    t = d["terminations"]
    b = d["breaches"]
    on_order = d["on_order"]
    # No Orders at all: nothing withheld, nothing to show (a dash).
    orders, ended = (0, 0) if on_order is None else (on_order["orders"], on_order["ended"])
    month_1 = d["opiate_negative_month_1"]
    s.columns = ["Measure", "Figure"]
    s.rows = [
        ["Orders made", count(d["commencements"])],
        ["Orders ended", count(t["total"])],
        [
            "Completed successfully",
            f"{count(t['successful'])} ({rate_pct(t['successful_completion'])}, "
            f"{ci(t['successful_completion'])})",
        ],
        ["Expired in breach (not successful)", count(t["expired_in_breach"])],
        [
            "Still on the Order after 6 months",
            derived(d["still_on_at_6_months"], "{:.1%}", orders, ended),
        ],
        [
            "Median days on the Order",
            derived(d["median_days_on_order"], "{:.0f}", orders, ended),
        ],
        [
            "Breaches per 100 Orders made",
            derived(b["per_100_commencements"], "{:.0f}", b["instigated"], b["commencements"]),
        ],
        [
            "Breaches where the Order was revoked",
            derived(b["revoked_share"], "{:.1%}", b["revoked"], b["decided"]),
        ],
        ["Reviews held when due", rate_pct(d["reviews_held_when_due"])],
        ["Opiate tests negative, month 1", DASH if month_1 is None else rate_pct(month_1)],
        ["Opiate tests negative, month 6 on", rate_pct(d["opiate_negative_month_6_on"])],
        [
            "Reconvicted within 1 year (everyone)",
            rate_pct(d["reconviction"]["1_year"]["all_starters"]),
        ],
        [
            "Reconvicted within 1 year (completers)",
            rate_pct(d["reconviction"]["1_year"]["completers"]),
        ],
    ]
    s.notes = [f"{DISCLOSURE_NOTE} Rates come with 95% intervals in the full report."]
    return [s]

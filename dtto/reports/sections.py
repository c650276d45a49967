"""A report document laid out as sections: a heading, a chart and the table behind it.

Pages, the HTML document and the PDF all render these, so every format shows the same
figures. Input is the (already suppressed) output of ``measures.report`` or
``measures.sentencer_summary``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dtto.reports import charts

NOT_PUBLISHED = "fewer than 5"
DASH = "\N{EN DASH}"  # no figure: nothing to divide by
MEASURE_LABELS = {
    "first_probation_1wd": "First probation appointment within 1 working day",
    "first_treatment_2wd": "First treatment appointment within 2 working days",
    "contact_phase1": "Minimum contact arranged, weeks 1-13",
    "contact_phase2": "Minimum contact arranged, after week 13",
    "tests_phase1": "Tests required, weeks 1-13 (2 a week)",
    "tests_phase2": "Tests required, after week 13 (1 a week)",
    "reviews": "Court reviews held when due",
    "enforcement": "Enforcement action taken when required",
}
REASON_LABELS = {
    "completed": "Completed full term",
    "early_good_progress": "Ended early for good progress",
    "revoked_non_compliance": "Revoked for failure to comply",
    "revoked_conviction": "Revoked on conviction",
    "ill_health": "Ill health",
    "death": "Death",
    "other": "Other",
}


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


def _bar_chart(
    s: Section, bars: Sequence[tuple[str, float | None]], title: str, **options: Any
) -> None:
    s.chart = charts.bar_chart(bars, title, **options)
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


def count(value: Any) -> str:
    if value is None:
        return NOT_PUBLISHED
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def pct(value: float | None) -> str:
    return DASH if value is None else f"{value:.1%}"


def ci(r: dict[str, Any]) -> str:
    if r.get("suppressed"):
        return NOT_PUBLISHED
    if r.get("ci_low") is None:
        return DASH
    return f"{r['ci_low']:.1%} to {r['ci_high']:.1%}"


def relative(r: dict[str, Any] | None) -> str:
    """A rate relative to the reference group's, with its interval.

    Withheld when the rate (or the reference group's) rests on counts under 5; a dash when
    there is no ratio (the group or the reference group has no one at that stage, or a rate
    of 0).
    """
    if r is not None and r.get("suppressed"):
        return NOT_PUBLISHED
    if r is None or r.get("ratio") is None:
        return DASH
    return f"{r['ratio']:.2f} ({r['ci_low']:.2f} to {r['ci_high']:.2f})"


def money(value: float | None) -> str:
    return DASH if value is None else f"£{value:,.2f}"


def _rate_cells(r: dict[str, Any]) -> list[str]:
    if r.get("suppressed"):
        return [NOT_PUBLISHED, NOT_PUBLISHED, NOT_PUBLISHED, NOT_PUBLISHED]
    return [count(r["numerator"]), count(r["denominator"]), pct(r["rate"]), ci(r)]


def report_sections(data: dict[str, Any]) -> list[Section]:
    out = [
        _commencements(data["commencements"]),
        _funnel(data["referrals"]),
        _terminations(data["terminations"]),
        _breaches(data["breaches"]),
        _compliance(data["compliance"], "compliance", "National Standard compliance, every case"),
    ]
    if data.get("compliance_sample"):
        out.append(
            _compliance(
                data["compliance_sample"], "compliance-sample", "Compliance in a case file sample"
            )
        )
    out += [
        _retention(data["retention_by_intensity"]),
        _drug_use(data["drug_use"]),
        *_reach(data["reach"]),
    ]
    if data.get("costs"):
        out.append(_costs(data["costs"]))
    out.append(_reconviction(data["reconviction"]))
    if data.get("areas"):
        out += _areas(data["areas"])
    return out


def _commencements(c: dict[str, Any]) -> Section:
    s = Section("commencements", "Commencements against targets")
    bars = [
        (
            f"{r['financial_year']}-{(r['financial_year'] + 1) % 100:02d} {r['intensity']}",
            r["share_of_target"],
        )
        for r in c["by_year"]
    ]
    _bar_chart(
        s, bars, "Commencements as a share of target", reference=1.0, reference_label="target"
    )
    s.columns = ["Financial year", "Intensity", "Commencements", "Target", "Share of target"]
    s.rows = [
        [
            f"{r['financial_year']}-{(r['financial_year'] + 1) % 100:02d}",
            r["intensity"],
            count(r["commencements"]),
            DASH if r["target"] is None else f"{r['target']:,}",
            pct(r["share_of_target"]),
        ]
        for r in c["by_year"]
    ]
    s.notes = [f"Orders made in the period: {count(c['total'])}."]
    low = [
        r for r in c["by_area"] if r["share_of_target"] is not None and r["share_of_target"] < 0.8
    ]
    if low:
        s.notes.append(
            "Areas under 80% of target: "
            + ", ".join(
                f"{r['area']} {r['financial_year']} ({pct(r['share_of_target'])})" for r in low
            )
        )
    return s


def _funnel(f: dict[str, Any]) -> Section:
    s = Section("referrals", "From referral to Order (Figure 9)")
    stages = [
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
        percent=False,
    )
    s.columns = ["Stage", "Reason", "People"]
    s.rows = [[label, "", count(n)] for label, n in stages]
    for stage, key in (("Not assessed", "not_assessed"), ("Assessed unsuitable", "unsuitable")):
        s.rows += [[stage, reason, count(n)] for reason, n in f[key]["by_reason"].items()]
    wait = f["days_referral_to_order"]
    s.notes = [
        f"Not found suitable: {pct(f['not_found_suitable']['rate'])} "
        f"({ci(f['not_found_suitable'])}).",
        f"Days from referral to Order: median {count(wait['median'])}, "
        f"quartiles {count(wait['quartile_1'])} and {count(wait['quartile_3'])} "
        f"({count(wait['n'])} Orders).",
    ]
    return s


def _terminations(t: dict[str, Any]) -> Section:
    s = Section("terminations", "Terminations and successful completion")
    shares = t["by_reason_share"]
    _bar_chart(
        s,
        [(REASON_LABELS[r], shares[r]["rate"]) for r in REASON_LABELS],
        "Terminations by reason",
        intervals=[(shares[r]["ci_low"], shares[r]["ci_high"]) for r in REASON_LABELS],
    )
    s.columns = ["Reason", "Orders", "Terminations", "Share", "95% interval"]
    s.rows = [[REASON_LABELS[r], *_rate_cells(shares[r])] for r in REASON_LABELS]
    done = t["successful_completion"]
    s.notes = [
        f"Successful completions (completed or ended early for good progress, not in breach): "
        f"{count(t['successful'])} of {count(t['total'])}, {pct(t['successful_rate'])} "
        f"({ci(done)}); target {pct(t['target_rate'])}.",
        f"Orders that expired while in breach (not counted as successful): "
        f"{count(t['expired_in_breach'])}.",
    ]
    return s


def _breaches(b: dict[str, Any]) -> Section:
    s = Section("enforcement", "Enforcement")
    s.columns = ["Measure", "Value"]
    per_100 = b["per_100_commencements"]
    s.rows = [
        ["Breaches instigated", count(b["instigated"])],
        ["Commencements", count(b["commencements"])],
        ["Breaches per 100 commencements", DASH if per_100 is None else f"{per_100:.1f}"],
        ["Breaches decided", count(b["decided"])],
        ["Order revoked", count(b["revoked"])],
        ["Revoked share of decided breaches", pct(b["revoked_share"])],
        ["95% interval", ci(b["revoked_rate"])],
    ]
    return s


def _compliance(c: dict[str, Any], id_: str, heading: str) -> Section:
    s = Section(id_, heading)
    _bar_chart(
        s,
        [(MEASURE_LABELS[m][:30], c[m]["rate"]) for m in MEASURE_LABELS],
        heading,
        intervals=[(c[m]["ci_low"], c[m]["ci_high"]) for m in MEASURE_LABELS],
    )
    s.columns = ["Measure", "Met", "Judged", "Rate", "95% interval"]
    s.rows = [[MEASURE_LABELS[m], *_rate_cells(c[m])] for m in MEASURE_LABELS]
    s.notes = [
        "A case counts only where the Standard could be judged (for example, a first "
        "appointment not yet due is not counted).",
        f"Findings final by {c['as_of']}."
        if c["cases"]
        else "No Orders in scope and period to judge.",
    ]
    if c.get("sample"):
        s.notes.append(
            f"Random sample of up to {c['sample']['sample_size']} case files per area, "
            f"seed {c['sample']['seed']}."
        )
    return s


def _retention(r: dict[str, Any]) -> Section:
    s = Section("retention", "Time on the Order (Kaplan-Meier)")
    _line_chart(
        s,
        {g: [(t / 30.44, v) for t, v in d["curve"]] for g, d in r["groups"].items()},
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
    s.rows = [
        [
            g,
            count(d["n"]),
            count(d["ended"]),
            count(d["running"]),
            "not reached" if d["median_days"] is None else f"{d['median_days']:.0f}",
            pct(d["still_on"]["3_months"]),
            pct(d["still_on"]["6_months"]),
            pct(d["still_on"]["12_months"]),
        ]
        for g, d in r["groups"].items()
    ]
    s.notes = [f"Running Orders are censored at the days they had run by {r['as_of']}."]
    return s


def _drug_use(d: dict[str, Any]) -> Section:
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
            pct(m["opiate"]["tests_negative"]["rate"]),
            count(m["opiate"]["tests_negative"]["denominator"]),
            count(m["opiate"]["people"]),
            pct(m["cocaine"]["tests_negative"]["rate"]),
            count(m["cocaine"]["tests_negative"]["denominator"]),
            count(m["cocaine"]["people"]),
        ]
        for m in d["months"]
    ]
    return s


def _reach(r: dict[str, Any]) -> list[Section]:
    out = []
    titles = {"age_band": "age", "sex": "sex", "ethnic_group": "ethnic group"}
    for dimension, groups in r["dimensions"].items():
        s = Section(f"reach-{dimension}", f"Who is reached: {titles[dimension]}")
        _bar_chart(
            s,
            [(g, v["commenced"]["rate"]) for g, v in groups.items()],
            f"Share of referrals sentenced to the Order, by {titles[dimension]}",
            intervals=[
                (v["commenced"]["ci_low"], v["commenced"]["ci_high"]) for v in groups.values()
            ],
        )
        s.columns = [
            "Group",
            "Referred",
            "Assessed",
            "Commenced",
            "Commenced vs reference",
            "Successful completion",
            "Successful vs reference",
        ]

        s.rows = [
            [
                g,
                count(v["referred"]["count"]),
                pct(v["assessed"]["rate"]),
                pct(v["commenced"]["rate"]),
                relative(v["commenced"].get("relative_rate")),
                pct(v["successful"]["rate"]),
                relative(v["successful"].get("relative_rate")),
            ]
            for g, v in groups.items()
        ]
        s.notes = [f"Reference group: {r['reference_groups'][dimension]}."]
        out.append(s)
    return out


def _costs(c: dict[str, Any]) -> Section:
    year = c["financial_year"]
    s = Section("costs", f"Costs {year}-{(year + 1) % 100:02d} (Figure 24)")
    _bar_chart(
        s,
        [(r["area"], r["cost_per_commencement"]) for r in c["areas"]],
        "Cost per commencement",
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
            r["area"],
            money(r["budget"]),
            money(r["cost_per_commencement"]),
            money(r["cost_per_successful_completion"]),
            money(r["cost_per_day"]),
            money(r["custody_day_cost"]),
        ]
        for r in c["areas"]
    ]
    if not c["areas"]:
        s.notes = ["No budgets recorded for this year."]
    return s


def _reconviction(r: dict[str, Any]) -> Section:
    s = Section("reconviction", "Reconviction (Figure 17)")
    s.columns = ["Window", "Who", "Reconvicted", "Followed up", "Rate", "95% interval"]
    for name, w in r["windows"].items():
        label = name.replace("_", " ")
        s.rows.append([label, "Everyone who started", *_rate_cells(w["all_starters"])])
        s.rows.append([label, "Successful completers", *_rate_cells(w["completers"])])
    s.notes = [f"Only Orders made at least the whole window before {r['as_of']} are counted."]
    return s


def _areas(a: dict[str, Any]) -> list[Section]:
    funnel = Section("areas", "Successful completion by area (funnel plot)")
    points = [
        (x["area"], x["successful_completion"]["denominator"], x["successful_completion"]["rate"])
        for x in a["areas"]
        if x["successful_completion"].get("rate") is not None
    ]
    if a["overall_rate"] is not None:
        funnel.chart = charts.funnel_plot(
            points, a["funnel_limits"], a["overall_rate"], "Completion rate against terminations"
        )
    funnel.columns = ["Area", "Successful", "Terminations", "Rate", "95% interval", "Position"]
    funnel.rows = [
        [x["area"], *_rate_cells(x["successful_completion"]), x["funnel"].replace("_", " ")]
        for x in a["areas"]
    ]
    funnel.notes = [
        f"Overall rate {pct(a['overall_rate'])}; dashed lines are 95% limits, dotted 99.8%."
    ]
    corr = Section("compliance-completion", "Compliance and completion across areas (Appendix 2)")
    corr.columns = ["Measure", "Areas", "Pearson r", "p", "Spearman rho"]
    for measure, c in a["correlation_with_completion"].items():
        corr.rows.append(
            [
                MEASURE_LABELS.get(measure, "Mean of all measures"),
                str(c.get("n_areas", c["n"])),
                DASH if c["pearson_r"] is None else f"{c['pearson_r']:.2f}",
                DASH if c["pearson_p"] is None else f"{c['pearson_p']:.3f}",
                DASH if c["spearman_rho"] is None else f"{c['spearman_rho']:.2f}",
            ]
        )
    return [funnel, corr]


def sentencer_sections(d: dict[str, Any]) -> list[Section]:
    s = Section("sentencers", "How the Order is working at this court")
    t = d["terminations"]
    s.columns = ["", "Figure"]
    s.rows = [
        ["Orders made", count(d["commencements"])],
        ["Orders ended", count(t["total"])],
        [
            "Completed successfully",
            f"{count(t['successful'])} ({pct(t['successful_completion']['rate'])}, {ci(t['successful_completion'])})",
        ],
        ["Expired in breach (not successful)", count(t["expired_in_breach"])],
        ["Still on the Order after 6 months", pct(d["still_on_at_6_months"])],
        [
            "Median days on the Order",
            DASH if d["median_days_on_order"] is None else f"{d['median_days_on_order']:.0f}",
        ],
        [
            "Breaches per 100 Orders made",
            DASH
            if d["breaches"]["per_100_commencements"] is None
            else f"{d['breaches']['per_100_commencements']:.0f}",
        ],
        ["Breaches where the Order was revoked", pct(d["breaches"]["revoked_share"])],
        ["Reviews held when due", pct(d["reviews_held_when_due"]["rate"])],
        ["Opiate tests negative, month 1", pct((d["opiate_negative_month_1"] or {}).get("rate"))],
        ["Opiate tests negative, month 6 on", pct(d["opiate_negative_month_6_on"]["rate"])],
        [
            "Reconvicted within 1 year (everyone)",
            pct(d["reconviction"]["1_year"]["all_starters"]["rate"]),
        ],
        [
            "Reconvicted within 1 year (completers)",
            pct(d["reconviction"]["1_year"]["completers"]["rate"]),
        ],
    ]
    s.notes = [
        "Counts under 5 are not published; rates come with 95% intervals in the full report."
    ]
    return [s]

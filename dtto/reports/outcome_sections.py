"""The report page's sections for issue 14's measures: continuity of care, offending before
and after, the offence behind a revocation, assessment against its deadline, and costs from
recorded spending (docs/reports.md). Rendered like every other section (tables, notes and a
tidy CSV), from the published report only."""

from __future__ import annotations

from dtto.reports import outcome_results as out
from dtto.reports.labels import Labels
from dtto.reports.results import Continuity, Costs, Count, PublishedReport
from dtto.reports.sections import (
    DASH,
    NOT_PUBLISHED,
    Section,
    _bar_chart,
    _rate_cells,
    _rate_record,
    count,
    derived,
    financial_year,
    money,
    pct,
)
from dtto.standards.rules import AFTERCARE_START_DAYS

RATE_COLUMNS = ["Counted", "Out of", "Rate", "95% interval"]


def outcome_sections(data: PublishedReport, words: Labels) -> list[Section]:
    sections: list[Section] = []
    sections.append(_treatment_started(data["continuity"], words))
    if "offending" in data:
        sections.append(_offending(data["offending"]))
    if "revocations" in data:
        sections.append(_revocations(data["revocations"]))
    if "assessment" in data:
        sections.append(_assessment(data["assessment"]))
    if "court_feedback" in data:
        sections.append(_court_feedback(data["court_feedback"]))
    costs = data["costs"]
    if costs is not None and "spend" in costs:
        sections.append(_spend(costs, words))
    return sections


def _treatment_started(c: Continuity[Count], words: Labels) -> Section:
    r = c["treatment_started_within_21_days"]
    s = Section(
        "treatment-after-the-order",
        f"Treatment begun within {AFTERCARE_START_DAYS} days of the Order's end (3.30)",
    )
    s.columns = ["How the Order ended", *RATE_COLUMNS]
    s.rows = [["Every ending (but death)", *_rate_cells(r)]]
    s.records = [{"termination_reason": "all", **_rate_record(r)}]
    for reason, rate in r["by_reason"].items():
        s.rows.append([words.code("termination_reason", reason), *_rate_cells(rate)])
        s.records.append({"termination_reason": reason, **_rate_record(rate)})
    s.notes = [
        f"Orders ended at least {AFTERCARE_START_DAYS} days before the report's day, so each "
        "was followed for the whole window; treatment not recorded counts as not begun."
    ]
    return s


def _hours(value: float | None) -> str:
    return NOT_PUBLISHED if value is None else f"{value:,.1f}"


def contact_hours_section(c: out.ContactHours[Count], words: Labels) -> Section:
    """Contact hours by activity (docs/reports.md, section 5), placed beside compliance."""
    s = Section("contact-hours", "Contact hours by activity (3.21-3.24)")
    s.columns = ["Activity", "Hours attended", "Share of the hours", "Appointments", "Orders"]
    bars: list[tuple[str, float | None]] = []
    withheld: list[bool] = []
    for activity, a in c["by_activity"].items():
        label = words.activity(activity)
        hidden = bool(a.get("suppressed"))
        share = a["share"]
        shown_share = (
            NOT_PUBLISHED if hidden or (share is None and c["orders"] is None) else pct(share)
        )
        s.rows.append(
            [label, _hours(a["hours"]), shown_share, count(a["appointments"]), count(a["orders"])]
        )
        s.records.append(
            {
                "activity": activity,
                "activity_label": label,
                "hours": a["hours"],
                "share": share,
                "appointments": a["appointments"],
                "orders": a["orders"],
                "withheld": hidden,
            }
        )
        bars.append((label, share))
        withheld.append(hidden or c["orders"] is None)
    _bar_chart(s, bars, "Share of the hours attended, by activity", withheld=withheld)
    s.notes = [
        f"Hours of appointments attended in the period: {_hours(c['hours'])}, on"
        f" {count(c['orders'])} Orders. An appointment with no activity recorded is counted"
        " as not recorded; missed and cancelled appointments are not counted."
    ]
    return s


def _per_year(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}"


def _interval(low: float | None, high: float | None, withheld: bool) -> str:
    if withheld:
        return NOT_PUBLISHED
    return DASH if low is None or high is None else f"{low:.2f} to {high:.2f}"


def _offending(o: out.Offending[Count]) -> Section:
    s = Section("offending", "Convictions a year, before and after the Order (3.7, Figure 17)")
    s.columns = ["Year", "Convictions", "People", "Per person a year", "95% interval"]
    rows: list[tuple[str, out.ConvictionRate[Count]]] = [("Year before referral", o["rate_before"])]
    rows += [(f"Year {y['year']} after the Order", y) for y in o["rate_after"]]
    for label, r in rows:
        withheld = r["people"] is None
        s.rows.append(
            [
                label,
                count(r["convictions"]),
                count(r["people"]),
                NOT_PUBLISHED if withheld else _per_year(r["rate"]),
                _interval(r["ci_low"], r["ci_high"], withheld),
            ]
        )
        s.records.append(
            {
                "year": label,
                "convictions": r["convictions"],
                "people": r["people"],
                "rate": r["rate"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
            }
        )
    s.notes = [
        "Each year after the Order counts only those followed for the whole year. The source"
        " (3.7) found about 6 a year before and under 2 after, among pilot completers."
    ]
    return s


def _revocations(r: out.Revocations[Count]) -> Section:
    s = Section("revocations", "Revoked on conviction: when was the offence? (3.3)")
    s.columns = ["Offence committed", *RATE_COLUMNS]
    for label, key in (
        ("Before the Order", "offence_before_order"),
        ("During the Order", "offence_during_order"),
    ):
        rate = r[key]  # type: ignore[literal-required]
        s.rows.append([label, *_rate_cells(rate)])
        s.records.append({"offence": key, **_rate_record(rate)})
    s.notes = [
        f"Revoked on conviction: {count(r['revoked_on_conviction'])}; offence date not"
        f" recorded: {count(r['offence_date_not_known'])}."
    ]
    return s


def _assessment(a: out.AssessmentTiming[Count]) -> Section:
    s = Section("assessment", "Assessment and the pre-sentence report (Figure 4)")
    s.columns = ["Measure", *RATE_COLUMNS]
    for label, key in (
        ("Assessed within 5 working days", "within_deadline"),
        ("Sentence adjourned for assessment", "adjourned_for_assessment"),
    ):
        rate = a[key]  # type: ignore[literal-required]
        s.rows.append([label, *_rate_cells(rate)])
        s.records.append({"measure": key, **_rate_record(rate)})
    s.notes = [
        "Five working days from the pre-sentence report's delivery, or from the referral where"
        " no report date is recorded. People never assessed are not counted."
    ]
    return s


def _spend(c: Costs[Count], words: Labels) -> Section:
    year = financial_year(c["financial_year"])
    s = Section("spend", f"Spending {year} (3.32-3.33)")
    spend, basis, hearings = c["spend"], c["spend_basis"], c["enforcement_hearings"]
    s.columns = ["Area", "Heading", "Spent"]
    for area in spend["by_area"]:
        for heading, amount in area["by_heading"].items():
            s.rows.append([words.area(area["area"]), heading, money(amount)])
            s.records.append(
                {"financial_year": year, "area": area["area"], "heading": heading, "spent": amount}
            )
    prices = "; ".join(
        f"{name.replace('_', ' ')} £{pounds:,.0f}, {_basis(hearings, name)}"
        for name, pounds in hearings["unit_costs"].items()
    )
    enforcement = derived(
        hearings["cost"], "£{:,.2f}", hearings["breach_hearings"], hearings["review_hearings"]
    )
    s.notes = [
        f"Spent: {money(spend['total'])}. Per commencement:"
        f" {derived(c['cost_per_commencement'], '£{:,.2f}', basis['commencements'])};"
        " per successful completion:"
        f" {derived(c['cost_per_successful_completion'], '£{:,.2f}', basis['successful_completions'])};"
        f" per day on the Order: {money(c['cost_per_day'])}.",
        f"Breach hearings: {count(hearings['breach_hearings'])}; review hearings:"
        f" {count(hearings['review_hearings'])}; their cost: {enforcement}, at these unit"
        f" costs: {prices}.",
    ]
    if not spend["by_area"]:
        s.notes = [f"No spending recorded for {year}."]
    return s


def _basis(hearings: out.EnforcementHearings[Count], name: str) -> str:
    """Beside a unit cost: assumed by dtto, or the source's figure with its paragraph."""
    basis = hearings["unit_cost_basis"].get(name)
    if basis is None:
        return "source not recorded"
    if basis["assumption"]:
        return "assumed by dtto: the source gives no figure"
    return f"from the source, {basis['source']}"


def _court_feedback(c: out.CourtFeedbackSummary[Count]) -> Section:
    s = Section("court-feedback", "What the courts made of review reports (Appendix 1 standard 7)")
    s.columns = ["Measure", *RATE_COLUMNS]
    for label, key in (
        ("Reports the court gave its view of", "feedback_given"),
        ("Found useful, of those", "useful"),
    ):
        rate = c[key]  # type: ignore[literal-required]
        s.rows.append([label, *_rate_cells(rate)])
        s.records.append({"measure": key, **_rate_record(rate)})
    given = "; ".join(
        f"{value.replace('_', ' ')}: {count(n)}" for value, n in c["by_feedback"].items()
    )
    s.notes = [f"Review reports sent to the court: {count(c['reports_sent'])}. Views: {given}."]
    return s


def provider_sections(p: out.ProviderActivity[Count]) -> list[Section]:
    """A treatment provider's activity report (docs/reports.md, "Partners")."""
    s = Section("provider", f"Orders treated by {p['provider']['name']}")
    s.columns = ["Measure", *RATE_COLUMNS]
    for label, key in (
        ("Attended a treatment appointment", "started"),
        ("Still on the Order at 3 months", "retained_3_months"),
        ("Referred on for treatment when the Order ended", "onward"),
    ):
        rate = p[key]  # type: ignore[literal-required]
        s.rows.append([label, *_rate_cells(rate)])
        s.records.append({"measure": key, **_rate_record(rate)})
    s.notes = [f"Orders made with this provider in the period: {count(p['referred'])}."]
    return [s]

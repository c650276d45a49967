"""Progress reports to the court for its reviews: the schedule, the drafted text, the PDF.

The schedule and every "met" in the draft come from the National Standard engine; the
draft is only words around its findings and the recorded tests, for the case manager to edit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from io import BytesIO

from dtto.cases.models import Appointment, CourtReview, DrugTest, FormalWarning, Order, ReviewReport
from dtto.cases.timeline import evaluate_order
from dtto.lib.dates import long_date
from dtto.standards.engine import Evaluation
from dtto.standards.rules import rule_set_for

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class ScheduledReview:
    due: dt.date
    window_from: dt.date
    window_to: dt.date
    held_on: dt.date | None
    met: bool | None
    report: ReviewReport | None


def review_schedule(
    order: Order,
    today: dt.date,
    evaluation: Evaluation | None = None,
    reports: dict[dt.date, ReviewReport] | None = None,
) -> list[ScheduledReview]:
    """The reviews the Standard asks for on this Order, with what was held and reported
    (``reports``, by the review they are for, if read already)."""
    evaluation = evaluation or evaluate_order(order, today)
    if reports is None:
        reports = reports_by_review(order)
    return [
        ScheduledReview(r.due, r.window_from, r.window_to, r.held_on, r.met, reports.get(r.due))
        for r in evaluation.reviews
    ]


def reports_by_review(order: Order) -> dict[dt.date, ReviewReport]:
    """The Order's review reports, by the review they are for."""
    return {r.review_due: r for r in order.review_reports.all()}


def report_period(order: Order, review_due: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """From the day after the last review held before this one (or the Order made) to now."""
    tolerance = rule_set_for(order.intensity, order.made_on).review_tolerance_days
    window_start = review_due - dt.timedelta(days=tolerance)
    last = (
        CourtReview.objects.filter(order=order, on__lt=window_start)
        .order_by("-on")
        .values_list("on", flat=True)
        .first()
    )
    start = last + _DAY if last is not None else order.made_on
    return start, max(start, min(today, review_due))


def tests_summary(order: Order, start: dt.date, end: dt.date) -> str:
    tests = list(
        DrugTest.objects.filter(order=order, on__gte=start, on__lte=end)
        .prefetch_related("results__substance", "admitted")
        .order_by("on", "id")
    )
    if not tests:
        return f"No drug tests were recorded between {long_date(start)} and {long_date(end)}."
    positive = sum(1 for t in tests if any(r.result == "positive" for r in t.results.all()))
    refused = sum(1 for t in tests if t.outcome == DrugTest.Outcome.REFUSED)
    admissions = sum(1 for t in tests if t.outcome == DrugTest.Outcome.ADMISSION)
    lines = [
        f"{len(tests)} drug tests between {long_date(start)} and {long_date(end)}: "
        f"{positive} with a positive result, {admissions} written admissions of use, "
        f"{refused} refused."
    ]
    for t in tests:
        if t.outcome == DrugTest.Outcome.SAMPLE:
            parts = []
            for r in t.results.all():
                confirmed = {True: " (confirmed)", False: " (not confirmed)", None: ""}[r.confirmed]
                parts.append(
                    f"{r.substance.label.lower()} {r.result}{confirmed if r.result == 'positive' else ''}"
                )
            detail = ", ".join(parts) or "no results recorded"
        elif t.outcome == DrugTest.Outcome.ADMISSION:
            admitted = ", ".join(c.label.lower() for c in t.admitted.all()) or "use"
            detail = f"written admission of {admitted}"
        else:
            detail = "refused (an unacceptable failure)"
        lines.append(f"- {long_date(t.on)}: {detail}")
    return "\n".join(lines)


def attendance_summary(order: Order, start: dt.date, end: dt.date, evaluation: Evaluation) -> str:
    weeks = [w for w in evaluation.weeks if w.starts_on >= start and w.ends_on <= end]
    lines = []
    if weeks:
        judged = [w for w in weeks if not w.excluded]
        contact = sum(1 for w in judged if w.contact_met)
        tested = sum(1 for w in judged if w.tests_met)
        lines.append(
            f"Weeks {weeks[0].week} to {weeks[-1].week} of the Order: the minimum contact "
            f"was met in {contact} of {len(judged)} weeks and the minimum testing in "
            f"{tested} of {len(judged)} weeks."
        )
        for w in weeks:
            if w.excluded:
                lines.append(f"- Week {w.week}: the Standard was suspended")
                continue
            lines.append(
                f"- Week {w.week} (from {long_date(w.starts_on)}): {w.hours:g} of "
                f"{w.hours_required:g} hours, {w.tests} of {w.tests_required} tests"
            )
    else:
        lines.append("No complete week of the Order falls in this period yet.")
    outcomes = Counter(
        Appointment.objects.filter(order=order, on__gte=start, on__lte=end).values_list(
            "outcome__meaning", flat=True
        )
    )
    words = {
        "attended": "attended",
        "failed_to_comply": "attended but failed to comply",
        "acceptable_absence": "acceptable absences",
        "unacceptable_absence": "unacceptable absences",
        "cancelled_by_service": "cancelled by the service",
        None: "outcome not recorded",
        "not_recorded": "outcome not recorded",
    }
    if outcomes:
        counted = Counter[str]()
        for meaning, n in outcomes.items():
            counted[words.get(meaning, str(meaning))] += n
        lines.append(
            "Appointments: "
            + "; ".join(f"{n} {_one(w) if n == 1 else w}" for w, n in counted.items())
            + "."
        )
    failures = [f for f in evaluation.failures if start <= f.on <= end]
    for f in failures:
        action = (
            f"{f.taken} on {long_date(f.taken_on)}" if f.taken and f.taken_on else "no action yet"
        )
        lines.append(f"Unacceptable failure on {long_date(f.on)}: {action}.")
    warnings = FormalWarning.objects.filter(order=order, on__gte=start, on__lte=end).count()
    if warnings:
        lines.append(
            f"{warnings} formal warning{'' if warnings == 1 else 's'} given in the period."
        )
    return "\n".join(lines)


def _one(words: str) -> str:
    """``acceptable absences`` for one: ``acceptable absence``."""
    return words[:-1] if words.endswith("absences") else words


def draft_text(order: Order, review_due: dt.date, today: dt.date) -> dict[str, object]:
    """The drafted report: its period and the factual sections, from the record."""
    start, end = report_period(order, review_due, today)
    evaluation = evaluate_order(order, end)
    return {
        "period_from": start,
        "period_to": end,
        "tests_summary": tests_summary(order, start, end),
        "attendance_summary": attendance_summary(order, start, end, evaluation),
    }


def render_pdf(report: ReviewReport) -> bytes:
    """The report as a PDF for the court (reportlab, no network, no external fonts)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    order = report.order
    case = order.case
    styles = getSampleStyleSheet()
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=f"Review report {case.reference}",
        author="dtto",
    )

    def para(text: str, style: str = "BodyText") -> Paragraph:
        safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(safe.replace("\n", "<br/>"), styles[style])

    status = "" if report.status == ReviewReport.Status.SENT else " (DRAFT)"
    story = [
        para(f"Drug Treatment and Testing Order: progress report for review{status}", "Title"),
        para(
            f"{case.person.name}, born {long_date(case.person.date_of_birth)}. "
            f"Case {case.reference}. Order made {long_date(order.made_on)} for "
            f"{order.length_months} months ({order.get_intensity_display().lower()})"
            + (f" at {order.court}" if order.court else "")
            + "."
        ),
        para(
            f"Review due {long_date(report.review_due)}. This report covers "
            f"{long_date(report.period_from)} to {long_date(report.period_to)}."
        ),
        Spacer(1, 6 * mm),
    ]
    for title, text in (
        ("Drug test results since the last review", report.tests_summary),
        ("Attendance against the National Standard", report.attendance_summary),
        ("The treatment provider's view", report.provider_view),
        ("Attitude and response to the Order", report.assessment),
        ("Proposal to the court", report.proposal),
    ):
        story += [para(title, "Heading2"), para(text or "Not given."), Spacer(1, 3 * mm)]
    if report.sent_on:
        story.append(para(f"Sent to the court on {long_date(report.sent_on)}."))
    doc.build(story)
    return buffer.getvalue()

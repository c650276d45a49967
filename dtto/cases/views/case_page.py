"""The case page: the person, the Order, its compliance this week and its timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from dtto.accounts import permissions
from dtto.accounts.templatetags.dtto import hours
from dtto.cases import queues, review_reports
from dtto.cases.models import Case, DrugTest, DrugTestResult, Order
from dtto.cases.timeline import timeline_for_order
from dtto.cases.views.common import (
    record_anchor,
    signed_in,
    today,
    viewed,
)
from dtto.scheduling.queries import is_called_on
from dtto.standards.engine import Evaluation, evaluate
from dtto.standards.rules import ASSESSMENT_DEADLINE


@dataclass(frozen=True)
class TimelineEntry:
    on: dt.date
    kind: str
    anchor: str
    text: str
    url: str = ""
    link_text: str = ""


def _timeline(
    case: Case, order: Order | None, sections: frozenset[str], may_record: frozenset[str]
) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    ref = case.reference
    if "referral" in sections:
        entries.append(
            TimelineEntry(
                case.referred_on,
                "Referral",
                record_anchor(case),
                f"Referred by {case.referral_source.label.lower()}",
            )
        )
    assessment = getattr(case, "assessment", None)
    if "assessment" in sections and assessment is not None:
        day = assessment.completed_on or assessment.started_on or case.referred_on
        reason = f": {assessment.reason.label}" if assessment.reason else ""
        entries.append(
            TimelineEntry(
                day,
                "Assessment",
                record_anchor(assessment),
                f"{assessment.get_outcome_display()}{reason}",
            )
        )
    if order is None:
        return sorted(entries, key=lambda e: e.on)
    entries.append(
        TimelineEntry(order.made_on, "Order", record_anchor(order), f"Order made by {order.court}")
    )
    if "appointments" in sections:
        for a in order.appointments.select_related("outcome", "kind"):
            outcome = a.outcome.label if a.outcome else "outcome not recorded"
            kind = f" ({a.kind.label.lower()})" if a.kind else ""
            can = (
                "attendance" in may_record
                and a.on <= today()
                and (a.outcome is None or a.outcome.meaning == "not_recorded")
            )
            entries.append(
                TimelineEntry(
                    a.on,
                    "Appointment",
                    record_anchor(a),
                    f"{a.get_with_whom_display()}{kind}, {hours(a.hours)}: {outcome}",
                    reverse("cases:attendance", kwargs={"reference": ref, "pk": a.pk})
                    if can
                    else "",
                    "Record outcome",
                )
            )
    if "tests" in sections:
        for t in order.tests.prefetch_related("results__substance", "admitted"):
            if t.outcome == "sample":
                detail = ", ".join(
                    f"{r.substance.label.lower()} {r.result}"
                    + ({True: " (confirmed)", False: " (not confirmed)", None: ""}[r.confirmed])
                    for r in t.results.all()
                )
            elif t.outcome == "admission":
                detail = "admitted use of " + ", ".join(c.label.lower() for c in t.admitted.all())
            else:
                detail = "refused"
            # A positive the laboratory has not yet confirmed or refuted links to where its
            # answer is recorded, one result at a time, for those who may record it.
            awaiting = next(
                (
                    r
                    for r in t.results.all()
                    if r.result == DrugTestResult.Result.POSITIVE and r.confirmed is None
                ),
                None,
            )
            confirm_url, confirm_text = "", ""
            if awaiting is not None and "test_confirmation" in may_record:
                confirm_url = reverse(
                    "cases:confirm-result", kwargs={"reference": ref, "pk": awaiting.pk}
                )
                confirm_text = f"Record the laboratory result for {awaiting.substance.label}"
            entries.append(
                TimelineEntry(
                    t.on,
                    "Drug test",
                    record_anchor(t),
                    detail or t.get_outcome_display(),
                    confirm_url,
                    confirm_text,
                )
            )
    if "enforcement" in sections:
        for w in order.warnings.all():
            entries.append(
                TimelineEntry(
                    w.on,
                    "Formal warning",
                    record_anchor(w),
                    w.reason or "Formal warning",
                    reverse("cases:warning-letter", kwargs={"reference": ref, "pk": w.pk}),
                    "Warning letter",
                )
            )
    if "enforcement" in sections or "breach_reports" in sections:
        for b in order.breaches.select_related("outcome"):
            entries.append(
                TimelineEntry(
                    b.on,
                    "Breach",
                    record_anchor(b),
                    f"Breach action: {b.outcome.label.lower()}",
                    reverse("cases:breach", kwargs={"reference": ref, "pk": b.pk}),
                    "Breach report",
                )
            )
    if "reviews" in sections:
        for r in order.reviews.all():
            hearing = "with a hearing" if r.hearing else "on the papers"
            sat = f"; sat: {', '.join(r.sat_names)}" if r.sat_names else ""
            entries.append(
                TimelineEntry(r.on, "Court review", record_anchor(r), f"Review {hearing}{sat}")
            )
    if "timeline" in sections:
        for c in order.contact_levels.all():
            entries.append(
                TimelineEntry(c.on, "Contact level", record_anchor(c), c.get_level_display())
            )
        for s in order.suspensions.all():
            entries.append(
                TimelineEntry(
                    s.starts_on,
                    "Standard suspended",
                    record_anchor(s),
                    f"To {s.ends_on:%-d %B %Y}: {s.reason}",
                )
            )
    termination = getattr(order, "termination", None)
    if termination is not None:
        onward = (
            f"; onward referral to {termination.onward_referral_to}"
            if termination.onward_referral_to
            else ""
        )
        custody = (
            f"; handed over to prison drug services on {termination.custody_handover_on:%-d %B %Y}"
            if termination.custody_handover_on
            else ""
        )
        entries.append(
            TimelineEntry(
                termination.on,
                "Termination",
                record_anchor(termination),
                f"{termination.reason.label}{onward}{custody}",
            )
        )
    if "offences" in sections:
        for conviction in case.convictions.all():
            entries.append(
                TimelineEntry(
                    conviction.on,
                    "Conviction",
                    record_anchor(conviction),
                    conviction.offence or "Conviction",
                )
            )
    # The Order comes first on the day it was made, then the rest by kind.
    return sorted(entries, key=lambda e: (e.on, e.kind != "Order", e.kind))


@dataclass(frozen=True)
class Compliance:
    evaluation: Evaluation
    week: Any
    recent_weeks: list[Any]
    schedule: list[review_reports.ScheduledReview]


def _compliance(order: Order, today: dt.date) -> Compliance:
    timeline = timeline_for_order(order)
    evaluation = evaluate(timeline, today)
    week_eval = evaluate(timeline, queues.current_week_end(order.made_on, today))
    week = queues.this_week(order, today, week_eval) if order.terminated_on is None else None
    return Compliance(
        evaluation,
        week,
        list(reversed(evaluation.weeks[-8:])),
        review_reports.review_schedule(order, today, evaluation),
    )


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    sections = permissions.sections_for(user)
    order = Order.objects.filter(case=case).select_related("court", "team", "case_manager").first()
    day = today()
    compliance = _compliance(order, day) if order is not None else None
    viewed(request, case, "case")
    may_record = permissions.recording_actions_for(user)
    actions = {a: a in may_record for a in permissions.RECORDING_ACTIONS}
    context = {
        "case": case,
        "person": case.person,
        "order": order,
        "sections": sections,
        "can": actions,
        "compliance": compliance,
        "timeline": _timeline(case, order, sections, may_record),
        "assessment": getattr(case, "assessment", None),
        "assessment_due": ASSESSMENT_DEADLINE.due_by(case.referred_on),
        "breaches": list(order.breaches.select_related("outcome")) if order else [],
        "termination": getattr(order, "termination", None) if order else None,
        "today": day,
        **_called_today(order, day, sections),
    }
    return render(request, "cases/case_detail.html", context)


def _called_today(order: Order | None, day: dt.date, sections: frozenset[str]) -> dict[str, bool]:
    """Whether the week's test draw calls the person today, for those who see the tests."""
    if order is None or order.terminated_on is not None or "tests" not in sections:
        return {"called_today": False, "tested_today": False}
    called = is_called_on(order.pk, day)
    tested = called and DrugTest.objects.filter(order=order, on=day).exists()
    return {"called_today": called, "tested_today": tested}

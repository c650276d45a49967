"""The case page: the person, the Order, its compliance this week and its timeline."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, ExpressionWrapper
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from dtto.accounts import permissions
from dtto.accounts.models import User
from dtto.accounts.templatetags.dtto import hours
from dtto.cases import queues, review_reports
from dtto.cases.models import (
    Appointment,
    Breach,
    Case,
    Code,
    ContactLevelChange,
    Conviction,
    CourtReview,
    DrugTest,
    DrugTestResult,
    FormalWarning,
    Order,
    ReviewReport,
    Suspension,
)
from dtto.cases.timeline import (
    CasePageRecords,
    TimelineEntry,
    records_for_case_page,
    timeline_page,
)
from dtto.cases.views.common import (
    anchor_of,
    record_anchor,
    signed_in,
    today,
    viewed,
)
from dtto.cases.views.order import order_not_possible
from dtto.cases.views.queues import SECTIONS_BY_QUEUE
from dtto.lib.dates import long_date
from dtto.scheduling.queries import next_call_on
from dtto.standards.engine import Evaluation, ReviewFinding, evaluate
from dtto.standards.judging import timeline_of
from dtto.standards.rules import ASSESSMENT_DEADLINE
from dtto.standards.standing import BenchChange, Standing, bench_changes, standing


def conviction_words(conviction: Conviction) -> str:
    """A conviction on the case page: the offence, when it was committed, its band."""
    words = conviction.offence or "Conviction"
    if conviction.offence_on is not None:
        words += f", offence committed {long_date(conviction.offence_on)}"
    if conviction.seriousness:
        words += f" ({conviction.get_seriousness_display().lower()})"
    return words


def _timeline(
    case: Case,
    order: Order | None,
    sections: frozenset[str],
    may_record: frozenset[str],
    convictions: list[Conviction],
    records: OrderRecords | None,
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
    # Convictions are the person's, Order or not (those before the referral too).
    for conviction in convictions:
        entries.append(
            TimelineEntry(
                conviction.on, "Conviction", record_anchor(conviction), conviction_words(conviction)
            )
        )
    if order is None or records is None:
        return entries
    entries.append(
        TimelineEntry(order.made_on, "Order", record_anchor(order), f"Order made by {order.court}")
    )
    page = records.page
    labels = page.labels
    if "appointments" in sections:
        # The engine's plain rows, with the kind and outcome they were read with: a long Order
        # has hundreds of appointments, and they are read once for the engine and the list.
        whom = {value: str(label) for value, label in Appointment.With.choices}
        for pk, on, hours_, with_whom, meaning in page.record.appointments:
            kind_id, outcome_id = page.appointment_codes[pk]
            # An outcome not recorded, or recorded with a code that says so.
            can = "attendance" in may_record and on <= today() and meaning == "not_recorded"
            of_kind = f" ({labels[kind_id].lower()})" if kind_id is not None else ""
            said = labels[outcome_id] if outcome_id is not None else "outcome not recorded"
            entries.append(
                TimelineEntry(
                    on,
                    "Appointment",
                    anchor_of(Appointment, pk),
                    f"{whom.get(with_whom, with_whom)}{of_kind}, {hours(hours_)}: {said}",
                    reverse("cases:attendance", kwargs={"reference": ref, "pk": pk}) if can else "",
                    "Record outcome",
                )
            )
    if "tests" in sections:
        # Plain values, not model instances a test, a result and a substance: a long Order has
        # hundreds of tests. Results and admitted drugs keep their models' own ordering.
        results = page.results
        admitted: dict[int, list[str]] = defaultdict(list)
        for test_id, label in (
            DrugTest.admitted.through.objects.filter(drugtest__order=order)
            .order_by(*(f"code__{f}" for f in Code._meta.ordering or ()))
            .values_list("drugtest_id", "code__label")
        ):
            admitted[test_id].append(label)
        outcomes = {value: str(label) for value, label in DrugTest.Outcome.choices}
        for pk, on, outcome, _ in page.record.tests:
            if outcome == "sample":
                detail = ", ".join(
                    f"{substance.lower()} {result}"
                    + ({True: " (confirmed)", False: " (not confirmed)", None: ""}[confirmed])
                    for _, substance, result, confirmed in results.get(pk, ())
                )
            elif outcome == "admission":
                detail = "admitted use of " + ", ".join(c.lower() for c in admitted[pk])
            else:
                detail = "refused"
            # A positive the laboratory has not yet confirmed or refuted links to where its
            # answer is recorded, one result at a time, for those who may record it.
            awaiting = next(
                (
                    (result_pk, substance)
                    for result_pk, substance, result, confirmed in results.get(pk, ())
                    if result == DrugTestResult.Result.POSITIVE and confirmed is None
                ),
                None,
            )
            confirm_url, confirm_text = "", ""
            if awaiting is not None and "test_confirmation" in may_record:
                confirm_url = reverse(
                    "cases:confirm-result", kwargs={"reference": ref, "pk": awaiting[0]}
                )
                confirm_text = f"Record the laboratory result for {awaiting[1]}"
            entries.append(
                TimelineEntry(
                    on,
                    "Drug test",
                    anchor_of(DrugTest, pk),
                    detail or outcomes.get(outcome, outcome),
                    confirm_url,
                    confirm_text,
                )
            )
    if "enforcement" in sections:
        for pk, on in page.record.warnings:
            entries.append(
                TimelineEntry(
                    on,
                    "Formal warning",
                    anchor_of(FormalWarning, pk),
                    page.warning_reasons[pk] or "Formal warning",
                    reverse("cases:warning-letter", kwargs={"reference": ref, "pk": pk}),
                    "Warning letter",
                )
            )
    if "enforcement" in sections or "breach_reports" in sections:
        for b in records.breaches:
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
        changed = {c.on: c for c in records.bench_changes}
        for r in records.reviews:
            hearing = "with a hearing" if r.hearing else "on the papers"
            sat = f"; sat: {', '.join(r.sat_names)}" if r.sat_names else ""
            change = changed.get(r.on) if r.hearing else None
            bench = (
                f"; the bench changed since the hearing on {long_date(change.previous_on)}"
                if change
                else ""
            )
            entries.append(
                TimelineEntry(
                    r.on, "Court review", record_anchor(r), f"Review {hearing}{sat}{bench}"
                )
            )
    if "timeline" in sections:
        levels = {value: str(label) for value, label in ContactLevelChange.Level.choices}
        for pk, on, level in page.record.contact_levels:
            entries.append(
                TimelineEntry(
                    on, "Contact level", anchor_of(ContactLevelChange, pk), levels.get(level, level)
                )
            )
        for pk, starts_on, ends_on, reason in page.record.suspensions:
            entries.append(
                TimelineEntry(
                    starts_on,
                    "Standard suspended",
                    anchor_of(Suspension, pk),
                    f"To {ends_on:%-d %B %Y}: {reason}",
                )
            )
    termination = page.termination
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
    return entries


@dataclass(frozen=True)
class OrderRecords:
    """The Order's records, read once for the engine, the lists and the bench changes."""

    breaches: list[Breach]
    reviews: list[CourtReview]
    bench_changes: list[BenchChange]
    page: CasePageRecords
    # The review reports by the review they are for: for the schedule and the panel.
    reports: dict[dt.date, ReviewReport]


def _order_records(order: Order, reference: str) -> OrderRecords:
    reviews = list(order.reviews.all())
    breaches = list(order.breaches.select_related("outcome"))
    hearings = [(r.on, r.sat_names) for r in reviews if r.hearing]
    return OrderRecords(
        breaches,
        reviews,
        bench_changes(hearings),
        records_for_case_page(order, reference, breaches, reviews),
        review_reports.reports_by_review(order),
    )


@dataclass(frozen=True)
class Compliance:
    evaluation: Evaluation
    week: Any
    recent_weeks: list[Any]
    schedule: list[review_reports.ScheduledReview]
    standing: Standing
    bench_changes: list[BenchChange]
    # The findings as of the last day of this Order week, which count what is arranged in it.
    week_evaluation: Evaluation


def _compliance(order: Order, today: dt.date, records: OrderRecords) -> Compliance:
    timeline = timeline_of(records.page.record)
    evaluation = evaluate(timeline, today)
    week_eval = evaluate(timeline, queues.current_week_end(order.made_on, today))
    week = queues.this_week(order, today, week_eval) if order.terminated_on is None else None
    return Compliance(
        evaluation,
        week,
        list(reversed(evaluation.weeks[-8:])),
        review_reports.review_schedule(order, today, evaluation, records.reports),
        standing(timeline, evaluation, today),
        records.bench_changes,
        week_eval,
    )


@dataclass(frozen=True)
class NeedsNow:
    """The panel at the top of the case page: what is overdue, what is due, where it stands."""

    overdue: list[queues.GroupedItem]
    due: list[queues.GroupedItem]
    waiting: list[queues.GroupedItem]  # work with no deadline (a laboratory result, a decision)
    next_review: ReviewFinding | None
    next_test: dt.date | None


def _needs_now(
    user: User,
    case: Case,
    order: Order | None,
    compliance: Compliance | None,
    day: dt.date,
    next_test: dt.date | None,
    reports: dict[dt.date, ReviewReport],
) -> NeedsNow:
    """The queue's own items for this one case (the same findings, the same words).

    The queue is given the Order and the findings the page has already read and judged, and
    whether the Order is running or past its term as the queue's own filters say
    (``case_detail`` reads them with the Order), and its review reports.
    """
    scope = permissions.home_queue_for(user)
    wanted = SECTIONS_BY_QUEUE.get(scope.kind, queues.CASE_MANAGER_SECTIONS)
    # The queue asks for an assessment only of a case without an Order.
    assessing = order is None and "assessment" in permissions.sections_for(user)
    runs: list[Order] = []
    judged: dict[int, queues.Judged] = {}
    ended: list[Order] = []
    if order is not None and compliance is not None:
        order.case = case  # with its person, read already
        if getattr(order, "queue_running", False):  # annotated by case_detail
            runs = [order]
            judged = {order.pk: queues.Judged(compliance.evaluation, compliance.week_evaluation)}
        elif getattr(order, "queue_past_term", False):
            ended = [order]
    queue = queues.queue_of(
        runs,
        judged,
        day,
        sections=wanted,
        cases=Case.objects.filter(pk=case.pk) if assessing else None,
        ended=ended,
        reports={o.pk: reports for o in runs},
    )
    groups = {g.key: g.items for g in queue.groups}
    next_review = None
    if compliance is not None and order is not None and order.terminated_on is None:
        next_review = next(
            (r for r in compliance.evaluation.reviews if r.held_on is None and r.met is not False),
            None,
        )
    waiting = [g for g in groups["later"] if g.item.due is None]
    return NeedsNow(
        groups["overdue"], groups["today"] + groups["week"], waiting, next_review, next_test
    )


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    sections = permissions.sections_for(user)
    day = today()
    order = (
        Order.objects.filter(case=case)
        .select_related("court", "team", "case_manager")
        .annotate(
            queue_running=ExpressionWrapper(queues.running(day), output_field=BooleanField()),
            queue_past_term=ExpressionWrapper(queues.past_term(day), output_field=BooleanField()),
        )
        .first()
    )
    records = _order_records(order, case.reference) if order is not None else None
    compliance = _compliance(order, day, records) if order is not None and records else None
    viewed(request, case, "case")
    # The next day the recorded draws call the person for a test (today, if they are called
    # today): for the panel, and for whether to say so at the top of the page.
    ended = order is None or order.terminated_on is not None
    next_test = next_call_on(order.pk, day) if order is not None and not ended else None
    may_record = permissions.recording_actions_for(user)
    actions = {a: a in may_record for a in permissions.RECORDING_ACTIONS}
    # The offence history, before the referral and since: only for those who see it.
    convictions = list(case.convictions.all()) if "offences" in sections else []
    context = {
        "case": case,
        "person": case.person,
        "order": order,
        "sections": sections,
        "can": actions,
        "can_record": may_record,
        "compliance": compliance,
        "needs": _needs_now(
            user, case, order, compliance, day, next_test, records.reports if records else {}
        ),
        "timeline": timeline_page(
            _timeline(case, order, sections, may_record, convictions, records),
            kind=request.GET.get("kind", ""),
            page=request.GET.get("page", 1),
            at=request.GET.get("at", ""),
        ),
        "order_refusal": order_not_possible(case) if order is None else None,
        "assessment": getattr(case, "assessment", None),
        "assessment_due": ASSESSMENT_DEADLINE.due_by(case.referred_on),
        "breaches": records.breaches if records is not None else [],
        "convictions": convictions,
        "termination": records.page.termination if records is not None else None,
        "today": day,
        **_called_today(order, day, sections, next_test),
    }
    return render(request, "cases/case_detail.html", context)


def _called_today(
    order: Order | None, day: dt.date, sections: frozenset[str], next_test: dt.date | None
) -> dict[str, bool]:
    """Whether the week's test draw calls the person today, for those who see the tests."""
    if order is None or order.terminated_on is not None or "tests" not in sections:
        return {"called_today": False, "tested_today": False}
    # The draws' next call on or after today is today exactly when today is a called day.
    called = next_test == day
    tested = called and DrugTest.objects.filter(order=order, on=day).exists()
    return {"called_today": called, "tested_today": tested}

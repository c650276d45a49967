"""The pages of the service: queues, the case page, and a page for each thing recorded.

Views decide nothing themselves: access comes from ``dtto.accounts.permissions``, every
change from a service in ``services.py`` or ``reporting_services.py``, and every "due",
"met" and "overdue" from the National Standard engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dtto.accounts import permissions
from dtto.accounts.models import Role, User
from dtto.audit.services import record_event
from dtto.cases import forms, queues, reporting_services, review_reports, services
from dtto.cases.models import (
    Appointment,
    Breach,
    Case,
    DrugTestResult,
    FormalWarning,
    Order,
    ReviewReport,
)
from dtto.cases.queries import describe_failure
from dtto.cases.timeline import timeline_for_order
from dtto.standards.engine import Evaluation, evaluate
from dtto.standards.errors import RecordInvalid

Handler = Callable[[dict[str, Any]], object]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _today() -> dt.date:
    return timezone.localdate()


def _viewed(request: HttpRequest, case: Case, page: str) -> None:
    """Every view of a person's record goes on the audit trail."""
    record_event(
        _user(request),
        "cases.person.viewed",
        target_type="case",
        target_id=case.pk,
        case_reference=case.reference,
        detail={"page": page},
    )


# --- Home and queues ---------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs me today: the queue for the user's role."""
    user = _user(request)
    today = _today()
    if user.role == Role.AREA_MANAGER:
        return redirect("team-queue")
    if user.role == Role.CASE_MANAGER and permissions.has_case_access(user):
        queue = queues.build_queue(
            permissions.orders_for(user).filter(case_manager=user),
            today,
            cases=permissions.cases_for(user),
        )
        title = "My queue"
    elif user.role == Role.TREATMENT_WORKER and permissions.has_case_access(user):
        queue = queues.build_queue(
            permissions.orders_for(user), today, sections=queues.TREATMENT_SECTIONS
        )
        title = "My queue"
    elif user.role == Role.COURT_USER and permissions.has_case_access(user):
        queue = queues.build_queue(
            permissions.orders_for(user), today, sections=queues.COURT_SECTIONS
        )
        title = f"Work for {user.court}" if user.court else "Court work"
    else:
        return render(request, "cases/home_other.html", {"today": today})
    return render(request, "cases/queue.html", {"queue": queue, "title": title})


@login_required
def team_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.sees_team_queue(user):
        raise PermissionDenied
    orders = permissions.orders_for(user)
    title = f"{user.area} queue"
    if user.role == Role.CASE_MANAGER and user.team_id is not None:
        orders = orders.filter(team_id=user.team_id)
        title = f"{user.team} queue"
    queue = queues.build_queue(orders, _today(), cases=permissions.cases_for(user))
    return render(request, "cases/queue.html", {"queue": queue, "title": title, "team": True})


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.has_case_access(user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    cases = permissions.cases_for(user).select_related("person", "order")
    if query:
        cases = cases.filter(Q(reference__icontains=query) | Q(person__name__icontains=query))
    page = Paginator(cases.order_by("-referred_on", "reference"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "cases/case_list.html", {"page": page, "query": query})


# --- The case page -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    on: dt.date
    kind: str
    anchor: str
    text: str
    url: str = ""
    link_text: str = ""


def _timeline(case: Case, order: Order | None, sections: frozenset[str]) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    ref = case.reference
    if "referral" in sections:
        entries.append(
            TimelineEntry(
                case.referred_on,
                "Referral",
                f"case-{case.pk}",
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
                f"assessment-{assessment.pk}",
                f"{assessment.get_outcome_display()}{reason}",
            )
        )
    if order is None:
        return sorted(entries, key=lambda e: e.on)
    entries.append(
        TimelineEntry(order.made_on, "Order", f"order-{order.pk}", f"Order made by {order.court}")
    )
    if "appointments" in sections:
        for a in order.appointments.select_related("outcome", "kind"):
            outcome = a.outcome.label if a.outcome else "outcome not recorded"
            kind = f" ({a.kind.label.lower()})" if a.kind else ""
            can = a.on <= _today() and (a.outcome is None or a.outcome.meaning == "not_recorded")
            entries.append(
                TimelineEntry(
                    a.on,
                    "Appointment",
                    f"appointment-{a.pk}",
                    f"{a.get_with_whom_display()}{kind}, {_hours(a.hours)}: {outcome}",
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
            entries.append(
                TimelineEntry(t.on, "Drug test", f"test-{t.pk}", detail or t.get_outcome_display())
            )
    if "enforcement" in sections:
        for w in order.warnings.all():
            entries.append(
                TimelineEntry(
                    w.on,
                    "Formal warning",
                    f"warning-{w.pk}",
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
                    f"breach-{b.pk}",
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
                TimelineEntry(r.on, "Court review", f"review-{r.pk}", f"Review {hearing}{sat}")
            )
    if "timeline" in sections:
        for c in order.contact_levels.all():
            entries.append(
                TimelineEntry(c.on, "Contact level", f"contact_level-{c.pk}", c.get_level_display())
            )
        for s in order.suspensions.all():
            entries.append(
                TimelineEntry(
                    s.starts_on,
                    "Standard suspended",
                    f"suspension-{s.pk}",
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
                f"termination-{termination.pk}",
                f"{termination.reason.label}{onward}{custody}",
            )
        )
    if "offences" in sections:
        for conviction in case.convictions.all():
            entries.append(
                TimelineEntry(
                    conviction.on,
                    "Conviction",
                    f"conviction-{conviction.pk}",
                    conviction.offence or "Conviction",
                )
            )
    # The Order comes first on the day it was made, then the rest by kind.
    return sorted(entries, key=lambda e: (e.on, e.kind != "Order", e.kind))


def _hours(value: object) -> str:
    """Contact hours as people write them: 3.5 h, 2 h (not 3.50 h)."""
    text = f"{float(str(value)):.2f}".rstrip("0").rstrip(".")
    return f"{text} h"


def _anchor(ref: str) -> str:
    """An engine evidence ref (``appointment:42``) as the timeline anchor it points to."""
    return ref.replace(":", "-")


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
    user = _user(request)
    case = permissions.get_case_for(user, reference)
    sections = permissions.sections_for(user)
    order = Order.objects.filter(case=case).select_related("court", "team", "case_manager").first()
    today = _today()
    compliance = _compliance(order, today) if order is not None else None
    _viewed(request, case, "case")
    actions = {a: permissions.can_record(user, a) for a in permissions.RECORDING_ACTIONS}
    context = {
        "case": case,
        "person": case.person,
        "order": order,
        "sections": sections,
        "can": actions,
        "compliance": compliance,
        "timeline": _timeline(case, order, sections),
        "assessment": getattr(case, "assessment", None),
        "assessment_due": queues.add_working_days(case.referred_on, queues.ASSESSMENT_WORKING_DAYS),
        "breaches": list(order.breaches.select_related("outcome")) if order else [],
        "termination": getattr(order, "termination", None) if order else None,
        "today": today,
        "anchor": _anchor,
    }
    return render(request, "cases/case_detail.html", context)


# --- Recording -----------------------------------------------------------------------------


def _order_or_404(case: Case) -> Order:
    order = Order.objects.filter(case=case).select_related("case", "case__person").first()
    if order is None:
        raise Http404("This case has no Order")
    return order


def _record(
    request: HttpRequest,
    reference: str,
    *,
    what: str,
    form_class: type[forms.ServiceForm],
    handler: Callable[[Case, forms.ServiceForm], object],
    title: str,
    done: str,
    initial: dict[str, Any] | None = None,
    form_kwargs: dict[str, Any] | None = None,
    template: str = "cases/record.html",
    extra: dict[str, Any] | None = None,
    next_url: Callable[[Case, object], str] | None = None,
) -> HttpResponse:
    """One recording page: check access, show the form, call the service, map its errors."""
    user = _user(request)
    case = permissions.get_case_for(user, reference)
    if not permissions.can_record(user, what):
        raise PermissionDenied
    form = form_class(request.POST or None, initial=initial, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            result = handler(case, form)
        except RecordInvalid as invalid:
            form.add_service_errors(invalid)
        else:
            messages.success(request, done)
            if next_url is not None:
                return redirect(next_url(case, result))
            return redirect("cases:detail", reference=case.reference)
    context = {"form": form, "case": case, "title": title, **(extra or {})}
    return render(request, template, context)


@login_required
def referral(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.can_record(user, "referral"):
        raise PermissionDenied
    form = forms.ReferralForm(request.POST or None, initial={"referred_on": _today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.register_referral(by=user, area=user.area or "", **data)
        except RecordInvalid as invalid:
            form.add_service_errors(invalid)
        else:
            messages.success(request, f"Referral {case.reference} recorded")
            return redirect("cases:detail", reference=case.reference)
    return render(
        request, "cases/record.html", {"form": form, "title": "Record a referral", "case": None}
    )


@login_required
def assessment(request: HttpRequest, reference: str) -> HttpResponse:
    def handle(case: Case, form: forms.ServiceForm) -> object:
        return services.record_assessment(case, by=_user(request), **form.cleaned_data)

    case = permissions.get_case_for(_user(request), reference)
    existing = getattr(case, "assessment", None)
    initial: dict[str, Any] = {"started_on": _today()}
    if existing is not None:
        initial = {
            "outcome": existing.outcome,
            "started_on": existing.started_on,
            "completed_on": existing.completed_on,
            "reason": existing.reason.code if existing.reason else "",
            "recommended_intensity": existing.recommended_intensity,
        }
    due = queues.add_working_days(case.referred_on, queues.ASSESSMENT_WORKING_DAYS)
    return _record(
        request,
        reference,
        what="assessment",
        form_class=forms.AssessmentForm,
        handler=handle,
        title="Record the assessment",
        done="Assessment recorded",
        initial=initial,
        extra={
            "lead": f"Referred on {case.referred_on:%-d %B %Y}. Unless it is part of the "
            f"pre-sentence report, the assessment is due within 5 working days: by "
            f"{due:%-d %B %Y}."
        },
    )


@login_required
def make_order(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = permissions.get_case_for(user, reference)

    def handle(case: Case, form: forms.ServiceForm) -> object:
        return services.make_order(case, by=user, **form.cleaned_data)

    return _record(
        request,
        reference,
        what="order",
        form_class=forms.OrderForm,
        handler=handle,
        title="Record the Order",
        done="Order recorded",
        initial={"made_on": _today(), "length_months": 12, "case_manager": user.username},
        form_kwargs={"area_id": case.area_id},
    )


@login_required
def case_manager(request: HttpRequest, reference: str) -> HttpResponse:
    """Give the Order to another case manager of the area."""
    user = _user(request)
    case = permissions.get_case_for(user, reference)
    order = _order_or_404(case)

    def handle(case: Case, form: forms.ServiceForm) -> object:
        username = form.cleaned_data["case_manager"]
        chosen = User.objects.filter(username=username).first() if username else None
        return services.assign_case_manager(order, by=user, case_manager=chosen)

    current = order.case_manager
    return _record(
        request,
        reference,
        what="case_manager",
        form_class=forms.CaseManagerForm,
        handler=handle,
        title="Change the case manager",
        done="Case manager changed",
        initial={"case_manager": current.username if current else ""},
        form_kwargs={"area_id": case.area_id},
        extra={
            "lead": "The Order moves to the new case manager's queue. "
            + (
                f"It is now managed by {current.get_full_name() or current.username}."
                if current
                else "It has no case manager yet."
            )
        },
    )


def _order_handler(service: Callable[..., object], user: User) -> Callable[[Case, Any], object]:
    def handle(case: Case, form: forms.ServiceForm) -> object:
        return service(_order_or_404(case), by=user, **form.cleaned_data)

    return handle


@login_required
def appointment_new(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    with_whom = request.GET.get("with_whom", "")
    if user.role == Role.TREATMENT_WORKER:
        with_whom = "treatment"
    return _record(
        request,
        reference,
        what="appointment",
        form_class=forms.AppointmentForm,
        handler=_order_handler(services.record_appointment, user),
        title="Record an appointment",
        done="Appointment recorded",
        initial={"on": _today(), "with_whom": with_whom or None},
        next_url=_again(request, "cases:appointment-new"),
    )


def _again(request: HttpRequest, name: str) -> Callable[[Case, object], str]:
    """After saving, back to the same form when the user chose "save and add another"."""

    def url(case: Case, _: object) -> str:
        if "another" in request.POST:
            return reverse(name, kwargs={"reference": case.reference})
        return reverse("cases:detail", kwargs={"reference": case.reference})

    return url


@login_required
def attendance(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user = _user(request)
    case = permissions.get_case_for(user, reference)
    appointment = get_object_or_404(Appointment, pk=pk, order__case=case)

    def handle(case: Case, form: forms.ServiceForm) -> object:
        return services.record_attendance(appointment, by=user, **form.cleaned_data)

    return _record(
        request,
        reference,
        what="attendance",
        form_class=forms.AttendanceForm,
        handler=handle,
        title="Record what happened",
        done="Attendance recorded",
        extra={
            "lead": f"{appointment.get_with_whom_display()} appointment on "
            f"{appointment.on:%-d %B %Y}, {_hours(appointment.hours)}."
        },
    )


@login_required
def test_new(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)

    def handle(case: Case, form: forms.ServiceForm) -> object:
        assert isinstance(form, forms.DrugTestForm)
        return services.record_test(_order_or_404(case), by=user, **form.service_arguments())

    return _record(
        request,
        reference,
        what="test",
        form_class=forms.DrugTestForm,
        handler=handle,
        title="Record a drug test",
        done="Drug test recorded",
        initial={"on": _today(), "outcome": "sample"},
        template="cases/test_form.html",
        next_url=_again(request, "cases:test-new"),
    )


@login_required
def confirm_result(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user = _user(request)
    case = permissions.get_case_for(user, reference)
    result = get_object_or_404(
        DrugTestResult.objects.select_related("test", "substance"), pk=pk, test__order__case=case
    )

    def handle(case: Case, form: forms.ServiceForm) -> object:
        confirmed = form.cleaned_data["confirmed"] == "yes"
        return services.confirm_test_result(result, by=user, confirmed=confirmed)

    return _record(
        request,
        reference,
        what="test_confirmation",
        form_class=forms.ConfirmResultForm,
        handler=handle,
        title="Record the laboratory result",
        done="Laboratory result recorded",
        extra={"lead": f"{result.substance.label} positive on {result.test.on:%-d %B %Y}."},
    )


@login_required
def contact_level(request: HttpRequest, reference: str) -> HttpResponse:
    return _record(
        request,
        reference,
        what="contact_level",
        form_class=forms.ContactLevelForm,
        handler=_order_handler(services.change_contact_level, _user(request)),
        title="Change the contact level",
        done="Contact level changed",
        initial={"on": _today()},
    )


@login_required
def suspension(request: HttpRequest, reference: str) -> HttpResponse:
    return _record(
        request,
        reference,
        what="suspension",
        form_class=forms.SuspensionForm,
        handler=_order_handler(services.suspend_standard, _user(request)),
        title="Suspend the National Standard",
        done="Suspension recorded",
        initial={"starts_on": _today()},
        extra={
            "lead": "Figure 22 of the Standard: for example while homelessness is resolved, "
            "during home detoxification, or for family responsibilities."
        },
    )


def _failure_initial(request: HttpRequest, reference: str) -> dict[str, Any]:
    """The form's first values; from the queue's ?failure=DAY, a reason naming what happened."""
    initial: dict[str, Any] = {"on": _today()}
    failure = request.GET.get("failure")
    if failure:
        try:
            day = dt.date.fromisoformat(failure)
        except ValueError:
            return initial
        order = Order.objects.filter(case__reference=reference).first()
        if order is not None:
            initial["reason"] = describe_failure(order, day)
    return initial


@login_required
def warning_new(request: HttpRequest, reference: str) -> HttpResponse:
    return _record(
        request,
        reference,
        what="warning",
        form_class=forms.WarningForm,
        handler=_order_handler(services.give_warning, _user(request)),
        title="Give a formal warning",
        done="Formal warning recorded. The drafted letter is below.",
        initial=_failure_initial(request, reference),
        next_url=lambda case, warning: reverse(
            "cases:warning-letter",
            kwargs={"reference": case.reference, "pk": warning.pk},  # type: ignore[attr-defined]
        ),
        extra={"breach_url": reverse("cases:breach-new", kwargs={"reference": reference})},
    )


@login_required
def warning_letter(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user = _user(request)
    case = permissions.get_case_for(user, reference)
    if "enforcement" not in permissions.sections_for(user):
        raise PermissionDenied
    warning = get_object_or_404(FormalWarning, pk=pk, order__case=case)
    _viewed(request, case, "warning_letter")
    order = warning.order
    return render(
        request,
        "cases/warning_letter.html",
        {"case": case, "warning": warning, "order": order, "today": _today()},
    )


@login_required
def breach_new(request: HttpRequest, reference: str) -> HttpResponse:
    return _record(
        request,
        reference,
        what="breach",
        form_class=forms.BreachForm,
        handler=_order_handler(services.instigate_breach, _user(request)),
        title="Instigate breach action",
        done="Breach action recorded. The drafted breach report is below.",
        initial=_failure_initial(request, reference),
        next_url=lambda case, breach: reverse(
            "cases:breach",
            kwargs={"reference": case.reference, "pk": breach.pk},  # type: ignore[attr-defined]
        ),
    )


@login_required
def breach_detail(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The breach, its drafted report for the court, hearings, warrant and outcome."""
    user = _user(request)
    case = permissions.get_case_for(user, reference)
    sections = permissions.sections_for(user)
    if not sections & {"enforcement", "breach_reports"}:
        raise PermissionDenied
    breach = get_object_or_404(
        Breach.objects.select_related("outcome", "order"), pk=pk, order__case=case
    )
    order = breach.order
    evaluation = evaluate(timeline_for_order(order), _today())
    failures = [f for f in evaluation.failures if f.on <= breach.on]
    _viewed(request, case, "breach")
    return render(
        request,
        "cases/breach_detail.html",
        {
            "case": case,
            "order": order,
            "breach": breach,
            "failures": failures,
            "warnings": list(order.warnings.filter(on__lte=breach.on)),
            "evaluation": evaluation,
            "can": {a: permissions.can_record(user, a) for a in permissions.RECORDING_ACTIONS},
            "anchor": _anchor,
        },
    )


def _breach_action(
    request: HttpRequest,
    reference: str,
    pk: int,
    *,
    what: str,
    form_class: type[forms.ServiceForm],
    call: Callable[[Breach, dict[str, Any]], object],
    title: str,
    done: str,
) -> HttpResponse:
    case = permissions.get_case_for(_user(request), reference)
    breach = get_object_or_404(Breach, pk=pk, order__case=case)
    return _record(
        request,
        reference,
        what=what,
        form_class=form_class,
        handler=lambda case, form: call(breach, form.cleaned_data),
        title=title,
        done=done,
        initial={"on": _today(), "issued_on": breach.warrant_issued_on or _today()},
        next_url=lambda case, _: reverse(
            "cases:breach", kwargs={"reference": case.reference, "pk": breach.pk}
        ),
        extra={"lead": f"Breach action instigated on {breach.on:%-d %B %Y}."},
    )


@login_required
def breach_hearing(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user = _user(request)
    return _breach_action(
        request,
        reference,
        pk,
        what="breach_hearing",
        form_class=forms.HearingForm,
        call=lambda b, data: services.record_breach_hearing(b, by=user, **data),
        title="Record a breach hearing",
        done="Hearing recorded",
    )


@login_required
def breach_warrant(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user = _user(request)
    return _breach_action(
        request,
        reference,
        pk,
        what="warrant",
        form_class=forms.WarrantForm,
        call=lambda b, data: services.record_warrant(b, by=user, **data),
        title="Record a warrant",
        done="Warrant recorded",
    )


@login_required
def breach_decision(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user = _user(request)
    return _breach_action(
        request,
        reference,
        pk,
        what="breach_decision",
        form_class=forms.BreachDecisionForm,
        call=lambda b, data: services.decide_breach(b, by=user, **data),
        title="Record the court's decision on the breach",
        done="Decision recorded",
    )


@login_required
def review_record(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)

    def handle(case: Case, form: forms.ServiceForm) -> object:
        data = form.cleaned_data
        return services.record_review(
            _order_or_404(case),
            by=user,
            on=data["on"],
            hearing=data["hearing"] == "yes",
            sat=data["sat"].splitlines(),
            notes=data["notes"],
        )

    return _record(
        request,
        reference,
        what="review",
        form_class=forms.ReviewForm,
        handler=handle,
        title="Record a court review",
        done="Review recorded",
        initial={"on": _today(), "hearing": "yes"},
    )


@login_required
def terminate(request: HttpRequest, reference: str) -> HttpResponse:
    return _record(
        request,
        reference,
        what="termination",
        form_class=forms.TerminationForm,
        handler=_order_handler(services.terminate_order, _user(request)),
        title="Terminate the Order",
        done="Termination recorded",
        initial={"on": _today()},
        extra={
            "lead": "Record where treatment continues after the Order (continuity of care), "
            "or the handover to prison drug services if the person goes into custody."
        },
    )


@login_required
def conviction(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)

    def handle(case: Case, form: forms.ServiceForm) -> object:
        return services.record_conviction(case, by=user, **form.cleaned_data)

    return _record(
        request,
        reference,
        what="conviction",
        form_class=forms.ConvictionForm,
        handler=handle,
        title="Record a conviction",
        done="Conviction recorded",
        initial={"on": _today()},
    )


# --- Review reports ------------------------------------------------------------------------


def _review_due(due: str) -> dt.date:
    try:
        return dt.date.fromisoformat(due)
    except ValueError:
        raise Http404("No such review") from None


@login_required
def review_report(request: HttpRequest, reference: str, due: str) -> HttpResponse:
    """Draft, edit, add the provider's view, send; the court reads what was sent."""
    user = _user(request)
    case = permissions.get_case_for(user, reference)
    if "review_reports" not in permissions.sections_for(user):
        raise PermissionDenied
    order = _order_or_404(case)
    review_due = _review_due(due)
    report = ReviewReport.objects.filter(order=order, review_due=review_due).first()
    is_court = user.role == Role.COURT_USER
    if is_court and (report is None or report.status != ReviewReport.Status.SENT):
        report = None  # the court sees a report once it is sent
    form: forms.ServiceForm | None = None
    if report is not None and report.status == ReviewReport.Status.DRAFT:
        if permissions.can_record(user, "review_report"):
            form = forms.ReviewReportForm(
                request.POST or None,
                initial={f: getattr(report, f) for f in reporting_services.EDITABLE},
            )
        elif permissions.can_record(user, "provider_view"):
            form = forms.ProviderViewForm(
                request.POST or None, initial={"provider_view": report.provider_view}
            )
    if request.method == "POST":
        if form is None or report is None or not form.is_valid():
            if form is None:
                raise PermissionDenied
        else:
            try:
                if isinstance(form, forms.ProviderViewForm):
                    reporting_services.add_provider_view(report, by=user, **form.cleaned_data)
                else:
                    reporting_services.edit_review_report(report, by=user, **form.cleaned_data)
                    if "send" in request.POST:
                        reporting_services.send_review_report(report, by=user)
                        messages.success(request, "Report sent to the court")
                        return redirect(request.path)
            except RecordInvalid as invalid:
                form.add_service_errors(invalid)
            else:
                messages.success(request, "Report saved")
                return redirect(request.path)
    _viewed(request, case, "review_report")
    return render(
        request,
        "cases/review_report.html",
        {
            "case": case,
            "order": order,
            "review_due": review_due,
            "report": report,
            "form": form,
            "can_draft": permissions.can_record(user, "review_report") and report is None,
            "can_reopen": permissions.can_record(user, "review_report")
            and report is not None
            and report.status == ReviewReport.Status.SENT,
            "can_review": permissions.can_record(user, "review"),
            "whole_report": permissions.sees_whole_review_report(user),
            "title": f"Review report for the review due {review_due:%-d %B %Y}",
        },
    )


@login_required
@require_POST
def review_report_draft(request: HttpRequest, reference: str, due: str) -> HttpResponse:
    user = _user(request)
    case = permissions.get_case_for(user, reference)
    if not permissions.can_record(user, "review_report"):
        raise PermissionDenied
    order = _order_or_404(case)
    try:
        reporting_services.draft_review_report(order, by=user, review_due=_review_due(due))
    except RecordInvalid as invalid:
        messages.error(request, "; ".join(e.message for e in invalid.errors))
    else:
        messages.success(
            request, "Report drafted from the record. Check it and add your assessment."
        )
    return redirect("cases:review-report", reference=reference, due=due)


@login_required
def review_report_reopen(request: HttpRequest, reference: str, due: str) -> HttpResponse:
    """Take a sent report back to draft to correct it (audited with the reason)."""
    user = _user(request)
    case = permissions.get_case_for(user, reference)
    report = get_object_or_404(ReviewReport, order__case=case, review_due=_review_due(due))
    report_url = reverse("cases:review-report", kwargs={"reference": reference, "due": due})

    def handle(case: Case, form: forms.ServiceForm) -> object:
        return reporting_services.reopen_review_report(report, by=user, **form.cleaned_data)

    return _record(
        request,
        reference,
        what="review_report",
        form_class=forms.ReopenReviewReportForm,
        handler=handle,
        title="Reopen the review report to correct it",
        done="Report reopened. Correct it and send it to the court again.",
        next_url=lambda case, _: report_url,
        extra={
            "lead": f"The report for the review due {report.review_due:%-d %B %Y} was sent to "
            "the court. Reopening it takes it back to draft: the court sees it again once "
            "you send it again."
        },
    )


@login_required
def review_report_pdf(request: HttpRequest, reference: str, due: str) -> HttpResponse:
    user = _user(request)
    case = permissions.get_case_for(user, reference)
    if not permissions.sees_whole_review_report(user):
        raise PermissionDenied
    report = get_object_or_404(
        ReviewReport.objects.select_related("order__case__person", "order__court"),
        order__case=case,
        review_due=_review_due(due),
    )
    if user.role == Role.COURT_USER and report.status != ReviewReport.Status.SENT:
        raise Http404("No such report")
    _viewed(request, case, "review_report_pdf")
    response = HttpResponse(review_reports.render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="review-report-{case.reference}-{report.review_due}.pdf"'
    )
    return response

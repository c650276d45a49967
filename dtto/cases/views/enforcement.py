"""Enforcement: formal warnings, breach action and its hearings, warrant and decision, and
convictions (before the referral or since)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from dtto.accounts import permissions
from dtto.cases import forms, services
from dtto.cases.models import Breach, Case, FormalWarning, Order
from dtto.cases.queries import describe_failure
from dtto.cases.timeline import timeline_for_order
from dtto.cases.views.common import (
    order_handler,
    record_page,
    signed_in,
    today,
    viewed,
)
from dtto.standards.engine import evaluate


def _failure_initial(request: HttpRequest, reference: str) -> dict[str, Any]:
    """The form's first values; from the queue's ?failure=DAY, a reason naming what happened."""
    initial: dict[str, Any] = {"on": today()}
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


def _letter_url(case: Case, warning: object) -> str:
    assert isinstance(warning, FormalWarning)
    return reverse("cases:warning-letter", kwargs={"reference": case.reference, "pk": warning.pk})


def _breach_url(case: Case, breach: object) -> str:
    assert isinstance(breach, Breach)
    return reverse("cases:breach", kwargs={"reference": case.reference, "pk": breach.pk})


@login_required
def warning_new(request: HttpRequest, reference: str) -> HttpResponse:
    return record_page(
        request,
        reference,
        what="warning",
        form_class=forms.WarningForm,
        handler=order_handler(services.give_warning, signed_in(request)),
        title="Give a formal warning",
        done="Formal warning recorded. The drafted letter is below.",
        initial=_failure_initial(request, reference),
        next_url=_letter_url,
        shown_at=_letter_url,
        extra={"breach_url": reverse("cases:breach-new", kwargs={"reference": reference})},
    )


@login_required
def warning_letter(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    if not permissions.sees_enforcement(user):
        raise PermissionDenied
    warning = get_object_or_404(FormalWarning, pk=pk, order__case=case)
    viewed(request, case, "warning_letter")
    order = warning.order
    return render(
        request,
        "cases/warning_letter.html",
        {"case": case, "warning": warning, "order": order, "today": today()},
    )


@login_required
def breach_new(request: HttpRequest, reference: str) -> HttpResponse:
    return record_page(
        request,
        reference,
        what="breach",
        form_class=forms.BreachForm,
        handler=order_handler(services.instigate_breach, signed_in(request)),
        title="Instigate breach action",
        done="Breach action recorded. The drafted breach report is below.",
        initial=_failure_initial(request, reference),
        next_url=_breach_url,
        shown_at=_breach_url,
    )


@login_required
def breach_detail(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The breach, its drafted report for the court, hearings, warrant and outcome."""
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    if not permissions.sees_breach_reports(user):
        raise PermissionDenied
    breach = get_object_or_404(
        Breach.objects.select_related("outcome", "order"), pk=pk, order__case=case
    )
    order = breach.order
    evaluation = evaluate(timeline_for_order(order), today())
    failures = [f for f in evaluation.failures if f.on <= breach.on]
    viewed(request, case, "breach")
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
    case = permissions.get_case_for(signed_in(request), reference)
    breach = get_object_or_404(Breach, pk=pk, order__case=case)
    return record_page(
        request,
        reference,
        what=what,
        form_class=form_class,
        handler=lambda case, form: call(breach, form.cleaned_data),
        title=title,
        done=done,
        initial={
            "on": today(),
            "issued_on": breach.warrant_issued_on or today(),
            "loaded_version": breach.version,
        },
        next_url=lambda case, _: _breach_url(case, breach),
        shown_at=lambda case, _: _breach_url(case, breach),
        extra={"lead": f"Breach action instigated on {breach.on:%-d %B %Y}."},
    )


@login_required
def breach_hearing(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user = signed_in(request)
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
    user = signed_in(request)
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
    user = signed_in(request)
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
def conviction(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in(request)

    def handle(case: Case, form: forms.ServiceForm) -> object:
        return services.record_conviction(case, by=user, **form.cleaned_data)

    return record_page(
        request,
        reference,
        what="conviction",
        form_class=forms.ConvictionForm,
        handler=handle,
        title="Record a conviction",
        done="Conviction recorded",
        initial={"on": today()},
        # Convictions before the referral count too: offending before the Order (3.6-3.7).
        extra={
            "lead": "Any conviction of the person: one before the referral (their offending "
            "before the Order) or one since."
        },
    )

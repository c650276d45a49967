"""Referral and assessment: the case before any Order."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dtto.accounts import permissions
from dtto.cases import forms, services
from dtto.cases.models import Case
from dtto.cases.views import once
from dtto.cases.views.common import bound, case_url, record_page, save_once, signed_in, today
from dtto.standards.rules import ASSESSMENT_DEADLINE


@login_required
def referral(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not permissions.can_record(user, "referral"):
        raise PermissionDenied
    form = forms.ReferralForm(bound(request), initial={"referred_on": today()})
    token, saved_before = once.token_for_page(request, user)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            action="referral",
            save=lambda: services.register_referral(
                by=user, area=user.area or "", **form.cleaned_data
            ),
            shown_at=lambda case: case_url(case),  # type: ignore[arg-type]
        )
        if isinstance(saved, HttpResponse):
            return saved
        token = saved.token
        if isinstance(saved.record, Case):
            messages.success(request, f"Referral {saved.record.reference} recorded")
            return redirect("cases:detail", reference=saved.record.reference)
    context = {
        "form": form,
        "title": "Record a referral",
        "case": None,
        "form_token": token,
        "saved_before": saved_before if request.method == "GET" else None,
    }
    return render(request, "cases/record.html", context)


@login_required
def assessment(request: HttpRequest, reference: str) -> HttpResponse:
    def handle(case: Case, form: forms.ServiceForm) -> object:
        assert isinstance(form, forms.AssessmentForm)
        return services.record_assessment(case, by=signed_in(request), **form.service_arguments())

    case = permissions.get_case_for(signed_in(request), reference)
    existing = getattr(case, "assessment", None)
    initial: dict[str, Any] = {"started_on": today()}
    if existing is not None:
        initial = {
            "outcome": existing.outcome,
            "started_on": existing.started_on,
            "completed_on": existing.completed_on,
            "reason": existing.reason.code if existing.reason else "",
            "recommended_intensity": existing.recommended_intensity,
            "psr_requested_on": existing.psr_requested_on,
            "adjourned_on": existing.adjourned_on,
            "psr_delivered_on": existing.psr_delivered_on,
            "health_assessment_recommended": {True: "yes", False: "no"}.get(
                existing.health_assessment_recommended, ""
            ),
        }
    due = ASSESSMENT_DEADLINE.due_by(case.referred_on)
    return record_page(
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
            f"pre-sentence report, the assessment is due within "
            f"{ASSESSMENT_DEADLINE.working_days} working days: by "
            f"{due:%-d %B %Y}."
        },
    )

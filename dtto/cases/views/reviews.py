"""Court reviews and the progress reports written for them."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dtto.accounts import permissions
from dtto.cases import forms, reporting_services, review_reports, services
from dtto.cases.models import Case, Order, ReviewReport
from dtto.cases.views import once
from dtto.cases.views.common import (
    already_recorded,
    bound,
    order_or_404,
    record_page,
    save_once,
    signed_in,
    today,
    viewed,
)


@login_required
def review_record(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in(request)

    def handle(case: Case, form: forms.ServiceForm) -> object:
        data = form.cleaned_data
        return services.record_review(
            order_or_404(case),
            by=user,
            on=data["on"],
            hearing=data["hearing"] == "yes",
            sat=data["sat"].splitlines(),
            notes=data["notes"],
        )

    return record_page(
        request,
        reference,
        what="review",
        form_class=forms.ReviewForm,
        handler=handle,
        title="Record a court review",
        done="Review recorded",
        initial={"on": today()},
    )


def _review_due(due: str) -> dt.date:
    try:
        return dt.date.fromisoformat(due)
    except ValueError:
        raise Http404("No such review") from None


@login_required
def review_report(request: HttpRequest, reference: str, due: str) -> HttpResponse:
    """Draft, edit, add the provider's view, send; the court reads what was sent."""
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    if not permissions.sees_review_reports(user):
        raise PermissionDenied
    order = order_or_404(case)
    review_due = _review_due(due)
    report = ReviewReport.objects.filter(order=order, review_due=review_due).first()
    if not permissions.reads_review_report(user, report):
        report = None
    form = _review_report_form(request, order, report)
    token, _ = once.token_for_page(request, user)
    if request.method == "POST":
        if form is None or report is None:
            # A report sent since the form was shown: its second save is not forbidden but
            # already recorded.
            again = already_recorded(request)
            if again is None:
                raise PermissionDenied
            return again
        saved = save_once(
            request,
            form,
            action="provider_view" if isinstance(form, forms.ProviderViewForm) else "review_report",
            save=lambda: _save_review_report(request, form, report),
            shown_at=lambda _: request.path,
        )
        if isinstance(saved, HttpResponse):
            return saved
        token = saved.token
        if saved.recorded:
            sent = "send" in request.POST and not isinstance(form, forms.ProviderViewForm)
            messages.success(request, "Report sent to the court" if sent else "Report saved")
            return redirect(request.path)
    viewed(request, case, "review_report")
    can_draft = permissions.can_record(user, "review_report") and report is None
    draft_url = reverse("cases:review-report-draft", kwargs={"reference": reference, "due": due})
    return render(
        request,
        "cases/review_report.html",
        {
            "case": case,
            "order": order,
            "review_due": review_due,
            "report": report,
            "form": form,
            "form_token": token,
            "can_draft": can_draft,
            "draft_token": once.issue(user, draft_url) if can_draft else "",
            "can_reopen": permissions.can_record(user, "review_report")
            and report is not None
            and report.status == ReviewReport.Status.SENT,
            "can_review": permissions.can_record(user, "review"),
            "can_feedback": report is not None and permissions.writes_court_feedback(user, report),
            "whole_report": permissions.sees_whole_review_report(user),
            "waits_for_sent": permissions.waits_for_sent_review_reports(user),
            "title": f"Review report for the review due {review_due:%-d %B %Y}",
        },
    )


def _review_report_form(
    request: HttpRequest, order: Order, report: ReviewReport | None
) -> forms.ServiceForm | None:
    """The case manager's form for a draft, or the treatment provider's for their view."""
    if report is None or report.status != ReviewReport.Status.DRAFT:
        return None
    user = signed_in(request)
    data = bound(request)
    if permissions.can_record(user, "review_report"):
        initial = {f: getattr(report, f) for f in reporting_services.EDITABLE}
        return forms.ReviewReportForm(data, initial={**initial, "loaded_version": report.version})
    if permissions.writes_provider_view(user, order):
        return forms.ProviderViewForm(
            data,
            initial={"provider_view": report.provider_view, "loaded_version": report.version},
        )
    return None


def _save_review_report(
    request: HttpRequest, form: forms.ServiceForm, report: ReviewReport
) -> ReviewReport:
    user = signed_in(request)
    if isinstance(form, forms.ProviderViewForm):
        return reporting_services.add_provider_view(report, by=user, **form.cleaned_data)
    saved = reporting_services.edit_review_report(report, by=user, **form.cleaned_data)
    if "send" in request.POST:
        # In the same transaction: a report that cannot be sent keeps none of the edits,
        # and the form is shown again with them.
        saved = reporting_services.send_review_report(saved, by=user)
    return saved


@login_required
@require_POST
def review_report_draft(request: HttpRequest, reference: str, due: str) -> HttpResponse:
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    if not permissions.can_record(user, "review_report"):
        raise PermissionDenied
    order = order_or_404(case)
    review_due = _review_due(due)
    report_url = reverse("cases:review-report", kwargs={"reference": reference, "due": due})
    # The draft button's form has no fields: only its one-time token.
    form = forms.ServiceForm(request.POST)
    saved = save_once(
        request,
        form,
        action="review_report",
        save=lambda: reporting_services.draft_review_report(order, by=user, review_due=review_due),
        shown_at=lambda _: report_url,
    )
    if isinstance(saved, HttpResponse):
        return saved
    if saved.recorded:
        messages.success(
            request, "Report drafted from the record. Check it and add your assessment."
        )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(report_url)


@login_required
def review_report_reopen(request: HttpRequest, reference: str, due: str) -> HttpResponse:
    """Take a sent report back to draft to correct it (audited with the reason)."""
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    report = get_object_or_404(ReviewReport, order__case=case, review_due=_review_due(due))
    report_url = reverse("cases:review-report", kwargs={"reference": reference, "due": due})

    def handle(case: Case, form: forms.ServiceForm) -> object:
        return reporting_services.reopen_review_report(report, by=user, **form.cleaned_data)

    return record_page(
        request,
        reference,
        what="review_report",
        form_class=forms.ReopenReviewReportForm,
        handler=handle,
        title="Reopen the review report to correct it",
        done="Report reopened. Correct it and send it to the court again.",
        initial={"loaded_version": report.version},
        next_url=lambda case, _: report_url,
        shown_at=lambda case, _: report_url,
        extra={
            "lead": f"The report for the review due {report.review_due:%-d %B %Y} was sent to "
            "the court. Reopening it takes it back to draft: the court sees it again once "
            "you send it again."
            + (
                " The court's view of it is withdrawn with it: the court gives its view of "
                "the corrected report."
                if report.court_feedback
                else ""
            )
        },
    )


FEEDBACK_TITLE = "Give the court's view of the review report"


@login_required
def review_report_feedback(request: HttpRequest, reference: str, due: str) -> HttpResponse:
    """The court's view of a report it was sent, by a user of the court that made the Order
    (Appendix 1 standard 7; ``permissions.writes_court_feedback``)."""
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    if not permissions.can_record(user, "court_feedback"):
        raise PermissionDenied
    report = get_object_or_404(ReviewReport, order=order_or_404(case), review_due=_review_due(due))
    report_url = reverse("cases:review-report", kwargs={"reference": reference, "due": due})
    if request.method == "GET" and not permissions.writes_court_feedback(user, report):
        # The court can open the case, so the report is not yet sent to it. A POST still
        # goes to the service, which refuses it the same way.
        return render(
            request,
            "cases/not_possible.html",
            {
                "case": case,
                "title": FEEDBACK_TITLE,
                "reason": "The case manager has not sent this report to the court yet. "
                "The court gives its view once it has the report.",
            },
        )

    def handle(case: Case, form: forms.ServiceForm) -> object:
        return reporting_services.record_court_feedback(report, by=user, **form.cleaned_data)

    return record_page(
        request,
        reference,
        what="court_feedback",
        form_class=forms.CourtFeedbackForm,
        handler=handle,
        title=FEEDBACK_TITLE,
        done="The court's view of the report recorded",
        initial={
            "feedback": report.court_feedback or None,
            "notes": report.court_feedback_notes,
            "on": today(),
        },
        next_url=lambda case, _: report_url,
        shown_at=lambda case, _: report_url,
        extra={
            "lead": f"The report for the review due {report.review_due:%-d %B %Y}"
            + (f", sent on {report.sent_on:%-d %B %Y}" if report.sent_on else "")
            + ". Your view replaces any given before."
        },
    )


@login_required
def review_report_pdf(request: HttpRequest, reference: str, due: str) -> HttpResponse:
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    if not permissions.sees_whole_review_report(user):
        raise PermissionDenied
    report = get_object_or_404(
        ReviewReport.objects.select_related("order__case__person", "order__court"),
        order__case=case,
        review_due=_review_due(due),
    )
    if not permissions.reads_review_report(user, report):
        raise Http404("No such report")
    viewed(request, case, "review_report_pdf")
    response = HttpResponse(review_reports.render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="review-report-{case.reference}-{report.review_due}.pdf"'
    )
    return response

"""The Order: making it, its case manager, its contact level and suspensions of the Standard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dtto.accounts import permissions
from dtto.accounts.models import User
from dtto.cases import forms, services
from dtto.cases.models import Assessment, Case, Order
from dtto.cases.views.common import order_handler, order_or_404, record_page, signed_in, today


@login_required
def make_order(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    if not permissions.can_record(user, "order"):
        raise PermissionDenied
    if request.method == "GET" and (refusal := order_not_possible(case)) is not None:
        # Say why before the form, not after it is filled in (a POST still goes to the
        # service, which refuses it the same way, and a resubmitted form to its guard).
        return render(
            request,
            "cases/not_possible.html",
            {"case": case, "title": "Record the Order", "reason": refusal},
        )
    assessment = Assessment.objects.filter(case=case).only("outcome").first()
    suitable = assessment is not None and assessment.outcome == Assessment.Outcome.SUITABLE

    def handle(case: Case, form: forms.ServiceForm) -> object:
        assert isinstance(form, forms.OrderForm)
        return services.make_order(case, by=user, **form.service_arguments())

    lead = (
        None
        if suitable or assessment is None
        else f"The assessment found: {assessment.get_outcome_display().lower()}. An Order "
        "made against the assessment's advice is recorded as such, with the reason."
    )
    return record_page(
        request,
        reference,
        what="order",
        form_class=forms.OrderForm,
        handler=handle,
        title="Record the Order",
        done="Order recorded",
        initial={"made_on": today(), "length_months": 12, "case_manager": user.username},
        form_kwargs={"area_id": case.area_id, "assessed_suitable": suitable},
        extra={"lead": lead} if lead else None,
    )


def order_not_possible(case: Case) -> str | None:
    """Why an Order cannot be recorded on this case now, in words; None when it can."""
    if Order.objects.filter(case=case).exists():
        return "This case already has an Order. A case holds one Order (decision 0002)."
    if not Assessment.objects.filter(case=case).exists():
        return (
            "The assessment of suitability has not been recorded. Record the assessment "
            "first: an Order follows an assessment, or is recorded as made against its advice."
        )
    return None


@login_required
def case_manager(request: HttpRequest, reference: str) -> HttpResponse:
    """Give the Order to another case manager of the area."""
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    order = order_or_404(case)

    def handle(case: Case, form: forms.ServiceForm) -> object:
        username = form.cleaned_data["case_manager"]
        chosen = User.objects.filter(username=username).first() if username else None
        return services.assign_case_manager(
            order,
            by=user,
            case_manager=chosen,
            loaded_version=form.cleaned_data["loaded_version"],
        )

    current = order.case_manager
    return record_page(
        request,
        reference,
        what="case_manager",
        form_class=forms.CaseManagerForm,
        handler=handle,
        title="Change the case manager",
        done="Case manager changed",
        initial={
            "case_manager": current.username if current else "",
            "loaded_version": order.version,
        },
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


@login_required
def contact_level(request: HttpRequest, reference: str) -> HttpResponse:
    return record_page(
        request,
        reference,
        what="contact_level",
        form_class=forms.ContactLevelForm,
        handler=order_handler(services.change_contact_level, signed_in(request)),
        title="Change the contact level",
        done="Contact level changed",
        initial={"on": today()},
    )


@login_required
def suspension(request: HttpRequest, reference: str) -> HttpResponse:
    return record_page(
        request,
        reference,
        what="suspension",
        form_class=forms.SuspensionForm,
        handler=order_handler(services.suspend_standard, signed_in(request)),
        title="Suspend the National Standard",
        done="Suspension recorded",
        initial={"starts_on": today()},
        extra={
            "lead": "Figure 22 of the Standard: for example while homelessness is resolved, "
            "during home detoxification, or for family responsibilities."
        },
    )

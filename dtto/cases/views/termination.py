"""Ending the Order, and treatment after it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dtto.accounts import permissions
from dtto.cases import forms, services
from dtto.cases.models import Termination
from dtto.cases.views.common import (
    order_handler,
    order_or_404,
    record_page,
    signed_in,
    today,
)

AFTERCARE_TITLE = "Record treatment after the Order"


@login_required
def terminate(request: HttpRequest, reference: str) -> HttpResponse:
    return record_page(
        request,
        reference,
        what="termination",
        form_class=forms.TerminationForm,
        handler=order_handler(services.terminate_order, signed_in(request)),
        title="Terminate the Order",
        done="Termination recorded",
        initial={"on": today()},
        extra={
            "lead": "Record where treatment continues after the Order (continuity of care), "
            "or the handover to prison drug services if the person goes into custody."
        },
    )


@login_required
def aftercare(request: HttpRequest, reference: str) -> HttpResponse:
    """Whether treatment actually began after the Order, and the prison's receipt of the
    handover (3.30, decision 0017)."""
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    if not permissions.can_record(user, "aftercare"):
        raise PermissionDenied
    termination = Termination.objects.filter(order=order_or_404(case)).first()
    if request.method == "GET" and termination is None:
        # Say why before the form (a POST still goes to the service, which refuses it).
        return render(
            request,
            "cases/not_possible.html",
            {
                "case": case,
                "title": AFTERCARE_TITLE,
                "reason": "The Order has not ended. Record its termination first.",
            },
        )
    initial = (
        {
            "treatment_started_on": termination.treatment_started_on,
            "treatment_setting": termination.treatment_setting,
            "treatment_intensity": termination.treatment_intensity,
            "custody_handover_received_on": termination.custody_handover_received_on,
        }
        if termination is not None
        else {}
    )
    return record_page(
        request,
        reference,
        what="aftercare",
        form_class=forms.AftercareForm,
        handler=order_handler(services.record_aftercare, user),
        title=AFTERCARE_TITLE,
        done="Treatment after the Order recorded",
        initial=initial,
        form_kwargs={
            "handed_over": termination is not None and termination.custody_handover_on is not None
        },
        extra={
            "lead": "Whether treatment continued after the Order ended (continuity of care). "
            "Saving replaces what was recorded before."
        },
    )

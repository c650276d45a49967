"""Ending the Order."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from dtto.cases import forms, services
from dtto.cases.views.common import order_handler, record_page, signed_in, today


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

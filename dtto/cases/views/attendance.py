"""Appointments and what happened at them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from dtto.accounts import permissions
from dtto.accounts.templatetags.dtto import hours
from dtto.cases import forms, services
from dtto.cases.models import Appointment, Case
from dtto.cases.views.common import (
    again_url,
    order_handler,
    record_page,
    signed_in,
    today,
)


@login_required
def appointment_new(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in(request)
    with_whom = request.GET.get("with_whom", "")
    if permissions.records_treatment_appointments_only(user):
        with_whom = "treatment"
    return record_page(
        request,
        reference,
        what="appointment",
        form_class=forms.AppointmentForm,
        handler=order_handler(services.record_appointment, user),
        title="Record an appointment",
        done="Appointment recorded",
        initial={"on": today(), "with_whom": with_whom or None},
        next_url=again_url(request, "cases:appointment-new"),
    )


@login_required
def attendance(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    appointment = get_object_or_404(Appointment, pk=pk, order__case=case)

    def handle(case: Case, form: forms.ServiceForm) -> object:
        return services.record_attendance(appointment, by=user, **form.cleaned_data)

    return record_page(
        request,
        reference,
        what="attendance",
        form_class=forms.AttendanceForm,
        handler=handle,
        title="Record what happened",
        done="Attendance recorded",
        initial={
            "outcome": appointment.outcome.code if appointment.outcome else None,
            "loaded_version": appointment.version,
        },
        extra={
            "lead": f"{appointment.get_with_whom_display()} appointment on "
            f"{appointment.on:%-d %B %Y}, {hours(appointment.hours)}."
        },
    )

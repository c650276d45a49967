"""Posting to a case: a treatment provider's appointments and attendance, a laboratory's results.

Each post calls the same service as the page does, inside ``idempotency.posted``, which
honours an ``Idempotency-Key`` header and takes the client's posts one at a time.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Header, Router

from dtto.api import schemas
from dtto.api.access import case_of, client_of
from dtto.api.cases import REFUSALS, appointment_out, test_out
from dtto.api.clients import client_actor
from dtto.api.idempotency import HEADER, KEY_PATTERN, posted
from dtto.api.laboratory import Received, receive_result
from dtto.api.models import ClientRole
from dtto.api.problems import field_invalid, not_found
from dtto.cases import services
from dtto.cases.models import Appointment

router = Router(tags=["recording"])


def _idempotency_key() -> Any:
    return Header(
        None,
        alias=HEADER,
        pattern=KEY_PATTERN,
        description="Any unique text up to 255 characters: the same post sent again with "
        "the same key is answered as the first time and recorded once.",
    )


@router.post(
    "/appointments", response={201: schemas.AppointmentOut, 200: schemas.AppointmentOut, **REFUSALS}
)
def post_appointment(
    request: HttpRequest,
    payload: schemas.AppointmentIn,
    idempotency_key: str | None = _idempotency_key(),
) -> HttpResponse:
    """A treatment appointment on an Order the client's provider treats (with its outcome once
    it has happened, and what it is for: treatment, offence-focused work or lifestyle). The first treatment appointment attended is the treatment start that
    the National Standard's "first treatment appointment" finding looks for."""
    client = client_of(request, ClientRole.TREATMENT_PROVIDER)

    def work() -> tuple[int, Any]:
        case = case_of(client, payload.case_reference)
        order = getattr(case, "order", None)
        if order is None:
            raise field_invalid("case_reference", f"case {case.reference} has no Order")
        appointment = services.record_appointment(
            order,
            by=client_actor(client),
            on=payload.on,
            hours=payload.hours,
            # A treatment provider records appointments with treatment only, as on the pages.
            with_whom=Appointment.With.TREATMENT,
            kind=payload.kind,
            outcome=payload.outcome,
            activity=payload.activity or "",
        )
        return 201, appointment_out(appointment, case.reference)

    return posted(request, client, idempotency_key, work)


@router.post(
    "/appointments/{int:appointment_id}/attendance",
    response={200: schemas.AppointmentOut, **REFUSALS},
)
def post_attendance(
    request: HttpRequest,
    appointment_id: int,
    payload: schemas.AttendanceIn,
    idempotency_key: str | None = _idempotency_key(),
) -> HttpResponse:
    """What happened at a treatment appointment on an Order the client's provider treats."""
    client = client_of(request, ClientRole.TREATMENT_PROVIDER)

    def work() -> tuple[int, Any]:
        appointment = (
            Appointment.objects.select_related("order__case")
            .filter(pk=appointment_id, with_whom=Appointment.With.TREATMENT)
            .first()
        )
        if appointment is None:
            raise not_found(f"No treatment appointment {appointment_id} for this client.")
        case = case_of(client, appointment.order.case.reference)
        recorded = services.record_attendance(
            appointment, by=client_actor(client), outcome=payload.outcome
        )
        recorded.refresh_from_db()
        return 200, appointment_out(recorded, case.reference)

    return posted(request, client, idempotency_key, work)


@router.post(
    "/drug-tests", response={201: schemas.DrugTestAnswer, 200: schemas.DrugTestAnswer, **REFUSALS}
)
def post_drug_test(
    request: HttpRequest,
    payload: schemas.DrugTestIn,
    idempotency_key: str | None = _idempotency_key(),
) -> HttpResponse:
    """A laboratory's result for a sample: 201 when first recorded; 200 when the same result
    was sent before (nothing recorded), when it confirms positives, or when it corrects the
    results first sent (``reason`` required)."""
    client = client_of(request, ClientRole.LABORATORY)

    def work() -> tuple[int, Any]:
        case = case_of(client, payload.case_reference)
        result = receive_result(
            client,
            case,
            sample_id=payload.sample_id,
            on=payload.on,
            results=payload.results,
            confirmed=payload.confirmed,
            reason=payload.reason,
        )
        answer = schemas.DrugTestAnswer(
            case_reference=case.reference,
            sample_id=payload.sample_id,
            received=result.received,
            test=test_out(result.test),
        )
        return (201 if result.received == Received.RECORDED else 200), answer

    return posted(request, client, idempotency_key, work)

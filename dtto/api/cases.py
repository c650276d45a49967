"""Reading cases, and the National Standard's findings on one as of a day."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router

from dtto.api import schemas
from dtto.api.access import case_of, cases_of, client_of, sections_of
from dtto.api.models import ClientRole
from dtto.api.problems import Problem, not_found
from dtto.cases.models import Appointment, Case, Order
from dtto.cases.timeline import evaluate_order
from dtto.standards.engine import evaluation_document

router = Router(tags=["cases"])
REFUSALS: dict[int, Any] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    422: Problem,
    429: Problem,
}
READERS = (ClientRole.CASE_READER, ClientRole.TREATMENT_PROVIDER)


def order_out(order: Order | None) -> schemas.OrderOut | None:
    if order is None:
        return None
    return schemas.OrderOut(
        made_on=order.made_on,
        length_months=order.length_months,
        intensity=order.intensity,
        court=order.court.code if order.court else None,
        treatment_provider=order.treatment_provider.code if order.treatment_provider else None,
        natural_end_on=order.natural_end_on,
        terminated_on=order.terminated_on,
    )


def appointment_out(appointment: Appointment, reference: str) -> schemas.AppointmentOut:
    return schemas.AppointmentOut(
        id=appointment.pk,
        case_reference=reference,
        on=appointment.on,
        hours=appointment.hours,
        with_whom=appointment.with_whom,
        kind=appointment.kind.code if appointment.kind else None,
        outcome=appointment.outcome.code if appointment.outcome else None,
        activity=appointment.activity or None,
    )


def test_out(test: Any) -> schemas.DrugTestOut:
    return schemas.DrugTestOut(
        id=test.pk,
        on=test.on,
        outcome=test.outcome,
        results=[
            schemas.ResultOut(substance=r.substance.code, result=r.result, confirmed=r.confirmed)
            for r in test.results.select_related("substance")
        ],
    )


def _order(case: Case) -> Order | None:
    return Order.objects.select_related("court", "treatment_provider").filter(case=case).first()


@router.get("/cases", response={200: schemas.CaseListOut, **REFUSALS})
def list_cases(request: HttpRequest, filters: Query[schemas.CaseQuery]) -> schemas.CaseListOut:
    """Cases this client reads, by reference; ``running_on`` keeps Orders in force that day."""
    client = client_of(request, *READERS)
    cases = cases_of(client).select_related(
        "area", "order", "order__court", "order__treatment_provider"
    )
    if filters.reference_starts:
        cases = cases.filter(reference__startswith=filters.reference_starts)
    if filters.running_on:
        day = filters.running_on
        cases = cases.filter(order__made_on__lte=day, order__natural_end_on__gt=day).filter(
            Q(order__terminated_on__isnull=True) | Q(order__terminated_on__gte=day)
        )
    page = cases.order_by("reference")[filters.offset : filters.offset + filters.limit]
    return schemas.CaseListOut(
        count=cases.count(),
        items=[
            schemas.CaseSummaryOut(
                reference=c.reference,
                area=c.area.code,
                referred_on=c.referred_on,
                order=order_out(getattr(c, "order", None)),
            )
            for c in page
        ],
    )


@router.get("/cases/{path:reference}/evaluation", response={200: dict[str, Any], **REFUSALS})
def case_evaluation(
    request: HttpRequest,
    filters: Query[schemas.EvaluationQuery],
    reference: str = Path(..., pattern=schemas.REFERENCE),
) -> dict[str, Any]:
    """The National Standard's findings on the case's Order as of a day (default today).

    The ``dtto-evaluation/1`` document that ``dtto evaluate`` prints, with this one case;
    the rules are in docs/national-standard.md. No personal details: references and dates.
    """
    client = client_of(request, ClientRole.ANALYTICS, *READERS)
    case = case_of(client, reference)
    request.api_case_reference = case.reference  # type: ignore[attr-defined]
    order = _order(case)
    if order is None:
        raise not_found(f"Case {case.reference} has no Order to evaluate.")
    as_of = filters.as_of or timezone.localdate()
    return evaluation_document([evaluate_order(order, as_of)], as_of, evidence=filters.evidence)


@router.get("/cases/{path:reference}", response={200: schemas.CaseOut, **REFUSALS})
def read_case(
    request: HttpRequest, reference: str = Path(..., pattern=schemas.REFERENCE)
) -> schemas.CaseOut:
    """One case, with the parts the client's role sees (the others are null)."""
    client = client_of(request, *READERS)
    case = case_of(client, reference)
    request.api_case_reference = case.reference  # type: ignore[attr-defined]
    sections = sections_of(client)
    order = _order(case)
    person = case.person

    def part(section: str) -> bool:
        return section in sections and order is not None

    return schemas.CaseOut(
        reference=case.reference,
        area=case.area.code,
        referred_on=case.referred_on,
        referral_source=case.referral_source.code,
        order=order_out(order) if "order" in sections else None,
        person=schemas.PersonOut(
            name=person.name,
            date_of_birth=person.date_of_birth,
            sex=person.sex.code,
            ethnicity=person.ethnicity.code,
        )
        if "person" in sections
        else None,
        appointments=[
            appointment_out(a, case.reference)
            for a in order.appointments.select_related("kind", "outcome")  # type: ignore[union-attr]
        ]
        if part("appointments")
        else None,
        tests=[test_out(t) for t in order.tests.all()]  # type: ignore[union-attr]
        if part("tests")
        else None,
        warnings=[schemas.DatedOut(on=w.on) for w in order.warnings.all()]  # type: ignore[union-attr]
        if part("enforcement")
        else None,
        breaches=[schemas.DatedOut(on=b.on) for b in order.breaches.all()]  # type: ignore[union-attr]
        if part("enforcement")
        else None,
        reviews=[schemas.ReviewOut(on=r.on, hearing=r.hearing) for r in order.reviews.all()]  # type: ignore[union-attr]
        if part("reviews")
        else None,
    )

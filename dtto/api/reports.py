"""Reports: exactly the JSON that ``dtto report --format json`` writes (docs/reports.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router

from dtto.api import schemas
from dtto.api.access import client_of
from dtto.api.cases import REFUSALS
from dtto.api.models import ApiClient, ClientRole
from dtto.api.problems import field_invalid, forbidden, not_found
from dtto.reports import exports, measures
from dtto.reports.queries import Period, Scope, ScopeError
from dtto.reports.statistics import publish

router = Router(tags=["reports"])


def _report(scope: Scope, filters: schemas.ReportQuery) -> HttpResponse:
    if filters.from_ and filters.to and filters.from_ > filters.to:
        raise field_invalid("from", "must be on or before 'to'", location="query")
    try:
        data = measures.report(scope, Period(filters.from_, filters.to), as_of=filters.as_of)
    except ScopeError as error:
        raise not_found(str(error)) from None
    return HttpResponse(exports.to_json(publish(data)), content_type="application/json")


def _analyst(request: HttpRequest) -> ApiClient:
    return client_of(request, ClientRole.ANALYTICS)


@router.get("/reports/national", response={200: dict[str, Any], **REFUSALS})
def national_report(request: HttpRequest, filters: Query[schemas.ReportQuery]) -> HttpResponse:
    """The report for England and Wales (counts under 5 withheld, as published)."""
    client = _analyst(request)
    if client.area_id is not None:
        raise forbidden(f"This client reads the reports of {client.area} only.")
    return _report(Scope.national(), filters)


@router.get("/reports/areas/{area}", response={200: dict[str, Any], **REFUSALS})
def area_report(
    request: HttpRequest,
    filters: Query[schemas.ReportQuery],
    area: str = Path(..., pattern=schemas.CODE),
) -> HttpResponse:
    """The report for one probation area, by its code (e.g. ``dorset``)."""
    client = _analyst(request)
    if client.area is not None and client.area.code != area:
        raise forbidden(f"This client reads the reports of {client.area} only.")
    return _report(Scope.area(area), filters)

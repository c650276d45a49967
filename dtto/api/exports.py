"""The treatment-data export, ``GET /api/v1/exports/ndtms?as_of=``: NDTMS-style CSV.

Exactly the bytes that ``dtto export --ndtms --provider CODE --as-of DAY`` writes for the
client's provider (docs/ndtms-export.md). Its rows carry personal details (initials, date
of birth, sex, ethnic category) and are what a treatment provider submits, so only a
treatment provider's client may ask, and it gets the Orders its provider treats, as its
workers see them (docs/api.md, "A treatment provider's system takes its NDTMS export").
Beside the request's own audit event, the export is audited with the references of the
cases whose details it gave, as every view of a person's record is.
"""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router

from dtto.api import schemas
from dtto.api.access import cases_of, client_of
from dtto.api.cases import REFUSALS
from dtto.api.clients import client_actor
from dtto.api.models import ClientRole
from dtto.audit.services import record_event
from dtto.cases.models import Order
from dtto.cases.ndtms import known_on, write_ndtms_csv

router = Router(tags=["exports"])

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# The document declares the answer as CSV (not JSON), so that clients and schemathesis
# expect what is sent.
_CSV_ANSWER: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The CSV: a header row, then one row per Order (docs/ndtms-export.md).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


@router.get("/exports/ndtms", response=REFUSALS, openapi_extra=_CSV_ANSWER)
def ndtms_export(request: HttpRequest, filters: Query[schemas.ExportQuery]) -> HttpResponse:
    """The NDTMS-style treatment episodes of the Orders the client's provider treats."""
    client = client_of(request, ClientRole.TREATMENT_PROVIDER)
    assert client.provider is not None  # a treatment provider's client always has one
    as_of = filters.as_of or timezone.localdate()
    orders = Order.objects.filter(
        case__in=cases_of(client), treatment_provider_id=client.provider_id
    )
    out = io.StringIO()
    count = write_ndtms_csv(orders, out, as_of=as_of)
    record_event(
        client_actor(client),
        "api.ndtms.exported",
        target_type="apiclient",
        target_id=client.pk,
        detail={
            "as_of": as_of.isoformat(),
            "episodes": count,
            "references": list(known_on(orders, as_of).values_list("case__reference", flat=True)),
        },
    )
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type=CSV_CONTENT_TYPE)
    name = f"ndtms-{client.provider.code}-{as_of.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

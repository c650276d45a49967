"""What the API takes and gives, as typed schemas (the OpenAPI document is made from these).

Field names are the services' own, so that a refusal from a service names the field the
client sent. Types are loose where the services check (codes, hours), so that every path in
gets the same message; patterns keep out what no database could even look up.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from dtto.standards.timeline import CONTACT_ACTIVITIES

# The case reference format (dtto.standards.validation.REFERENCE_PATTERN), here only to
# keep characters out of a lookup; the services check references themselves.
REFERENCE = r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$"
CODE = r"^[A-Za-z0-9_-]{1,40}$"
SAMPLE_ID = r"^[A-Za-z0-9][A-Za-z0-9_./:-]{0,63}$"
# Reports and evaluations are asked about days between these; further out is refused.
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)


class PersonOut(Schema):
    name: str
    date_of_birth: dt.date
    sex: str
    ethnicity: str


class OrderOut(Schema):
    made_on: dt.date
    length_months: int
    intensity: str
    court: str | None
    treatment_provider: str | None
    natural_end_on: dt.date
    terminated_on: dt.date | None


class AppointmentOut(Schema):
    id: int
    case_reference: str
    on: dt.date
    hours: Decimal
    with_whom: str
    kind: str | None
    outcome: str | None
    activity: str | None = Field(description="What the contact was for, if given.")


class ResultOut(Schema):
    substance: str
    result: str
    confirmed: bool | None


class DrugTestOut(Schema):
    id: int
    on: dt.date
    outcome: str
    results: list[ResultOut]


class DatedOut(Schema):
    on: dt.date


class ReviewOut(Schema):
    on: dt.date
    hearing: bool


class CaseSummaryOut(Schema):
    reference: str
    area: str
    referred_on: dt.date
    order: OrderOut | None


class CaseListOut(Schema):
    count: int
    items: list[CaseSummaryOut]


class CaseOut(Schema):
    """A case; each part is null where the client's role does not see it."""

    reference: str
    area: str
    referred_on: dt.date
    referral_source: str
    order: OrderOut | None
    person: PersonOut | None
    appointments: list[AppointmentOut] | None
    tests: list[DrugTestOut] | None
    warnings: list[DatedOut] | None
    breaches: list[DatedOut] | None
    reviews: list[ReviewOut] | None


class AppointmentIn(Schema):
    case_reference: str = Field(pattern=REFERENCE)
    on: dt.date
    # As sent (a number or text), so that the service's message quotes it as the client wrote it.
    hours: float | str = Field(description="Contact hours, more than 0, at most 12, in hundredths.")
    kind: str | None = Field(None, pattern=CODE, description="appointment_kind code")
    outcome: str | None = Field(
        None, pattern=CODE, description="attendance_outcome code, once it has happened"
    )
    # No pattern: the service's own check (check_activity) refuses a word not in the list,
    # with the same message the appointment page gives.
    activity: str | None = Field(
        None,
        max_length=40,
        description="What the contact is for (contact hours are reported by it): "
        + ", ".join(CONTACT_ACTIVITIES)
        + ".",
    )


class AttendanceIn(Schema):
    outcome: str = Field(pattern=CODE, description="attendance_outcome code, e.g. ATTC")


class DrugTestIn(Schema):
    case_reference: str = Field(pattern=REFERENCE)
    sample_id: str = Field(pattern=SAMPLE_ID, description="The laboratory's own sample id.")
    on: dt.date = Field(description="The day the sample was taken.")
    results: dict[str, str] = Field(
        description="Result by substance code: positive or negative.",
        json_schema_extra={"additionalProperties": {"type": "string"}},
    )
    confirmed: dict[str, bool] = Field(
        default_factory=dict, description="Laboratory confirmation of positives, by substance."
    )
    reason: str | None = Field(
        None,
        max_length=2000,
        description="Why the results differ from those first sent for this sample "
        "(required for a correction).",
    )


class DrugTestAnswer(Schema):
    case_reference: str
    sample_id: str
    received: str = Field(description="recorded, unchanged, confirmed or corrected")
    test: DrugTestOut


class ReportQuery(Schema):
    from_: dt.date | None = Field(None, alias="from", ge=EARLIEST, le=LATEST)
    to: dt.date | None = Field(None, ge=EARLIEST, le=LATEST)
    as_of: dt.date | None = Field(None, ge=EARLIEST, le=LATEST)


class EvaluationQuery(Schema):
    as_of: dt.date | None = Field(None, ge=EARLIEST, le=LATEST)
    evidence: bool = False


class CaseQuery(Schema):
    reference_starts: str | None = Field(None, pattern=REFERENCE)
    running_on: dt.date | None = Field(None, ge=EARLIEST, le=LATEST)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class ExportQuery(Schema):
    as_of: dt.date | None = Field(
        None, ge=EARLIEST, le=LATEST, description="The record as known on this day (today)."
    )

"""The treatment-data export in the style of the National Drug Treatment Monitoring System.

One row per person per treatment episode, where an episode is one Order's treatment: what a
treatment provider would submit for people on an Order. The columns follow the names and
order of the NDTMS core data set CSV as far as dtto's record can fill them; what it cannot
supply is left blank and said so (docs/ndtms-export.md, which a test keeps in step with
:data:`COLUMNS`). Everything the export maps is here, as data: the column list, the code
mappings (sex, ethnic category, drug, referral source) and the rule from a termination to a
discharge reason. ``dtto export --ndtms`` writes it; ``GET /api/v1/exports/ndtms`` serves it.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import astuple, dataclass
from typing import IO, NamedTuple

from django.db.models import F, Max, Min, Q, QuerySet

from dtto.cases.models import Order
from dtto.cases.timeline import evaluate_orders
from dtto.lib.spreadsheet import neutralise_row
from dtto.standards.engine import Evaluation

DATE_FORMAT = "%d/%m/%Y"  # NDTMS submissions write dates day first


class Column(NamedTuple):
    name: str
    meaning: str
    from_record: str  # where dtto takes the value from, or why it is blank


# In the order the CSV has them. The DTTO_ columns at the end are dtto's own, for what an
# NDTMS row has no place for; a submission can drop them.
COLUMNS: tuple[Column, ...] = (
    Column("AGNCY", "Treatment agency code", "the code of the Order's treatment provider"),
    Column(
        "CLIENTID",
        "The provider's identifier of the client, the same in every episode",
        "DTTO-P and dtto's number for the person",
    ),
    Column("EPISODEID", "The provider's identifier of the episode", "the case reference"),
    Column("FINITIAL", "First initial", "first letter of the first word of the name"),
    Column("SINITIAL", "Surname initial", "first letter of the last word of the name"),
    Column("DOB", "Date of birth", "the person's date of birth"),
    Column("SEX", "Sex, NHS Data Dictionary person stated gender code", "the person's sex"),
    Column("ETHNIC", "Ethnic category, NHS Data Dictionary (2001 census)", "ethnicity"),
    Column("NATION", "Nationality", "not recorded by dtto: blank"),
    Column("DAT", "Drug action team of residence", "not recorded by dtto: blank"),
    Column("PC", "Postcode of residence", "not recorded by dtto: blank"),
    Column("DRUG1", "Main problem substance", "the person's main drug"),
    Column("REFLD", "Date referred to treatment", "the day of the referral for a DTTO"),
    Column("RFLS", "Referral source", "the referral source, mapped below"),
    Column("TRIAGED", "Triage date", "the day the assessment of suitability was completed"),
    Column("MODAL", "Treatment modality", "not recorded by dtto: blank"),
    Column(
        "MODAL_START",
        "Date the modality started",
        "the first treatment appointment attended on the Order",
    ),
    Column(
        "MODAL_END",
        "Date the modality ended",
        "the last treatment appointment attended, once the Order has ended",
    ),
    Column("DISD", "Discharge date", "the day the Order was terminated"),
    Column("DISRSN", "Discharge reason", "from the termination, by the rule below"),
    Column("DTTO_AREA", "dtto: probation area", "the case's probation area code"),
    Column("DTTO_ORDER_MADE", "dtto: the day the Order was made", "the Order"),
    Column("DTTO_TERMINATION", "dtto: termination reason code", "the termination"),
    Column(
        "DTTO_SUCCESSFUL",
        "dtto: Y for a successful completion, N otherwise, blank while the Order runs",
        "the National Standard engine (completed or ended early, not in breach)",
    ),
)
HEADER: tuple[str, ...] = tuple(c.name for c in COLUMNS)

# dtto's sex codes (codelists.SEX) to the NHS Data Dictionary's person stated gender code.
SEX: dict[str, str] = {"M": "1", "F": "2", "N": "X"}

# dtto's 2001-census ethnicity codes (codelists.ETHNICITY) to the NHS ethnic category letter.
ETHNIC: dict[str, str] = {
    "W1": "A",
    "W2": "B",
    "W9": "C",
    "M1": "D",
    "M2": "E",
    "M3": "F",
    "M9": "G",
    "A1": "H",
    "A2": "J",
    "A3": "K",
    "A9": "L",
    "B1": "M",
    "B2": "N",
    "B9": "P",
    "O1": "R",
    "O9": "S",
    "NS": "Z",
}

# dtto's drug codes (codelists.DRUG) to NDTMS-style substance wording.
DRUG: dict[str, str] = {
    "heroin": "Heroin",
    "crack": "Crack cocaine",
    "cocaine": "Cocaine (excluding crack)",
    "methadone": "Methadone - illicitly obtained",
    "amphetamines": "Amphetamines (excluding ecstasy)",
    "benzodiazepines": "Benzodiazepines",
    "cannabis": "Cannabis",
    "alcohol": "Alcohol",
    "other": "Other drug",
}

# dtto's referral sources (codelists.REFERRAL_SOURCE): everyone in this export came to
# treatment through the criminal justice system; the source says through which part of it.
REFERRAL_SOURCE: dict[str, str] = {
    "court": "Criminal justice - court",
    "probation": "Criminal justice - probation",
    "police": "Criminal justice - police",
    "arrest_referral": "Criminal justice - arrest referral",
    "prison": "Criminal justice - prison",
    "other": "Criminal justice - other",
}

# NDTMS-style discharge reasons.
COMPLETED = "Treatment completed"
TRANSFERRED_IN_CUSTODY = "Transferred - in custody"
TRANSFERRED_NOT_IN_CUSTODY = "Transferred - not in custody"
DROPPED_OUT = "Incomplete - dropped out"
DIED = "Incomplete - client died"
INCOMPLETE_OTHER = "Incomplete - other"

# An Order that did not end successfully, with no onward treatment or custody handover
# recorded, by dtto's termination meaning (codelists.TERMINATION_REASON). Completed or ended
# early but in breach on the day (an expiry with a warrant outstanding, 3.3) is a drop-out.
UNSUCCESSFUL_DISCHARGE: dict[str, str] = {
    "completed": DROPPED_OUT,
    "early_good_progress": DROPPED_OUT,
    "revoked_non_compliance": DROPPED_OUT,
    "revoked_conviction": INCOMPLETE_OTHER,
    "ill_health": INCOMPLETE_OTHER,
    "other": INCOMPLETE_OTHER,
    "death": DIED,
}


def discharge_reason(
    reason: str, *, successful: bool, onward_treatment: bool, custody_handover: bool
) -> str:
    """The NDTMS-style discharge reason for an Order's termination.

    In this order: a death is a death; a handover to prison drug services is a transfer in
    custody, a referral for onward treatment a transfer not in custody (treatment goes on,
    which NDTMS counts as a transfer, not a completion); then a successful completion is
    "treatment completed", and anything else follows :data:`UNSUCCESSFUL_DISCHARGE`.
    """
    if reason == "death":
        return DIED
    if custody_handover:
        return TRANSFERRED_IN_CUSTODY
    if onward_treatment:
        return TRANSFERRED_NOT_IN_CUSTODY
    if successful:
        return COMPLETED
    return UNSUCCESSFUL_DISCHARGE.get(reason, INCOMPLETE_OTHER)


def initials(name: str) -> tuple[str, str]:
    """First initial and surname initial: first letters of the first and last words."""
    words = name.split()
    if not words:
        return "", ""
    return words[0][0].upper(), words[-1][0].upper()


def _day(value: dt.date | None) -> str:
    return value.strftime(DATE_FORMAT) if value is not None else ""


@dataclass(frozen=True)
class Episode:
    """One row of the export, its fields in the order of :data:`COLUMNS`."""

    agncy: str
    clientid: str
    episodeid: str
    finitial: str
    sinitial: str
    dob: str
    sex: str
    ethnic: str
    nation: str
    dat: str
    pc: str
    drug1: str
    refld: str
    rfls: str
    triaged: str
    modal: str
    modal_start: str
    modal_end: str
    disd: str
    disrsn: str
    dtto_area: str
    dtto_order_made: str
    dtto_termination: str
    dtto_successful: str

    def cells(self) -> tuple[str, ...]:
        return astuple(self)


_ATTENDED_TREATMENT = Q(
    appointments__with_whom="treatment",
    appointments__outcome__meaning__in=("attended", "failed_to_comply"),
)


def known_on(orders: QuerySet[Order], as_of: dt.date) -> QuerySet[Order]:
    """The Orders that have a row as known on ``as_of``: those made by then, by reference."""
    return orders.filter(made_on__lte=as_of).order_by("case__reference")


def episodes(orders: QuerySet[Order], as_of: dt.date, chunk_size: int = 500) -> Iterator[Episode]:
    """The export's rows for these Orders, in case reference order, as known on ``as_of``."""
    ids = list(known_on(orders, as_of).values_list("pk", flat=True))
    for start in range(0, len(ids), chunk_size):
        yield from _chunk(ids[start : start + chunk_size], as_of)


def _chunk(ids: list[int], as_of: dt.date) -> Iterator[Episode]:
    rows = (
        Order.objects.filter(pk__in=ids)
        .select_related(
            "case__person__sex",
            "case__person__ethnicity",
            "case__person__main_drug",
            "case__referral_source",
            "case__area",
            "case__assessment",
            "treatment_provider",
            "termination__reason",
        )
        .annotate(
            first_treatment=Min(
                "appointments__on", filter=_ATTENDED_TREATMENT & Q(appointments__on__lte=as_of)
            ),
            last_treatment=Max(
                "appointments__on",
                filter=_ATTENDED_TREATMENT & Q(appointments__on__lte=F("terminated_on")),
            ),
        )
        .order_by("case__reference")
    )
    ended = [o.pk for o in rows if o.terminated_on is not None and o.terminated_on <= as_of]
    findings = evaluate_orders(ended, as_of)
    for order in rows:
        yield _episode(order, findings.get(order.pk), as_of)


def _episode(order: Order, evaluation: Evaluation | None, as_of: dt.date) -> Episode:
    case, person = order.case, order.case.person
    first, last = initials(person.name)
    assessment = getattr(case, "assessment", None)
    termination = getattr(order, "termination", None)
    if termination is not None and termination.on > as_of:
        termination = None
    ended = termination is not None
    finding = evaluation.termination if evaluation is not None else None
    successful = ended and finding is not None and finding.successful
    disrsn = ""
    if termination is not None:
        disrsn = discharge_reason(
            termination.reason.meaning,
            successful=successful,
            onward_treatment=bool(termination.onward_referral_to),
            custody_handover=termination.custody_handover_on is not None,
        )
    provider = order.treatment_provider
    main_drug = person.main_drug
    return Episode(
        agncy=provider.code if provider else "",
        clientid=f"DTTO-P{person.pk}",
        episodeid=case.reference,
        finitial=first,
        sinitial=last,
        dob=_day(person.date_of_birth),
        # A code added in the admin after this mapping was written is left blank, not guessed.
        sex=SEX.get(person.sex.code, ""),
        ethnic=ETHNIC.get(person.ethnicity.code, ""),
        nation="",
        dat="",
        pc="",
        drug1=DRUG.get(main_drug.code, "") if main_drug else "",
        refld=_day(case.referred_on),
        rfls=REFERRAL_SOURCE.get(case.referral_source.code, ""),
        triaged=_day(assessment.completed_on if assessment else None),
        modal="",
        modal_start=_day(getattr(order, "first_treatment", None)),
        modal_end=_day(getattr(order, "last_treatment", None) if ended else None),
        disd=_day(termination.on if termination else None),
        disrsn=disrsn,
        dtto_area=case.area.code,
        dtto_order_made=_day(order.made_on),
        dtto_termination=termination.reason.code if termination else "",
        dtto_successful=("Y" if successful else "N") if ended else "",
    )


def write_ndtms_csv(orders: QuerySet[Order], out: IO[str], *, as_of: dt.date) -> int:
    """Write the header and one row per episode; every cell neutralised against formulas."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    count = 0
    for episode in episodes(orders, as_of):
        writer.writerow(neutralise_row(list(episode.cells())))
        count += 1
    return count

"""The case file format ``dtto-case/1``: reading and exporting (importing: importing.py).

docs/case-format.md describes the format; ``schema/dtto-case-1.schema.json`` is its JSON
Schema. Export writes every field in a fixed order, so export -> import -> export gives the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from dtto.cases.models import (
    Appointment,
    Assessment,
    Breach,
    BreachHearing,
    Case,
    Code,
    ContactLevelChange,
    Conviction,
    CourtReview,
    DrugTest,
    DrugTestResult,
    FormalWarning,
    Order,
    Person,
    Suspension,
    Termination,
)
from dtto.lib.case_document import write_case_document
from dtto.standards.errors import RecordInvalid

FORMAT = "dtto-case/1"
# The order events of one day are written in; conviction last as it concerns the case.
EVENT_RANK = {
    "appointment": 0,
    "test": 1,
    "warning": 2,
    "breach": 3,
    "review": 4,
    "contact_level": 5,
    "suspension": 6,
    "termination": 7,
    "conviction": 8,
}


@cache
def schema() -> dict[str, Any]:
    text = (
        resources.files("dtto.cases").joinpath("schema/dtto-case-1.schema.json").read_text("utf-8")
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def read_case_file(path: str | Path) -> dict[str, Any]:
    """Parse a case file, naming the file and the place in it on any error."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RecordInvalid.one(str(path), f"cannot read the file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise RecordInvalid.one(str(path), "is not UTF-8 text") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordInvalid.one(
            str(path), f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    except RecursionError:
        raise RecordInvalid.one(str(path), "not JSON dtto can read: nested too deeply") from None
    except ValueError as exc:  # a number of thousands of digits
        raise RecordInvalid.one(str(path), f"not JSON dtto can read: {str(exc)[:200]}") from None
    if not isinstance(document, dict):
        raise RecordInvalid.one(str(path), "must hold a JSON object with format and cases")
    return document


# --- Export --------------------------------------------------------------------------------


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _hours(hours: Decimal) -> float:
    return float(hours)


def export_case_document(cases: QuerySet[Case]) -> dict[str, Any]:
    """The document for these cases, every field written, in reference order."""
    return {"format": FORMAT, "cases": list(iter_exported_cases(cases))}


def iter_exported_cases(cases: QuerySet[Case], chunk_size: int = 500) -> Iterator[dict[str, Any]]:
    """Each case's document, in reference order, read a chunk of cases at a time.

    Reads plain values, one query per kind of record for the whole chunk, as the engine's
    database adapter does: building a model instance for every event made export slower
    than import (docs/performance.md).
    """
    codes = {c.pk: c for c in Code.objects.all()}
    ids = list(cases.order_by("reference").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk_size):
        yield from _ExportChunk(ids[start : start + chunk_size], codes).cases()


def _grouped(rows: Iterable[tuple[Any, ...]]) -> dict[Any, list[tuple[Any, ...]]]:
    """Rows keyed by their first value, the rest of each row in order."""
    grouped: dict[Any, list[tuple[Any, ...]]] = {}
    for key, *rest in rows:
        grouped.setdefault(key, []).append(tuple(rest))
    return grouped


class _ExportChunk:
    """Everything recorded on a chunk of cases, read with one query per kind of record."""

    def __init__(self, case_ids: list[int], codes: Mapping[int, Code]) -> None:
        self.codes = codes
        self.case_rows = list(
            Case.objects.filter(pk__in=case_ids)
            .order_by("reference")
            .values_list(
                "pk",
                "reference",
                "area__code",
                "referred_on",
                "referral_source_id",
                "person_id",
                "person__name",
                "person__date_of_birth",
                "person__sex_id",
                "person__ethnicity_id",
                "person__accommodation_id",
                "person__main_drug_id",
                "person__mental_health_need",
            )
        )
        person_ids = [row[5] for row in self.case_rows]
        self.other_drugs = _grouped(
            Person.other_drugs.through.objects.filter(person_id__in=person_ids).values_list(
                "person_id", "code_id"
            )
        )
        self.assessments = {
            row[0]: row[1:]
            for row in Assessment.objects.filter(case_id__in=case_ids).values_list(
                "case_id",
                "started_on",
                "completed_on",
                "outcome",
                "reason_id",
                "recommended_intensity",
            )
        }
        self.orders = {
            row[1]: row
            for row in Order.objects.filter(case_id__in=case_ids).values_list(
                "pk",
                "case_id",
                "made_on",
                "length_months",
                "intensity",
                "court__code",
                "team__code",
                "case_manager__username",
                "treatment_provider__code",
            )
        }
        order_ids = [row[0] for row in self.orders.values()]
        by_order = {"order_id__in": order_ids}
        self.appointments = _grouped(
            Appointment.objects.filter(**by_order)
            .order_by("on", "id")
            .values_list("order_id", "pk", "on", "hours", "with_whom", "kind_id", "outcome_id")
        )
        self.tests = _grouped(
            DrugTest.objects.filter(**by_order)
            .order_by("on", "id")
            .values_list("order_id", "pk", "on", "outcome")
        )
        self.results = _grouped(
            DrugTestResult.objects.filter(test__order_id__in=order_ids)
            .order_by("id")
            .values_list("test_id", "pk", "substance_id", "result", "confirmed")
        )
        self.admitted = _grouped(
            DrugTest.admitted.through.objects.filter(drugtest__order_id__in=order_ids).values_list(
                "drugtest_id", "code_id"
            )
        )
        self.warnings = _grouped(
            FormalWarning.objects.filter(**by_order)
            .order_by("on", "id")
            .values_list("order_id", "pk", "on", "reason")
        )
        self.breaches = _grouped(
            Breach.objects.filter(**by_order)
            .order_by("on", "id")
            .values_list(
                "order_id",
                "pk",
                "on",
                "reason",
                "outcome_id",
                "decided_on",
                "warrant_issued_on",
                "warrant_executed_on",
            )
        )
        self.hearings = _grouped(
            BreachHearing.objects.filter(breach__order_id__in=order_ids)
            .order_by("on", "id")
            .values_list("breach_id", "on")
        )
        self.reviews = _grouped(
            CourtReview.objects.filter(**by_order)
            .order_by("on", "id")
            .values_list("order_id", "pk", "on", "hearing", "sat", "notes")
        )
        self.contact_levels = _grouped(
            ContactLevelChange.objects.filter(**by_order)
            .order_by("on", "id")
            .values_list("order_id", "pk", "on", "level")
        )
        self.suspensions = _grouped(
            Suspension.objects.filter(**by_order)
            .order_by("starts_on", "id")
            .values_list("order_id", "pk", "starts_on", "ends_on", "reason")
        )
        self.terminations = {
            row[0]: row[1:]
            for row in Termination.objects.filter(**by_order).values_list(
                "order_id",
                "pk",
                "on",
                "reason_id",
                "onward_referral_on",
                "onward_referral_to",
                "custody_handover_on",
            )
        }
        self.convictions = _grouped(
            Conviction.objects.filter(case_id__in=case_ids)
            .order_by("on", "id")
            .values_list("case_id", "pk", "on", "offence_on", "offence")
        )

    def code(self, pk: int | None) -> str | None:
        return self.codes[pk].code if pk is not None else None

    def sorted_codes(self, pks: Iterable[int]) -> list[str]:
        chosen = [self.codes[pk] for pk in pks]
        return [c.code for c in sorted(chosen, key=lambda c: (c.sort_order, c.code))]

    def cases(self) -> Iterator[dict[str, Any]]:
        for row in self.case_rows:
            yield self.case(row)

    def case(self, row: tuple[Any, ...]) -> dict[str, Any]:
        (case_id, reference, area, referred_on, source_id, person_id, name, born) = row[:8]
        sex_id, ethnicity_id, accommodation_id, main_drug_id, mental_health_need = row[8:]
        document: dict[str, Any] = {
            "reference": reference,
            "area": area,
            "person": {
                "name": name,
                "date_of_birth": _date(born),
                "sex": self.code(sex_id),
                "ethnicity": self.code(ethnicity_id),
                "accommodation": self.code(accommodation_id),
                "main_drug": self.code(main_drug_id),
                "other_drugs": self.sorted_codes(
                    pk for (pk,) in self.other_drugs.get(person_id, [])
                ),
                "mental_health_need": mental_health_need,
            },
            "referral": {"on": _date(referred_on), "source": self.code(source_id)},
            "assessment": None,
            "order": None,
            "events": [],
        }
        assessment = self.assessments.get(case_id)
        if assessment is not None:
            started, completed, outcome, reason_id, recommended = assessment
            document["assessment"] = {
                "started_on": _date(started),
                "completed_on": _date(completed),
                "outcome": outcome,
                "reason": self.code(reason_id),
                "recommended_intensity": recommended or None,
            }
        events: list[tuple[tuple[str, int, int], dict[str, Any]]] = []
        order = self.orders.get(case_id)
        if order is not None:
            order_id, _, made_on, length, intensity, court, team, manager, provider = order
            document["order"] = {
                "made_on": _date(made_on),
                "length_months": length,
                "intensity": intensity,
                "court": court,
                "team": team,
                "case_manager": manager,
                "treatment_provider": provider,
            }
            events.extend(self.order_events(order_id))
        for pk, on, offence_on, offence in self.convictions.get(case_id, []):
            events.append(
                (
                    (on.isoformat(), EVENT_RANK["conviction"], pk),
                    {
                        "type": "conviction",
                        "on": _date(on),
                        "offence_on": _date(offence_on),
                        "offence": offence or None,
                    },
                )
            )
        events.sort(key=lambda pair: pair[0])
        document["events"] = [event for _, event in events]
        return document

    def order_events(self, order_id: int) -> Iterator[tuple[tuple[str, int, int], dict[str, Any]]]:
        def key(kind: str, day: dt.date, pk: int) -> tuple[str, int, int]:
            return (day.isoformat(), EVENT_RANK[kind], pk)

        codes = self.codes
        for pk, on, hours, with_whom, kind_id, outcome_id in self.appointments.get(order_id, []):
            yield (
                key("appointment", on, pk),
                {
                    "type": "appointment",
                    "on": _date(on),
                    "hours": _hours(hours),
                    "with": with_whom,
                    "kind": self.code(kind_id),
                    "outcome": codes[outcome_id].meaning if outcome_id else "not_recorded",
                    "outcome_code": self.code(outcome_id),
                },
            )
        for pk, on, outcome in self.tests.get(order_id, []):
            results = sorted(self.results.get(pk, []), key=lambda r: (codes[r[1]].sort_order, r[0]))
            yield (
                key("test", on, pk),
                {
                    "type": "test",
                    "on": _date(on),
                    "outcome": outcome,
                    "results": {
                        codes[substance].code: result for _, substance, result, _ in results
                    },
                    "confirmed": {
                        codes[substance].code: confirmed
                        for _, substance, _, confirmed in results
                        if confirmed is not None
                    },
                    "admitted": self.sorted_codes(code for (code,) in self.admitted.get(pk, [])),
                },
            )
        for pk, on, reason in self.warnings.get(order_id, []):
            yield (
                key("warning", on, pk),
                {"type": "warning", "on": _date(on), "reason": reason or None},
            )
        for pk, on, reason, outcome_id, decided, issued, executed in self.breaches.get(
            order_id, []
        ):
            yield (
                key("breach", on, pk),
                {
                    "type": "breach",
                    "on": _date(on),
                    "reason": reason or None,
                    "outcome": codes[outcome_id].meaning,
                    "outcome_code": self.code(outcome_id),
                    "decided_on": _date(decided),
                    "hearings": [_date(day) for (day,) in self.hearings.get(pk, [])],
                    "warrant_issued_on": _date(issued),
                    "warrant_executed_on": _date(executed),
                },
            )
        for pk, on, hearing, sat, notes in self.reviews.get(order_id, []):
            yield (
                key("review", on, pk),
                {
                    "type": "review",
                    "on": _date(on),
                    "hearing": hearing,
                    "sat": [name for name in sat.splitlines() if name.strip()],
                    "notes": notes or None,
                },
            )
        for pk, on, level in self.contact_levels.get(order_id, []):
            yield (
                key("contact_level", on, pk),
                {"type": "contact_level", "on": _date(on), "level": level},
            )
        for pk, starts, ends, reason in self.suspensions.get(order_id, []):
            yield (
                key("suspension", starts, pk),
                {
                    "type": "suspension",
                    "from": _date(starts),
                    "to": _date(ends),
                    "reason": reason,
                },
            )
        termination = self.terminations.get(order_id)
        if termination is not None:
            pk, on, reason_id, onward_on, onward_to, handover = termination
            yield (
                key("termination", on, pk),
                {
                    "type": "termination",
                    "on": _date(on),
                    "reason": self.code(reason_id),
                    "onward_referral_on": _date(onward_on),
                    "onward_referral_to": onward_to or None,
                    "custody_handover_on": _date(handover),
                },
            )


def dump_case_document(document: Mapping[str, Any]) -> str:
    """The canonical text of a document: what ``dtto export`` writes (one case a line)."""
    out = io.StringIO()
    write_case_document(document["cases"], out, exported_at=document.get("exported_at"))
    return out.getvalue()


def write_case_file(cases: QuerySet[Case], out: Any) -> int:
    """Stream the document for these cases to a text file; returns how many cases."""
    return write_case_document(iter_exported_cases(cases), out)

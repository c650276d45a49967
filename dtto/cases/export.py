"""Export: case records as a ``dtto-case/1`` case file (docs/case-format.md).

Every field is written, in a fixed order, events sorted by day and then in the format's
same-day order (:mod:`dtto.caseformat`), so export -> import -> export gives the same bytes,
and exporting what ``dtto simulate`` wrote and was imported gives that file back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import IO, Any

from django.db.models import QuerySet

from dtto.caseformat import FORMAT, sort_events, write_document
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
    ReviewReport,
    Suspension,
    Termination,
)
from dtto.standards.validation import REPORT_SECTIONS


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
    # Sorted here, by code point, not by the database: PostgreSQL's collation may ignore the
    # hyphens in references, and the same records must give the same bytes on any database.
    references = sorted(cases.values_list("reference", "pk"))
    ids = [pk for _, pk in references]
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
        self.case_rows = sorted(
            Case.objects.filter(pk__in=case_ids).values_list(
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
            ),
            key=lambda row: row[1],  # by reference, as iter_exported_cases orders the chunks
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
                "psr_requested_on",
                "adjourned_on",
                "psr_delivered_on",
                "health_assessment_recommended",
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
                "against_assessment_advice",
                "against_advice_reason",
            )
        }
        order_ids = [row[0] for row in self.orders.values()]
        by_order = {"order_id__in": order_ids}
        self.appointments = _grouped(
            Appointment.objects.filter(**by_order)
            .order_by("on", "id")
            .values_list(
                "order_id", "pk", "on", "hours", "with_whom", "kind_id", "outcome_id", "activity"
            )
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
        self.review_reports = _grouped(
            ReviewReport.objects.filter(**by_order)
            .order_by("review_due", "id")
            .values_list(
                "order_id",
                "pk",
                "review_due",
                "period_from",
                "period_to",
                "status",
                "tests_summary",
                "attendance_summary",
                "provider_view",
                "assessment",
                "proposal",
                "sent_on",
                "court_feedback",
                "court_feedback_on",
                "court_feedback_notes",
            )
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
                "treatment_started_on",
                "treatment_setting",
                "treatment_intensity",
                "custody_handover_received_on",
            )
        }
        self.convictions = _grouped(
            Conviction.objects.filter(case_id__in=case_ids)
            .order_by("on", "id")
            .values_list("case_id", "pk", "on", "offence_on", "offence", "seriousness")
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
            started, completed, outcome, reason_id, recommended = assessment[:5]
            requested, adjourned, delivered, health = assessment[5:]
            document["assessment"] = {
                "started_on": _date(started),
                "completed_on": _date(completed),
                "outcome": outcome,
                "reason": self.code(reason_id),
                "recommended_intensity": recommended or None,
                "psr_requested_on": _date(requested),
                "adjourned_on": _date(adjourned),
                "psr_delivered_on": _date(delivered),
                "health_assessment_recommended": health,
            }
        events: list[dict[str, Any]] = []
        order = self.orders.get(case_id)
        if order is not None:
            order_id, _, made_on, length, intensity, court, team, manager, provider = order[:9]
            against_advice, against_advice_reason = order[9:]
            document["order"] = {
                "made_on": _date(made_on),
                "length_months": length,
                "intensity": intensity,
                "court": court,
                "team": team,
                "case_manager": manager,
                "treatment_provider": provider,
                "against_assessment_advice": against_advice,
                "against_advice_reason": against_advice_reason or None,
            }
            events.extend(self.order_events(order_id))
        for _, on, offence_on, offence, seriousness in self.convictions.get(case_id, []):
            events.append(
                {
                    "type": "conviction",
                    "on": _date(on),
                    "offence_on": _date(offence_on),
                    "offence": offence or None,
                    "seriousness": seriousness or None,
                }
            )
        # Each kind was read in (day, id) order, so ties on a day keep the order recorded.
        document["events"] = sort_events(events)
        return document

    def order_events(self, order_id: int) -> Iterator[dict[str, Any]]:
        codes = self.codes
        for _, on, hours, with_whom, kind_id, outcome_id, activity in self.appointments.get(
            order_id, []
        ):
            yield {
                "type": "appointment",
                "on": _date(on),
                "hours": _hours(hours),
                "with": with_whom,
                "kind": self.code(kind_id),
                "outcome": codes[outcome_id].meaning if outcome_id else "not_recorded",
                "outcome_code": self.code(outcome_id),
                "activity": activity or None,
            }
        for pk, on, outcome in self.tests.get(order_id, []):
            results = sorted(self.results.get(pk, []), key=lambda r: (codes[r[1]].sort_order, r[0]))
            yield {
                "type": "test",
                "on": _date(on),
                "outcome": outcome,
                "results": {codes[substance].code: result for _, substance, result, _ in results},
                "confirmed": {
                    codes[substance].code: confirmed
                    for _, substance, _, confirmed in results
                    if confirmed is not None
                },
                "admitted": self.sorted_codes(code for (code,) in self.admitted.get(pk, [])),
            }
        for _, on, reason in self.warnings.get(order_id, []):
            yield {"type": "warning", "on": _date(on), "reason": reason or None}
        for pk, on, reason, outcome_id, decided, issued, executed in self.breaches.get(
            order_id, []
        ):
            yield {
                "type": "breach",
                "on": _date(on),
                "reason": reason or None,
                "outcome": codes[outcome_id].meaning,
                "outcome_code": self.code(outcome_id),
                "decided_on": _date(decided),
                "hearings": [_date(day) for (day,) in self.hearings.get(pk, [])],
                "warrant_issued_on": _date(issued),
                "warrant_executed_on": _date(executed),
            }
        for _, on, hearing, sat, notes in self.reviews.get(order_id, []):
            yield {
                "type": "review",
                "on": _date(on),
                "hearing": hearing,
                "sat": [name for name in sat.splitlines() if name.strip()],
                "notes": notes or None,
            }
        for (
            _,
            due,
            period_from,
            period_to,
            status,
            *sections,
            sent_on,
            rating,
            rated_on,
            notes,
        ) in self.review_reports.get(order_id, []):
            yield {
                "type": "review_report",
                "review_due": _date(due),
                "period_from": _date(period_from),
                "period_to": _date(period_to),
                "status": status,
                **{
                    name: text or None for name, text in zip(REPORT_SECTIONS, sections, strict=True)
                },
                "sent_on": _date(sent_on),
                "court_feedback": (
                    {"feedback": rating, "on": _date(rated_on), "notes": notes or None}
                    if rating
                    else None
                ),
            }
        for _, on, level in self.contact_levels.get(order_id, []):
            yield {"type": "contact_level", "on": _date(on), "level": level}
        for _, starts, ends, reason in self.suspensions.get(order_id, []):
            yield {"type": "suspension", "from": _date(starts), "to": _date(ends), "reason": reason}
        termination = self.terminations.get(order_id)
        if termination is not None:
            _, on, reason_id, onward_on, onward_to, handover = termination[:6]
            started, setting, intensity, received = termination[6:]
            yield {
                "type": "termination",
                "on": _date(on),
                "reason": self.code(reason_id),
                "onward_referral_on": _date(onward_on),
                "onward_referral_to": onward_to or None,
                "custody_handover_on": _date(handover),
                "treatment_started_on": _date(started),
                "treatment_setting": setting or None,
                "treatment_intensity": intensity or None,
                "custody_handover_received_on": _date(received),
            }


def write_case_file(cases: QuerySet[Case], out: IO[str], *, exported_at: str | None = None) -> int:
    """Stream the document for these cases to a text file; returns how many cases."""
    return write_document(iter_exported_cases(cases), out, exported_at=exported_at)

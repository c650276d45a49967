"""Importing case files in the ``dtto-case/1`` format (docs/case-format.md).

Import is all-or-nothing per document: every case is checked first (the schema, then the
pure checks of dtto.standards.validation, which the services and ``dtto evaluate`` use too)
and nothing is written unless all pass. A case whose reference is already recorded is left
exactly as it is and reported as unchanged. The checked rows are then written in one
transaction at the database's bulk speed (COPY on PostgreSQL, batched inserts on SQLite),
and imports are serialised so that two at once never fail halfway (:func:`_import_transaction`).
"""

from __future__ import annotations

import datetime as dt
import operator
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
from django.db import OperationalError, connection, models, transaction
from django.utils import timezone

from dtto.accounts.models import Area, Court, Team, TreatmentProvider, User
from dtto.audit.models import AuditEvent
from dtto.audit.services import as_actor
from dtto.caseformat import FORMAT, CaseFileError, case_conforms, load_document, schema
from dtto.cases.codelists import DEFAULT_ATTENDANCE_CODE
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
from dtto.cases.services.common import By
from dtto.cases.services.order import check_order_case_manager
from dtto.cases.services.referral import assessment_reason_lists
from dtto.cases.signals import orders_changed, referrals_changed
from dtto.cases.validation import CodeBook
from dtto.events import case_events
from dtto.lib.bulk import insert_rows
from dtto.lib.dates import add_months
from dtto.lib.memory import cyclic_gc_paused
from dtto.standards.errors import Checker, FieldError, RecordInvalid
from dtto.standards.validation import (
    OrderWindow,
    check_activity,
    check_aftercare,
    check_appointment,
    check_assessment,
    check_breach_dates,
    check_breach_outcome,
    check_code_meaning,
    check_contact_level,
    check_conviction,
    check_health_assessment,
    check_in_area,
    check_order,
    check_order_assessment,
    check_pre_sentence_report,
    check_reference,
    check_referral_dates,
    check_review,
    check_review_report,
    check_suspension,
    check_termination,
    check_test,
    check_text,
    coerce_date,
    scheduled_review_dues,
    shown,
)

MAX_REPORTED_ERRORS = 100


def _json_path(parts: Iterable[object]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(document)"


def read_case_file(path: str | Path) -> dict[str, Any]:
    """Parse a case file, naming the file and the place in it on any error."""
    try:
        return load_document(path)
    except OSError as exc:
        raise RecordInvalid.one(str(path), f"cannot read the file: {exc.strerror}") from exc
    except CaseFileError as exc:
        raise RecordInvalid.one(str(path), exc.message) from exc


@cache
def _document_validator() -> jsonschema.Draft202012Validator:
    """Checks the document's own fields; each case is checked on its own (below)."""
    outline = dict(schema())
    outline["properties"] = {**schema()["properties"], "cases": {"type": "array"}}
    return jsonschema.Draft202012Validator(outline)


@cache
def _case_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$ref": "#/$defs/case", "$defs": schema()["$defs"]})


def schema_errors(document: Mapping[str, Any]) -> list[FieldError]:
    """Every way the document breaks the schema, each named by its place in the file."""
    errors = _errors(_document_validator(), document, ())
    if errors:
        return errors
    for index, case in enumerate(document["cases"]):
        # jsonschema walks a file of thousands of Orders far too slowly (about 100
        # microseconds an event); case_conforms passes a good case in a few. It only says
        # yes or no, so a case it refuses is checked again with jsonschema to name every fault.
        if not case_conforms(case):
            errors += _errors(_case_validator(), case, ("cases", index))
            if len(errors) >= MAX_REPORTED_ERRORS:
                break
    return errors[:MAX_REPORTED_ERRORS]


def _errors(
    validator: jsonschema.Draft202012Validator, instance: object, prefix: tuple[object, ...]
) -> list[FieldError]:
    errors: list[FieldError] = []
    for found in sorted(
        validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))
    ):
        # "one of: an order, or null" says little; name the deepest real problem instead.
        error = found
        while error.context:
            error = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
        found_error = FieldError(
            _json_path((*prefix, *error.absolute_path, *_missing_or_extra(error))),
            _schema_message(error),
        )
        # One bad event breaks every branch of the event schema in the same way: say it once.
        if not errors or (errors[-1].field, errors[-1].message) != (
            found_error.field,
            found_error.message,
        ):
            errors.append(found_error)
    return errors


def _missing_or_extra(error: jsonschema.ValidationError) -> tuple[str, ...]:
    """The field a "required" or "unknown field" error is about, to name it in the path."""
    if not isinstance(error.instance, Mapping):
        return ()
    if error.validator == "required":
        missing = [p for p in error.validator_value if p not in error.instance]
        return (missing[0],) if missing else ()
    if error.validator == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = sorted(str(k) for k in error.instance if k not in known)
        # A hostile file's key may be megabytes long, like any of its values.
        return (extra[0] if len(extra[0]) <= 40 else extra[0][:37] + "...",) if extra else ()
    return ()


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        return "is required"
    if error.validator == "additionalProperties":
        return "is not a field of the case format"
    if error.validator == "maxLength" and isinstance(error.instance, str):
        return f"must be at most {error.validator_value} characters, got {len(error.instance)}"
    if error.validator == "minLength" and isinstance(error.instance, str):
        return (
            "is required"
            if not error.instance
            else f"must be at least {error.validator_value} characters"
        )
    if (
        error.validator == "pattern"
        and error.absolute_path
        and error.absolute_path[-1] == "reference"
    ):
        # The pages' rule for a reference, so that both name the same fault the same way.
        check = Checker()
        check_reference(check, "reference", error.instance)
        return check.errors[0].message if check.errors else str(error.message)
    if error.validator == "pattern" and isinstance(error.instance, str):
        # The date pattern: the message coerce_date gives, so both name the fault alike.
        check = Checker()
        coerce_date(check, "on", error.instance)
        return check.errors[0].message if check.errors else str(error.message)
    if error.validator == "oneOf":
        return f"not a valid value: {shown(error.instance)}"
    if error.validator == "type":
        return f"{shown(error.instance)} is not of type {error.validator_value!r}"
    # jsonschema's own message starts with the value; quote it as every message does.
    message = str(error.message).replace(repr(error.instance), shown(error.instance), 1)
    # A hostile file may hold megabytes in one value, which the message would repeat whole.
    return message if len(message) <= 200 else message[:197] + "..."


# --- Import ----------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _good_day(text: str) -> dt.date | None:
    """The day a ``YYYY-MM-DD`` string names, if coerce_date takes it without fault."""
    return coerce_date(Checker(), "on", text)


def _date(check: Checker, field: str, value: object, *, required: bool = True) -> dt.date | None:
    """coerce_date, reading each distinct date string of a file once (a file of thousands of
    Orders holds hundreds of thousands of dates, a few thousand distinct ones)."""
    if type(value) is str and len(value) == 10:
        day = _good_day(value)
        if day is not None:
            return day
    # Not a date string, or a faulty one: coerce_date names the fault.
    return coerce_date(check, field, value, required=required)


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    order_ids: list[int] = field(default_factory=list)
    case_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"{len(self.created)} case(s) imported, {len(self.unchanged)} already recorded (nothing changed)"
        ]
        lines += [f"  {ref}: already recorded; nothing changed" for ref in self.unchanged[:20]]
        if len(self.unchanged) > 20:
            lines.append(f"  ... and {len(self.unchanged) - 20} more already recorded")
        return "\n".join(lines)


@dataclass
class _Reference:
    """Reference data and codes, loaded once per import."""

    codes: CodeBook
    areas: dict[str, Area]
    courts: dict[str, Court]
    teams: dict[str, Team]
    providers: dict[str, TreatmentProvider]
    users: dict[str, User]

    @classmethod
    def load(cls) -> _Reference:
        return cls(
            codes=CodeBook(),
            areas={a.code: a for a in Area.objects.all()},
            courts={c.code: c for c in Court.objects.select_related("area")},
            teams={t.code: t for t in Team.objects.select_related("area")},
            providers={p.code: p for p in TreatmentProvider.objects.select_related("area")},
            users={u.username: u for u in User.objects.select_related("area")},
        )


@dataclass
class _PlannedCase:
    """A checked case, with every value resolved, ready to be written."""

    source: Mapping[str, Any]
    area: Area
    person: dict[str, Any]
    other_drugs: list[Code]
    referred_on: dt.date
    referral_source: Code
    assessment: dict[str, Any] | None
    order: dict[str, Any] | None
    # (type, fields as the row holds them: codes by id, extras such as a test's results)
    events: list[tuple[str, dict[str, Any], dict[str, Any]]]


def import_case_document(
    document: Mapping[str, Any], *, by: By, today: dt.date | None = None, dry_run: bool = False
) -> ImportResult:
    """Import one case document, all or nothing; raises RecordInvalid naming every bad field."""
    with cyclic_gc_paused():
        return _import_document(document, by=by, today=today, dry_run=dry_run)


def _import_document(
    document: Mapping[str, Any], *, by: By, today: dt.date | None, dry_run: bool
) -> ImportResult:
    today = today if today is not None else timezone.localdate()
    errors = schema_errors(document)
    if errors:
        raise RecordInvalid(errors)
    cases: Sequence[Mapping[str, Any]] = document["cases"]
    result = ImportResult()
    check = Checker()
    references = [c["reference"] for c in cases]
    existing = set(
        Case.objects.filter(reference__in=references).values_list("reference", flat=True)
    )
    seen: set[str] = set()
    reference_data = _Reference.load()
    planned: list[_PlannedCase] = []
    for index, source in enumerate(cases):
        case_check = check.child(f"cases[{index}]")
        # A reference given twice is refused as a page refuses one already in use.
        reference = check_reference(
            case_check,
            "reference",
            source["reference"],
            in_use=seen,
            in_use_by=" by an earlier case in this file",
        )
        if reference is None:
            continue
        seen.add(reference)
        if reference in existing:
            result.unchanged.append(reference)
            continue
        plan = _check_case(case_check, reference_data, source, today)
        if plan is not None:
            planned.append(plan)
        if len(check.errors) >= MAX_REPORTED_ERRORS:
            break
    check.raise_if_any()
    if dry_run:
        result.created = [p.source["reference"] for p in planned]
        return result
    with _import_transaction():
        # Checked again under the transaction and the import lock: another import may have added a case meanwhile.
        raced = Case.objects.filter(reference__in=[p.source["reference"] for p in planned])
        if raced.exists():
            raise RecordInvalid.one(
                "cases",
                f"{raced.first()} was recorded while this file was being checked; import it again",
            )
        for chunk_start in range(0, len(planned), 500):
            _write_cases(planned[chunk_start : chunk_start + 500], by, result)
        if result.created:
            # One event for the batch, not one per historical record (docs/decisions/0008).
            case_events.cases_imported(
                cases=len(result.created),
                orders=len(result.order_ids),
                records=sum(len(plan.events) for plan in planned),
            )
        if result.order_ids:
            orders_changed.send(sender=Order, order_ids=result.order_ids)
        referrals_changed.send(sender=Case, case_ids=result.case_ids)
    return result


def _check_case(
    check: Checker, ref: _Reference, source: Mapping[str, Any], today: dt.date
) -> _PlannedCase | None:
    codes = ref.codes
    area = ref.areas.get(source.get("area", ""))
    if "area" not in source:
        check.add("area", "is required to import a case")
    elif area is None:
        check.add("area", f"unknown probation area {source['area']!r}")
    person_src = source.get("person")
    referral_src = source.get("referral")
    if person_src is None:
        check.add("person", "is required to import a case")
    if referral_src is None:
        check.add("referral", "is required to import a case")
    if person_src is None or referral_src is None:
        return None
    referred_on = _date(check, "referral.on", referral_src["on"])
    source_code = codes.resolve(
        check, "referral.source", "referral_source", referral_src["source"], on=referred_on
    )
    person_check = check.child("person")
    born = _date(person_check, "date_of_birth", person_src["date_of_birth"])
    check_referral_dates(
        check,
        born_field="person.date_of_birth",
        born=born,
        referred_field="referral.on",
        referred_on=referred_on,
        today=today,
    )
    person = {
        "name": check_text(person_check, "name", person_src["name"], required=True, max_length=200),
        "date_of_birth": born,
        "sex": codes.resolve(person_check, "sex", "sex", person_src["sex"], on=referred_on),
        "ethnicity": codes.resolve(
            person_check, "ethnicity", "ethnicity", person_src["ethnicity"], on=referred_on
        ),
        "accommodation": codes.resolve(
            person_check,
            "accommodation",
            "accommodation",
            person_src.get("accommodation"),
            on=referred_on,
            required=False,
        ),
        "main_drug": codes.resolve(
            person_check,
            "main_drug",
            "drug",
            person_src.get("main_drug"),
            on=referred_on,
            required=False,
        ),
        "mental_health_need": person_src.get("mental_health_need"),
    }
    other_drugs = [
        codes.resolve(person_check, f"other_drugs[{i}]", "drug", code, on=referred_on)
        for i, code in enumerate(person_src.get("other_drugs", []))
    ]
    assessment = None
    if source.get("assessment") and referred_on is not None:
        assessment = _check_assessment(
            check.child("assessment"), codes, source["assessment"], referred_on, today
        )
    order, window = _check_order(
        check.child("order"), ref, source.get("order"), area, born, referred_on, today
    )
    outcome = assessment["outcome"] if assessment is not None else None
    if order is not None and (outcome is not None or not source.get("assessment")):
        # The pages' rule (check_order_assessment): an Order follows an assessment that found
        # the person suitable, or records that it went against the advice, and why. An
        # assessment refused above has been reported already.
        order["against_advice_reason"] = check_order_assessment(
            check.child("order"),
            assessment_outcome=outcome,
            suitable=Assessment.Outcome.SUITABLE,
            against_advice=order["against_assessment_advice"],
            reason=source["order"].get("against_advice_reason"),
        )
    events = _check_events(
        check,
        codes,
        source.get("events", []),
        window,
        referred_on,
        today,
        has_order=source.get("order") is not None,
        intensity=(source.get("order") or {}).get("intensity"),
    )
    if not check.ok or area is None or referred_on is None or source_code is None:
        return None
    return _PlannedCase(
        source=source,
        area=area,
        person=person,
        other_drugs=[c for c in other_drugs if c is not None],
        referred_on=referred_on,
        referral_source=source_code,
        assessment=assessment,
        order=order,
        events=events,
    )


def _check_assessment(
    check: Checker,
    codes: CodeBook,
    source: Mapping[str, Any],
    referred_on: dt.date,
    today: dt.date,
) -> dict[str, Any]:
    reason_lists = assessment_reason_lists(codes)
    outcome, started, completed, reason = check_assessment(
        check,
        referred_on,
        today,
        outcome=source["outcome"],
        outcomes=Assessment.Outcome.values,
        started_on=source.get("started_on"),
        completed_on=source.get("completed_on"),
        reason=source.get("reason"),
        reason_lists=reason_lists,
        recommended_intensity=source.get("recommended_intensity") or "",
        suitable=Assessment.Outcome.SUITABLE,
    )
    requested, adjourned, delivered = check_pre_sentence_report(
        check,
        referred_on,
        today,
        requested_on=source.get("psr_requested_on"),
        adjourned_on=source.get("adjourned_on"),
        delivered_on=source.get("psr_delivered_on"),
    )
    health = check_health_assessment(
        check, outcome, reason, source.get("health_assessment_recommended")
    )
    return {
        "outcome": outcome,
        "started_on": started,
        "completed_on": completed,
        "reason": (
            codes.get(reason_lists[outcome][0], reason)
            if outcome is not None and reason is not None
            else None
        ),
        "recommended_intensity": source.get("recommended_intensity") or "",
        "psr_requested_on": requested,
        "adjourned_on": adjourned,
        "psr_delivered_on": delivered,
        "health_assessment_recommended": health,
    }


def _check_order(
    check: Checker,
    ref: _Reference,
    source: Mapping[str, Any] | None,
    area: Area | None,
    born: dt.date | None,
    referred_on: dt.date | None,
    today: dt.date,
) -> tuple[dict[str, Any] | None, OrderWindow | None]:
    if source is None:
        return None, None
    window = check_order(
        check,
        made_on=source["made_on"],
        length_months=source["length_months"],
        intensity=source["intensity"],
        born=born,
        referred_on=referred_on,
        today=today,
    )
    order: dict[str, Any] = {
        "made_on": window.made_on if window else None,
        "length_months": window.length_months if window else None,
        "intensity": source["intensity"],
        # Left out (as in every dtto-case/1 file) or null: the Order followed the advice.
        "against_assessment_advice": source.get("against_assessment_advice") or False,
        "against_advice_reason": "",
    }
    for key, table, label in (
        ("court", ref.courts, "court"),
        ("team", ref.teams, "team"),
        ("treatment_provider", ref.providers, "treatment provider"),
    ):
        code = source.get(key)
        found = table.get(code) if code else None
        if code and found is None:
            check.add(key, f"unknown {label} {code!r}")
        elif found is not None and area is not None:
            check_in_area(
                check,
                key,
                name=str(found),
                area=found.area.code,
                case_area=area.code,
                case_area_name=str(area),
            )
        order[key] = found
    manager_name = source.get("case_manager")
    order["case_manager"] = ref.users.get(manager_name) if manager_name else None
    if area is not None:
        check_order_case_manager(check, "case_manager", manager_name, order["case_manager"], area)
    return order, window


def _check_events(
    check: Checker,
    codes: CodeBook,
    events: Sequence[Mapping[str, Any]],
    window: OrderWindow | None,
    referred_on: dt.date | None,
    today: dt.date,
    *,
    has_order: bool,
    intensity: str | None = None,
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    terminations = [i for i, e in enumerate(events) if e["type"] == "termination"]
    for extra in terminations[1:]:
        check.add(f"events[{extra}]", "a second termination: an Order is terminated once")
    planned: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    termination: tuple[str, dict[str, Any], dict[str, Any]] | None = None
    reported: set[dt.date] = set()  # the reviews reported on so far: one report a review
    dues: frozenset[dt.date] | None = None  # the Order's review days, once a report needs them
    if window is not None and terminations:
        # The termination is checked first: it closes the window the other events must fall in.
        index = terminations[0]
        termination = _check_termination(
            check.child(f"events[{index}]"), codes, events[index], window
        )
        ends = termination[1]["on"]
        if ends is not None and window.made_on <= ends < window.natural_end_on:
            window = OrderWindow(window.made_on, window.length_months, ends, today)
    for index, event in enumerate(events):
        kind = event["type"]
        event_check = check.child(f"events[{index}]")
        if kind == "conviction":
            planned.append(_check_conviction(event_check, event, today))
            continue
        if window is None:
            # Without a readable Order there is nothing to check the event against; a case
            # with an Order that has errors has had them reported already.
            if not has_order:
                event_check.add("type", f"a {kind} event needs an Order, and this case has none")
            continue
        if kind == "termination":
            if termination is not None and index == terminations[0]:
                planned.append(termination)
            continue
        if kind == "review_report":
            if dues is None:
                dues = scheduled_review_dues(intensity or "", window.made_on, window.length_months)
            planned.append(_check_review_report(event_check, event, window, dues, reported))
            continue
        planned.append(_check_order_event(event_check, codes, kind, event, window, today))
    return planned


def _check_review_report(
    check: Checker,
    event: Mapping[str, Any],
    window: OrderWindow,
    dues: frozenset[dt.date],
    reported: set[dt.date],
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A review report and the court's feedback, by the checks the report's pages use."""
    due = _date(check, "review_due", event["review_due"])
    sent_on = _date(check, "sent_on", event.get("sent_on"), required=False)
    period_from = _date(check, "period_from", event["period_from"])
    period_to = _date(check, "period_to", event["period_to"])
    status, sections, feedback = check_review_report(
        check,
        window,
        review_due=due,
        period_from=period_from,
        period_to=period_to,
        status=event["status"],
        sent_on=sent_on,
        sections=event,
        court_feedback=event.get("court_feedback"),
        due_dates=dues,
        reported_dues=reported,
    )
    if due is not None:
        reported.add(due)
    feedback_on, rating, notes = feedback if feedback is not None else (None, "", "")
    fields = {
        "review_due": due,
        "period_from": period_from,
        "period_to": period_to,
        "status": status,
        **sections,
        # Not in the format: when the report was first drafted is when it came into dtto.
        "drafted_at": timezone.now(),
        "sent_on": sent_on,
        "court_feedback": rating or "",
        "court_feedback_notes": notes,
        "court_feedback_on": feedback_on,
    }
    return "review_report", fields, {}


def _check_conviction(
    check: Checker, event: Mapping[str, Any], today: dt.date
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    day = _date(check, "on", event["on"])
    offence_day = _date(check, "offence_on", event.get("offence_on"), required=False)
    band = check_conviction(check, today, day, offence_day, event.get("seriousness"))
    offence = check_text(check, "offence", event.get("offence"))
    fields = {"on": day, "offence_on": offence_day, "offence": offence, "seriousness": band}
    return "conviction", fields, {}


def _check_termination(
    check: Checker, codes: CodeBook, event: Mapping[str, Any], window: OrderWindow
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    day = _date(check, "on", event["on"])
    onward = _date(check, "onward_referral_on", event.get("onward_referral_on"), required=False)
    handover = _date(check, "custody_handover_on", event.get("custody_handover_on"), required=False)
    reason = check_termination(
        check,
        window,
        on=day,
        reason=event["reason"],
        reasons=codes.known("termination_reason"),
        onward_referral_on=onward,
        custody_handover_on=handover,
    )
    started, setting, intensity, received = check_aftercare(
        check,
        ended_on=day or window.made_on,
        today=window.today,
        treatment_started_on=event.get("treatment_started_on"),
        treatment_setting=event.get("treatment_setting"),
        treatment_intensity=event.get("treatment_intensity"),
        custody_handover_on=handover,
        custody_handover_received_on=event.get("custody_handover_received_on"),
    )
    fields = {
        "on": day,
        "reason": _code_id(codes.get("termination_reason", reason) if reason is not None else None),
        "onward_referral_on": onward,
        "onward_referral_to": check_text(
            check, "onward_referral_to", event.get("onward_referral_to")
        ),
        "custody_handover_on": handover,
        "treatment_started_on": started,
        "treatment_setting": setting,
        "treatment_intensity": intensity,
        "custody_handover_received_on": received,
    }
    return "termination", fields, {}


def _check_order_event(
    check: Checker,
    codes: CodeBook,
    kind: str,
    event: Mapping[str, Any],
    window: OrderWindow,
    today: dt.date,
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    if kind == "suspension":
        starts = _date(check, "from", event["from"])
        ends = _date(check, "to", event["to"])
        reason = check_suspension(check, window, starts, ends, event["reason"])
        return kind, {"starts_on": starts, "ends_on": ends, "reason": reason}, {}
    day = _date(check, "on", event["on"])
    if kind == "appointment":
        return _check_appointment(check, codes, event, window, day)
    if kind == "test":
        results, admitted = check_test(
            check,
            day,
            outcome=event["outcome"],
            results=event.get("results"),
            confirmed=event.get("confirmed"),
            admitted=event.get("admitted"),
            substances=codes.known("substance"),
        )
        window.check_day(check, "on", day)
        return (
            kind,
            {"on": day, "outcome": event["outcome"]},
            {
                "results": [
                    (codes.get("substance", code), result, confirmed)
                    for code, result, confirmed in results
                ],
                "admitted": [codes.get("substance", code) for code in admitted],
            },
        )
    if kind == "warning":
        window.check_day(check, "on", day)
        return kind, {"on": day, "reason": check_text(check, "reason", event.get("reason"))}, {}
    if kind == "breach":
        return _check_breach(check, codes, event, window, day, today)
    if kind == "review":
        hearing = check_review(check, window, on=day, hearing=event["hearing"])
        sat = [
            check_text(check, f"sat[{i}]", name, max_length=200)
            for i, name in enumerate(event.get("sat", []))
        ]
        notes = check_text(check, "notes", event.get("notes"))
        fields = {"on": day, "hearing": hearing, "sat": "\n".join(sat), "notes": notes}
        return kind, fields, {}
    if kind == "contact_level":
        level = check_contact_level(check, window, on=day, level=event["level"])
        return kind, {"on": day, "level": level}, {}
    raise AssertionError(f"event type {kind} passed the schema but has no checks")


def _check_appointment(
    check: Checker,
    codes: CodeBook,
    event: Mapping[str, Any],
    window: OrderWindow,
    day: dt.date | None,
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    outcome = event["outcome"]
    code_value = event.get("outcome_code") or DEFAULT_ATTENDANCE_CODE.get(outcome)
    code = codes.resolve(
        check, "outcome_code", "attendance_outcome", code_value, on=day, required=False
    )
    if code is not None:
        check_code_meaning(check, "outcome_code", code.code, code.meaning, outcome)
    kind_code = codes.resolve(
        check, "kind", "appointment_kind", event.get("kind"), on=day, required=False
    )
    hours = check_appointment(
        check,
        window,
        on=day,
        hours=event["hours"],
        with_whom=event["with"],
        has_outcome=code is not None,
        with_field="with",
    )
    fields = {
        "on": day,
        "hours": hours,
        "with_whom": event["with"],
        "kind": _code_id(kind_code),
        "outcome": _code_id(code),
        "activity": check_activity(check, "activity", event.get("activity")),
    }
    return "appointment", fields, {}


def _check_breach(
    check: Checker,
    codes: CodeBook,
    event: Mapping[str, Any],
    window: OrderWindow,
    day: dt.date | None,
    today: dt.date,
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    window.check_day(check, "on", day)
    decided = _date(check, "decided_on", event.get("decided_on"), required=False)
    outcome = check_breach_outcome(
        check, event["outcome"], decided, decided_given=event.get("decided_on") is not None
    )
    code = codes.resolve(
        check,
        "outcome_code",
        "breach_outcome",
        event.get("outcome_code") or event["outcome"],
        on=decided,
    )
    if code is not None:
        check_code_meaning(check, "outcome_code", code.code, code.meaning, outcome)
    hearings = [
        _date(check, f"hearings[{i}]", text) for i, text in enumerate(event.get("hearings", []))
    ]
    issued = _date(check, "warrant_issued_on", event.get("warrant_issued_on"), required=False)
    executed = _date(check, "warrant_executed_on", event.get("warrant_executed_on"), required=False)
    if day is not None:
        check_breach_dates(
            check,
            day,
            today,
            decided_on=decided,
            hearings=[(f"hearings[{i}]", h) for i, h in enumerate(hearings)],
            warrant_issued_on=issued,
            warrant_executed_on=executed,
        )
    fields = {
        "on": day,
        "reason": check_text(check, "reason", event.get("reason")),
        "outcome": _code_id(code),
        "decided_on": decided,
        "warrant_issued_on": issued,
        "warrant_executed_on": executed,
    }
    return "breach", fields, {"hearings": [h for h in hearings if h is not None]}


_EVENT_MODELS: dict[str, type[models.Model]] = {
    "appointment": Appointment,
    "test": DrugTest,
    "warning": FormalWarning,
    "breach": Breach,
    "review": CourtReview,
    "contact_level": ContactLevelChange,
    "suspension": Suspension,
    "termination": Termination,
    "conviction": Conviction,
    "review_report": ReviewReport,
}

# Imports are serialised: two at once would race on the case references and on the reports'
# rollup rows (an IntegrityError mid-write). On PostgreSQL the second waits for this
# transaction-scoped advisory lock; on SQLite the write lock is taken when the transaction
# begins, and a second import that cannot get it within the busy timeout is refused.
_IMPORT_LOCK_KEY = 0x4454544F  # "DTTO"


class ImportBusy(RecordInvalid):
    """Another import (or a change) held the database's write lock for too long."""


@contextmanager
def _import_transaction() -> Iterator[None]:
    """One transaction for the whole write, holding the import lock from its first statement."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK_KEY])
            yield
        return
    # SQLite transactions begin IMMEDIATE (dtto/settings.py), taking the write lock at once: an
    # import that cannot have it within the busy timeout is refused before it writes anything.
    atomic = transaction.atomic()
    try:
        atomic.__enter__()
    except OperationalError as exc:
        raise ImportBusy.one(
            "cases",
            "another import or change is writing to the database; nothing was imported: "
            "import the file again when it has finished",
        ) from exc
    try:
        yield
    except BaseException:
        atomic.__exit__(*sys.exc_info())  # rolls the import back
        raise
    else:
        atomic.__exit__(None, None, None)


def _write_cases(planned: list[_PlannedCase], by: By, result: ImportResult) -> None:
    people = Person.objects.bulk_create(Person(**p.person) for p in planned)
    insert_rows(
        Person.other_drugs.through,
        ["person", "code"],
        (
            (person.pk, code.pk)
            for person, plan in zip(people, planned, strict=True)
            for code in plan.other_drugs
        ),
    )
    cases = Case.objects.bulk_create(
        Case(
            reference=plan.source["reference"],
            person=person,
            area=plan.area,
            referred_on=plan.referred_on,
            referral_source=plan.referral_source,
        )
        for person, plan in zip(people, planned, strict=True)
    )
    Assessment.objects.bulk_create(
        Assessment(case=case, **plan.assessment)
        for case, plan in zip(cases, planned, strict=True)
        if plan.assessment is not None
    )
    with_orders = [
        (case, plan) for case, plan in zip(cases, planned, strict=True) if plan.order is not None
    ]
    orders = Order.objects.bulk_create(
        Order(
            case=case,
            natural_end_on=add_months(plan.order["made_on"], plan.order["length_months"]),  # type: ignore[index]
            terminated_on=next(
                (f["on"] for kind, f, _ in plan.events if kind == "termination"), None
            ),
            **plan.order,  # type: ignore[arg-type]
        )
        for case, plan in with_orders
    )
    order_by_case = {order.case_id: order.pk for order in orders}
    result.order_ids.extend(o.pk for o in orders)
    # Events are written as plain rows, never model instances: they are most of the file.
    events: dict[str, list[tuple[int, dict[str, Any], dict[str, Any]]]] = {
        kind: [] for kind in _EVENT_MODELS
    }
    for case, plan in zip(cases, planned, strict=True):
        for kind, fields, extras in plan.events:
            owner = case.pk if kind == "conviction" else order_by_case[case.pk]
            events[kind].append((owner, fields, extras))
    for kind, model in _EVENT_MODELS.items():
        owner_field = "case" if kind == "conviction" else "order"
        # Columns with a database default (a record's version) start at that default.
        names = [
            f.name
            for f in model._meta.concrete_fields
            if not f.primary_key and not f.has_db_default()  # type: ignore[attr-defined]
        ]
        values = [name for name in names if name != owner_field]
        # Drug tests and breaches have rows of their own (results, hearings) that need their
        # ids, so theirs are taken from the table's sequence before they are written.
        ids = _reserve_ids(model, len(events[kind])) if kind in ("test", "breach") else None
        take = operator.itemgetter(*values)  # every event model has two values or more
        insert_rows(
            model,
            (["id"] if ids is not None else []) + [owner_field, *values],
            (
                ((owner, *take(fields)) for owner, fields, _ in events[kind])
                if ids is None
                else (
                    (row_id, owner, *take(fields))
                    for row_id, (owner, fields, _) in zip(ids, events[kind], strict=True)
                )
            ),
        )
        if kind == "test" and ids is not None:
            _write_test_details(ids, [extras for _, _, extras in events[kind]])
        elif kind == "breach" and ids is not None:
            insert_rows(
                BreachHearing,
                ["breach", "on"],
                (
                    (breach_id, day)
                    for breach_id, (_, _, extras) in zip(ids, events[kind], strict=True)
                    for day in extras["hearings"]
                ),
            )
    actor = as_actor(by)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor.user,
            actor_label=actor.label,
            action="cases.case.imported",
            target_type="case",
            target_id=str(case.pk),
            case_reference=case.reference,
            after={"events": len(plan.events), "order": plan.order is not None},
            detail={"format": FORMAT},
        )
        for case, plan in zip(cases, planned, strict=True)
    )
    result.created.extend(case.reference for case in cases)
    result.case_ids.extend(case.pk for case in cases)


def _code_id(code: Code | None) -> int | None:
    """An event's code as its row holds it: events are written as plain values (_write_cases)."""
    return code.id if code is not None else None


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Ids for rows about to be written, which no other writer can take.

    On PostgreSQL they come from the table's own sequence; on SQLite the import holds the
    write lock (:func:`_import_transaction`), so the ids above the highest ever used are free.
    """
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # AUTOINCREMENT never reuses an id, even a deleted row's: start above both.
        cursor.execute(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"
            f" COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0))",
            [table],
        )
        highest = int(cursor.fetchone()[0])
    return list(range(highest + 1, highest + 1 + count))


def _write_test_details(test_ids: list[int], extras: list[dict[str, Any]]) -> None:
    insert_rows(
        DrugTestResult,
        ["test", "substance", "result", "confirmed"],
        (
            (test_id, code.pk, result, confirmed)
            for test_id, extra in zip(test_ids, extras, strict=True)
            for code, result, confirmed in extra["results"]
        ),
    )
    insert_rows(
        DrugTest.admitted.through,
        ["drugtest", "code"],
        (
            (test_id, code.pk)
            for test_id, extra in zip(test_ids, extras, strict=True)
            for code in extra["admitted"]
        ),
    )

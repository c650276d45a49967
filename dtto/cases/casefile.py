"""The case file format ``dtto-case/1``: reading, checking, importing and exporting.

docs/case-format.md describes the format; ``schema/dtto-case-1.schema.json`` is its JSON
Schema. Import is all-or-nothing per document: every case is checked first (the schema,
then the same rules the services apply) and nothing is written unless all pass. A case
whose reference is already recorded is left exactly as it is and reported as unchanged.
Export writes every field in a fixed order, so export -> import -> export gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from dtto.accounts.models import Area, Court, Team, TreatmentProvider, User
from dtto.audit.models import AuditEvent
from dtto.audit.services import Actor, as_actor
from dtto.cases.codelists import DEFAULT_ATTENDANCE_CODE
from dtto.cases.errors import Checker, FieldError, RecordInvalid
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
from dtto.cases.services import (
    check_assessment,
    check_breach_dates,
    check_conviction,
    check_suspension,
    check_test,
)
from dtto.cases.signals import orders_changed, referrals_changed
from dtto.cases.validation import (
    CodeBook,
    OrderWindow,
    check_not_future,
    coerce_date,
    coerce_hours,
    coerce_length,
    fmt,
)
from dtto.lib.case_document import write_case_document
from dtto.lib.dates import add_months

FORMAT = "dtto-case/1"
MAX_REPORTED_ERRORS = 100
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
By = User | Actor


@cache
def schema() -> dict[str, Any]:
    text = (
        resources.files("dtto.cases").joinpath("schema/dtto-case-1.schema.json").read_text("utf-8")
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _json_path(parts: Iterable[object]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(document)"


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
    if not isinstance(document, dict):
        raise RecordInvalid.one(str(path), "must hold a JSON object with format and cases")
    return document


@cache
def _document_validator() -> jsonschema.Draft202012Validator:
    """Checks the document's own fields; each case is checked on its own (below)."""
    outline = dict(schema())
    outline["properties"] = {**schema()["properties"], "cases": {"type": "array"}}
    return jsonschema.Draft202012Validator(outline)


@cache
def _case_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$ref": "#/$defs/case", "$defs": schema()["$defs"]})


@cache
def _fast_case_check() -> Any:
    # jsonschema walks a file of thousands of Orders far too slowly (about 100 microseconds an
    # event); fastjsonschema compiles the same schema to Python and passes a good case in a
    # fraction of that. It stops at the first problem, so a case it refuses is checked again
    # with jsonschema to name every problem.
    return fastjsonschema.compile({"$ref": "#/$defs/case", "$defs": schema()["$defs"]})


def schema_errors(document: Mapping[str, Any]) -> list[FieldError]:
    """Every way the document breaks the schema, each named by its place in the file."""
    errors = _errors(_document_validator(), document, ())
    if errors:
        return errors
    fast = _fast_case_check()
    for index, case in enumerate(document["cases"]):
        try:
            fast(case)
        except fastjsonschema.JsonSchemaException:
            errors += _errors(_case_validator(), case, ("cases", index))
            if len(errors) >= MAX_REPORTED_ERRORS:
                break
    return errors[:MAX_REPORTED_ERRORS]


def _errors(
    validator: jsonschema.Draft202012Validator, instance: object, prefix: tuple[object, ...]
) -> list[FieldError]:
    errors = []
    for found in sorted(
        validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))
    ):
        # "one of: an order, or null" says little; name the deepest real problem instead.
        error = found
        while error.context:
            error = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
        errors.append(
            FieldError(_json_path((*prefix, *error.absolute_path)), _schema_message(error))
        )
    return errors


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field")
    if error.validator == "pattern" and isinstance(error.instance, str):
        return f"not a date in the form YYYY-MM-DD: {error.instance!r}"
    if error.validator == "oneOf":
        return f"not a valid value: {error.instance!r}"
    return error.message


# --- Import --------------------------------------------------------------------------------


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
            courts={c.code: c for c in Court.objects.all()},
            teams={t.code: t for t in Team.objects.all()},
            providers={p.code: p for p in TreatmentProvider.objects.all()},
            users={u.username: u for u in User.objects.all()},
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
    events: list[tuple[str, dict[str, Any], dict[str, Any]]]  # (type, fields, extras)


def import_case_document(
    document: Mapping[str, Any], *, by: By, today: dt.date | None = None, dry_run: bool = False
) -> ImportResult:
    """Import one case document, all or nothing; raises RecordInvalid naming every bad field."""
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
        reference = source["reference"]
        case_check = check.child(f"cases[{index}]")
        if reference in seen:
            case_check.add("reference", f"{reference} appears more than once in the file")
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
    with transaction.atomic():
        # Checked again under the transaction: another import may have added a case meanwhile.
        raced = Case.objects.filter(reference__in=[p.source["reference"] for p in planned])
        if raced.exists():
            raise RecordInvalid.one(
                "cases",
                f"{raced.first()} was recorded while this file was being checked; import it again",
            )
        for chunk_start in range(0, len(planned), 500):
            _write_cases(planned[chunk_start : chunk_start + 500], by, result)
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
    referred_on = coerce_date(check, "referral.on", referral_src["on"])
    check_not_future(check, "referral.on", referred_on, today)
    source_code = codes.resolve(
        check, "referral.source", "referral_source", referral_src["source"], on=referred_on
    )
    person_check = check.child("person")
    born = coerce_date(person_check, "date_of_birth", person_src["date_of_birth"])
    if born and referred_on and born >= referred_on:
        person_check.add(
            "date_of_birth", f"{fmt(born)} is not before the referral on {fmt(referred_on)}"
        )
    person = {
        "name": person_src["name"].strip(),
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
    if not person["name"]:
        person_check.add("name", "is required")
    other_drugs = [
        codes.resolve(person_check, f"other_drugs[{i}]", "drug", code, on=referred_on)
        for i, code in enumerate(person_src.get("other_drugs", []))
    ]
    assessment = None
    if source.get("assessment") and referred_on is not None:
        a = source["assessment"]
        started, completed, reason = check_assessment(
            check.child("assessment"),
            codes,
            referred_on,
            today,
            a["outcome"],
            a.get("started_on"),
            a.get("completed_on"),
            a.get("reason"),
            a.get("recommended_intensity") or "",
        )
        assessment = {
            "outcome": a["outcome"],
            "started_on": started,
            "completed_on": completed,
            "reason": reason,
            "recommended_intensity": a.get("recommended_intensity") or "",
        }
    order, window = _check_order(
        check.child("order"), ref, source.get("order"), area, born, referred_on, today
    )
    events = _check_events(
        check,
        codes,
        source.get("events", []),
        window,
        referred_on,
        today,
        has_order=source.get("order") is not None,
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
    made = coerce_date(check, "made_on", source["made_on"])
    length = coerce_length(check, "length_months", source["length_months"])
    check_not_future(check, "made_on", made, today)
    if made is not None and referred_on is not None and made < referred_on:
        check.add("made_on", f"{fmt(made)} is before the referral on {fmt(referred_on)}")
    if made is not None and born is not None and born >= made:
        check.add("made_on", f"the person was born on {fmt(born)}, after the Order")
    order: dict[str, Any] = {
        "made_on": made,
        "length_months": length,
        "intensity": source["intensity"],
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
        elif found is not None and area is not None and found.area_id != area.pk:
            check.add(key, f"{found} is not in {area}")
        order[key] = found
    manager_name = source.get("case_manager")
    order["case_manager"] = ref.users.get(manager_name) if manager_name else None
    if manager_name and order["case_manager"] is None:
        check.add("case_manager", f"no user called {manager_name!r}")
    if made is None or length is None:
        return order, None
    return order, OrderWindow(made, length, None, today)


def _check_events(
    check: Checker,
    codes: CodeBook,
    events: Sequence[Mapping[str, Any]],
    window: OrderWindow | None,
    referred_on: dt.date | None,
    today: dt.date,
    *,
    has_order: bool,
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    terminations = [i for i, e in enumerate(events) if e["type"] == "termination"]
    for extra in terminations[1:]:
        check.add(f"events[{extra}]", "a second termination: an Order is terminated once")
    if window is not None and terminations:
        first = events[terminations[0]]
        ends = coerce_date(check, f"events[{terminations[0]}].on", first["on"])
        window.check_day(check, f"events[{terminations[0]}].on", ends)
        if ends is not None and window.made_on <= ends < window.natural_end_on:
            window = OrderWindow(window.made_on, window.length_months, ends, today)
    planned: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for index, event in enumerate(events):
        kind = event["type"]
        event_check = check.child(f"events[{index}]")
        if kind == "conviction":
            day = coerce_date(event_check, "on", event["on"])
            offence_day = coerce_date(
                event_check, "offence_on", event.get("offence_on"), required=False
            )
            if referred_on is not None:
                check_conviction(event_check, referred_on, today, day, offence_day)
            planned.append(
                (
                    kind,
                    {"on": day, "offence_on": offence_day, "offence": event.get("offence") or ""},
                    {},
                )
            )
            continue
        if window is None:
            # Without a readable Order there is nothing to check the event against; a case
            # with an Order that has errors has had them reported already.
            if not has_order:
                event_check.add("type", f"a {kind} event needs an Order, and this case has none")
            continue
        planned_event = _check_order_event(event_check, codes, kind, event, window, today)
        if planned_event is not None:
            planned.append(planned_event)
    return planned


def _check_order_event(
    check: Checker,
    codes: CodeBook,
    kind: str,
    event: Mapping[str, Any],
    window: OrderWindow,
    today: dt.date,
) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    if kind == "suspension":
        starts = coerce_date(check, "from", event["from"])
        ends = coerce_date(check, "to", event["to"])
        check_suspension(check, window, starts, ends, event["reason"])
        return kind, {"starts_on": starts, "ends_on": ends, "reason": event["reason"].strip()}, {}
    day = coerce_date(check, "on", event["on"])
    if kind != "termination":
        window.check_day(check, "on", day)
    if kind == "appointment":
        hours = coerce_hours(check, "hours", event["hours"])
        outcome = event["outcome"]
        code_value = event.get("outcome_code") or DEFAULT_ATTENDANCE_CODE.get(outcome)
        code = codes.resolve(
            check, "outcome_code", "attendance_outcome", code_value, on=day, required=False
        )
        if code is not None and code.meaning != outcome:
            check.add("outcome_code", f"{code.code} means {code.meaning}, but outcome is {outcome}")
        kind_code = codes.resolve(
            check, "kind", "appointment_kind", event.get("kind"), on=day, required=False
        )
        return (
            kind,
            {
                "on": day,
                "hours": hours,
                "with_whom": event["with"],
                "kind": kind_code,
                "outcome": code,
            },
            {},
        )
    if kind == "test":
        results = event.get("results", {})
        resolved, admitted = check_test(
            check,
            codes,
            day,
            event["outcome"],
            results,
            event.get("confirmed", {}),
            event.get("admitted", []),
        )
        return (
            kind,
            {"on": day, "outcome": event["outcome"]},
            {"results": resolved, "admitted": admitted},
        )
    if kind == "warning":
        return kind, {"on": day, "reason": event.get("reason") or ""}, {}
    if kind == "breach":
        return _check_breach(check, codes, event, day, today)
    if kind == "review":
        sat = "\n".join(name.strip() for name in event.get("sat", []))
        return (
            kind,
            {"on": day, "hearing": event["hearing"], "sat": sat, "notes": event.get("notes") or ""},
            {},
        )
    if kind == "contact_level":
        return kind, {"on": day, "level": event["level"]}, {}
    if kind == "termination":
        reason = codes.resolve(check, "reason", "termination_reason", event["reason"], on=day)
        onward = coerce_date(
            check, "onward_referral_on", event.get("onward_referral_on"), required=False
        )
        handover = coerce_date(
            check, "custody_handover_on", event.get("custody_handover_on"), required=False
        )
        check_not_future(check, "onward_referral_on", onward, today)
        check_not_future(check, "custody_handover_on", handover, today)
        fields = {
            "on": day,
            "reason": reason,
            "onward_referral_on": onward,
            "onward_referral_to": event.get("onward_referral_to") or "",
            "custody_handover_on": handover,
        }
        return kind, fields, {}
    raise AssertionError(f"event type {kind} passed the schema but has no checks")


def _check_breach(
    check: Checker, codes: CodeBook, event: Mapping[str, Any], day: dt.date | None, today: dt.date
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    outcome = event["outcome"]
    decided = coerce_date(check, "decided_on", event.get("decided_on"), required=False)
    code = codes.resolve(
        check, "outcome_code", "breach_outcome", event.get("outcome_code") or outcome, on=decided
    )
    if code is not None and code.meaning != outcome:
        check.add("outcome_code", f"{code.code} means {code.meaning}, but outcome is {outcome}")
    if outcome == "pending" and decided is not None:
        check.add("decided_on", "a pending breach has no decision date")
    if (
        outcome != "pending"
        and decided is None
        and "decided_on" not in [e.field for e in check.errors]
    ):
        check.add("decided_on", f"is required when the outcome is {outcome}")
    hearings = [
        coerce_date(check, f"hearings[{i}]", text)
        for i, text in enumerate(event.get("hearings", []))
    ]
    issued = coerce_date(check, "warrant_issued_on", event.get("warrant_issued_on"), required=False)
    executed = coerce_date(
        check, "warrant_executed_on", event.get("warrant_executed_on"), required=False
    )
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
        "reason": event.get("reason") or "",
        "outcome": code,
        "decided_on": decided,
        "warrant_issued_on": issued,
        "warrant_executed_on": executed,
    }
    return "breach", fields, {"hearings": [h for h in hearings if h is not None]}


_EVENT_MODELS: dict[str, type[Any]] = {
    "appointment": Appointment,
    "test": DrugTest,
    "warning": FormalWarning,
    "breach": Breach,
    "review": CourtReview,
    "contact_level": ContactLevelChange,
    "suspension": Suspension,
}


def _write_cases(planned: list[_PlannedCase], by: By, result: ImportResult) -> None:
    people = Person.objects.bulk_create(Person(**p.person) for p in planned)
    Person.other_drugs.through.objects.bulk_create(
        Person.other_drugs.through(person_id=person.pk, code_id=code.pk)
        for person, plan in zip(people, planned, strict=True)
        for code in plan.other_drugs
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
    order_by_case = {order.case_id: order for order in orders}
    result.order_ids.extend(o.pk for o in orders)
    rows: dict[str, list[Any]] = {kind: [] for kind in _EVENT_MODELS}
    appointment_rows: list[tuple[Any, ...]] = []
    test_extras: list[dict[str, Any]] = []
    breach_extras: list[dict[str, Any]] = []
    terminations: list[Termination] = []
    convictions: list[Conviction] = []
    for case, plan in zip(cases, planned, strict=True):
        order = order_by_case.get(case.pk)
        for kind, fields, extras in plan.events:
            if kind == "conviction":
                convictions.append(Conviction(case=case, **fields))
            elif kind == "termination":
                terminations.append(Termination(order=order, **fields))
            elif kind == "appointment":
                appointment_rows.append(
                    (
                        order.pk,  # type: ignore[union-attr]
                        fields["on"],
                        fields["hours"],
                        fields["with_whom"],
                        fields["kind"].pk if fields["kind"] else None,
                        fields["outcome"].pk if fields["outcome"] else None,
                    )
                )
            else:
                rows[kind].append(_EVENT_MODELS[kind](order=order, **fields))
                if kind == "test":
                    test_extras.append(extras)
                elif kind == "breach":
                    breach_extras.append(extras)
    _insert_rows(
        Appointment, ["order", "on", "hours", "with_whom", "kind", "outcome"], appointment_rows
    )
    for kind, model in _EVENT_MODELS.items():
        if kind == "appointment":
            continue
        created = model.objects.bulk_create(rows[kind], batch_size=2000)
        if kind == "test":
            _write_test_details(created, test_extras)
        elif kind == "breach":
            BreachHearing.objects.bulk_create(
                BreachHearing(breach=breach, on=day)
                for breach, extras in zip(created, breach_extras, strict=True)
                for day in extras["hearings"]
            )
    Termination.objects.bulk_create(terminations)
    Conviction.objects.bulk_create(convictions)
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


def _insert_rows(model: type[Any], fields: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Plain inserts for the two largest tables, appointments and test results.

    The rows were checked above; building a Django model instance for each of hundreds of
    thousands of rows cost more than writing them (docs/performance.md, "Importing").
    Values go through the backend's own adapters, as the ORM's would.
    """
    ops = connection.ops
    columns = [model._meta.get_field(name) for name in fields]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(column.column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    adapters = [_adapter(column) for column in columns]
    pending = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(itertools.islice(pending, 5000)):
            cursor.executemany(
                sql,
                [tuple(adapt(v) for adapt, v in zip(adapters, row, strict=True)) for row in batch],
            )


def _adapter(field: Any) -> Any:
    ops = connection.ops
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    return lambda value: value


def _write_test_details(tests: list[DrugTest], extras: list[dict[str, Any]]) -> None:
    _insert_rows(
        DrugTestResult,
        ["test", "substance", "result", "confirmed"],
        (
            (test.pk, code.pk, result, confirmed)
            for test, extra in zip(tests, extras, strict=True)
            for code, result, confirmed in extra["results"]
        ),
    )
    DrugTest.admitted.through.objects.bulk_create(
        DrugTest.admitted.through(drugtest_id=test.pk, code_id=code.pk)
        for test, extra in zip(tests, extras, strict=True)
        for code in extra["admitted"]
    )


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

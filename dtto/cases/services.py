"""Every change to a case record: one function per thing a user does.

Each service checks its preconditions (raising ``RecordInvalid`` naming the field, with
nothing changed), does its work in one transaction, writes one audit event, and tells
listeners which Orders changed. Views, the API, importers and commands call these; they
never save case models themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from dtto.accounts.models import Area, Court, Role, Team, TreatmentProvider, User
from dtto.audit.services import Actor, record_event
from dtto.cases.errors import Checker, RecordInvalid, checked
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
from dtto.cases.signals import orders_changed
from dtto.cases.validation import (
    CodeBook,
    OrderWindow,
    check_not_future,
    coerce_date,
    coerce_hours,
    coerce_length,
    fmt,
)

By = User | Actor
M = TypeVar("M", bound=models.Model)


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The stored fields of a record as JSON-ready values, for the audit trail."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        values[field.attname] = value
    return values


def _locked_order(order: Order) -> Order:
    """The Order re-read under a row lock, so two changes to it cannot interleave."""
    return Order.objects.select_for_update().select_related("case").get(pk=order.pk)


def _window(order: Order, today: dt.date) -> OrderWindow:
    return OrderWindow(order.made_on, order.length_months, order.terminated_on, today)


def audit_record(by: By, action: str, instance: models.Model, case: Case, **kwargs: Any) -> None:
    """One audit event about a case record, named by its kind and key."""
    record_event(
        by,
        action,
        target_type=instance._meta.model_name or "record",
        target_id=instance.pk,
        case_reference=case.reference,
        **kwargs,
    )


def _changed(*orders: Order) -> None:
    orders_changed.send(sender=Order, order_ids=[o.pk for o in orders])


def save_change(
    by: By,
    action: str,
    record: M,
    case: Case,
    *,
    detail: dict[str, Any] | None = None,
    **values: Any,
) -> M:
    """Set fields on a stored record, save only those, and audit the record before and after.

    Called inside the service's transaction, with the record already locked.
    """
    before = snapshot(record)
    for name, value in values.items():
        setattr(record, name, value)
    record.save(update_fields=list(values))
    audit_record(by, action, record, case, before=before, after=snapshot(record), detail=detail)
    return record


def _add_to_order(
    order: Order,
    *,
    by: By,
    action: str,
    check: Checker,
    day: dt.date | None,
    today: dt.date,
    build: Callable[[Order], M],
    may_be_future: bool = False,
) -> M:
    """Add one dated record to an Order: under the Order's lock, checked against its dates."""
    with transaction.atomic():
        order = _locked_order(order)
        _window(order, today).check_day(check, "on", day, may_be_future=may_be_future)
        check.raise_if_any()
        record = build(order)
        audit_record(by, action, record, order.case, after=snapshot(record))
        _changed(order)
    return record


def _lookup(
    check: Checker, field: str, model: type[M], code: object, *, area: Area | None
) -> M | None:
    """A piece of reference data (court, team, provider) by code, within the case's area."""
    if code is None or code == "":
        return None
    if isinstance(code, model):
        found: M | None = code
    else:
        found = model._default_manager.filter(code=str(code)).first()
    if found is None:
        check.add(field, f"unknown {model._meta.verbose_name} {str(code)!r}")
        return None
    if area is not None and getattr(found, "area_id", area.pk) != area.pk:
        check.add(field, f"{found} is not in {area}")
        return None
    return found


# --- Referral and assessment -------------------------------------------------------------


def register_referral(
    *,
    by: By,
    reference: str,
    area: Area | str,
    name: str,
    date_of_birth: dt.date | str,
    sex: Code | str,
    ethnicity: Code | str,
    referred_on: dt.date | str,
    referral_source: Code | str,
    accommodation: Code | str | None = None,
    main_drug: Code | str | None = None,
    other_drugs: Iterable[Code | str] = (),
    mental_health_need: bool | None = None,
    today: dt.date | None = None,
) -> Case:
    """Open a case: a person referred for assessment for a DTTO."""
    today = _today(today)
    check = Checker()
    codes = CodeBook()
    reference = (reference or "").strip()
    if not reference:
        check.add("reference", "is required")
    elif Case.objects.filter(reference=reference).exists():
        check.add("reference", f"{reference} is already in use")
    area_obj = area if isinstance(area, Area) else Area.objects.filter(code=area).first()
    if area_obj is None:
        check.add("area", f"unknown probation area {area!r}")
    if not (name or "").strip():
        check.add("name", "is required")
    born = coerce_date(check, "date_of_birth", date_of_birth)
    referred = coerce_date(check, "referred_on", referred_on)
    check_not_future(check, "referred_on", referred, today)
    if born and referred and born >= referred:
        check.add("date_of_birth", f"{fmt(born)} is not before the referral on {fmt(referred)}")
    sex_code = codes.resolve(check, "sex", "sex", sex, on=referred)
    ethnicity_code = codes.resolve(check, "ethnicity", "ethnicity", ethnicity, on=referred)
    source = codes.resolve(
        check, "referral_source", "referral_source", referral_source, on=referred
    )
    accommodation_code = codes.resolve(
        check, "accommodation", "accommodation", accommodation, on=referred, required=False
    )
    main = codes.resolve(check, "main_drug", "drug", main_drug, on=referred, required=False)
    others = [
        codes.resolve(check, f"other_drugs[{i}]", "drug", code, on=referred)
        for i, code in enumerate(other_drugs)
    ]
    check.raise_if_any()
    with transaction.atomic():
        person = Person.objects.create(
            name=name.strip(),
            date_of_birth=checked(born),
            sex=checked(sex_code),
            ethnicity=checked(ethnicity_code),
            accommodation=accommodation_code,
            main_drug=main,
            mental_health_need=mental_health_need,
        )
        person.other_drugs.set([c for c in others if c is not None])
        case = Case.objects.create(
            reference=reference,
            person=person,
            area=checked(area_obj),
            referred_on=checked(referred),
            referral_source=checked(source),
        )
        audit_record(
            by,
            "cases.case.referred",
            case,
            case,
            after={**snapshot(case), "person": snapshot(person)},
        )
    return case


def record_assessment(
    case: Case,
    *,
    by: By,
    outcome: str,
    started_on: dt.date | str | None = None,
    completed_on: dt.date | str | None = None,
    reason: Code | str | None = None,
    recommended_intensity: str = "",
    today: dt.date | None = None,
) -> Assessment:
    """Record (or correct) the assessment of suitability and its outcome."""
    check = Checker()
    started, completed, reason_code = check_assessment(
        check,
        CodeBook(),
        case.referred_on,
        _today(today),
        outcome,
        started_on,
        completed_on,
        reason,
        recommended_intensity,
    )
    check.raise_if_any()
    with transaction.atomic():
        existing = Assessment.objects.select_for_update().filter(case=case).first()
        before = snapshot(existing) if existing else None
        assessment = existing or Assessment(case=case)
        assessment.outcome = outcome
        assessment.started_on = started
        assessment.completed_on = completed
        assessment.reason = reason_code
        assessment.recommended_intensity = recommended_intensity or ""
        assessment.save()
        audit_record(
            by,
            "cases.assessment.recorded",
            assessment,
            case,
            before=before,
            after=snapshot(assessment),
        )
    return assessment


def _assessment_reason(
    check: Checker, codes: CodeBook, outcome: str, reason: object, on: dt.date | None
) -> Code | None:
    if outcome == Assessment.Outcome.NOT_ASSESSED:
        return codes.resolve(check, "reason", "not_assessed_reason", reason, on=on)
    if outcome == Assessment.Outcome.UNSUITABLE:
        return codes.resolve(check, "reason", "unsuitable_reason", reason, on=on)
    if reason not in (None, ""):
        check.add("reason", "is only given when the person was not assessed or found unsuitable")
    return None


def check_assessment(
    check: Checker,
    codes: CodeBook,
    referred_on: dt.date,
    today: dt.date,
    outcome: object,
    started_on: object,
    completed_on: object,
    reason: object,
    recommended_intensity: object,
) -> tuple[dt.date | None, dt.date | None, Code | None]:
    """The rules for an assessment, shared with the importer: its dates and reason code."""
    if outcome not in Assessment.Outcome.values:
        check.add(
            "outcome", f"must be one of {', '.join(Assessment.Outcome.values)}, got {outcome!r}"
        )
        return None, None, None
    started = coerce_date(check, "started_on", started_on, required=False)
    completed = coerce_date(check, "completed_on", completed_on, required=False)
    for field, day in (("started_on", started), ("completed_on", completed)):
        if day is not None and day < referred_on:
            check.add(field, f"{fmt(day)} is before the referral on {fmt(referred_on)}")
        check_not_future(check, field, day, today)
    if started and completed and completed < started:
        check.add(
            "completed_on", f"{fmt(completed)} is before the assessment started on {fmt(started)}"
        )
    reason_code = _assessment_reason(check, codes, str(outcome), reason, completed or started)
    if recommended_intensity not in ("", None, "higher", "lower"):
        check.add(
            "recommended_intensity", f"must be higher or lower, got {recommended_intensity!r}"
        )
    elif recommended_intensity and outcome != Assessment.Outcome.SUITABLE:
        check.add("recommended_intensity", "is only given when the person was found suitable")
    return started, completed, reason_code


# --- The Order ---------------------------------------------------------------------------


def make_order(
    case: Case,
    *,
    by: By,
    made_on: dt.date | str,
    length_months: int | str,
    intensity: str,
    court: Court | str | None = None,
    team: Team | str | None = None,
    case_manager: User | str | None = None,
    treatment_provider: TreatmentProvider | str | None = None,
    today: dt.date | None = None,
) -> Order:
    """The court sentences the person to a DTTO."""
    today = _today(today)
    check = Checker()
    made = coerce_date(check, "made_on", made_on)
    length = coerce_length(check, "length_months", length_months)
    check_not_future(check, "made_on", made, today)
    if made is not None:
        if made < case.referred_on:
            check.add("made_on", f"{fmt(made)} is before the referral on {fmt(case.referred_on)}")
        if case.person.date_of_birth >= made:
            check.add(
                "made_on",
                f"the person was born on {fmt(case.person.date_of_birth)}, after the Order",
            )
    if intensity not in ("higher", "lower"):
        check.add("intensity", f"must be higher or lower, got {intensity!r}")
    if Order.objects.filter(case=case).exists():
        check.add("made_on", f"case {case.reference} already has an Order")
    court_obj = _lookup(check, "court", Court, court, area=case.area)
    team_obj = _lookup(check, "team", Team, team, area=case.area)
    provider = _lookup(
        check, "treatment_provider", TreatmentProvider, treatment_provider, area=case.area
    )
    manager = _case_manager(check, case_manager)
    check.raise_if_any()
    assert made is not None and length is not None
    with transaction.atomic():
        order = Order.objects.create(
            case=case,
            made_on=made,
            length_months=length,
            intensity=intensity,
            court=court_obj,
            team=team_obj,
            case_manager=manager,
            treatment_provider=provider,
            natural_end_on=Order.natural_end(made, length),
        )
        audit_record(by, "cases.order.made", order, case, after=snapshot(order))
        _changed(order)
    return order


def _case_manager(check: Checker, value: User | str | None) -> User | None:
    if value is None or value == "":
        return None
    if isinstance(value, User):
        return value
    user = User.objects.filter(username=value).first()
    if user is None:
        check.add("case_manager", f"no user called {value!r}")
    return user


def assign_case_manager(order: Order, *, by: By, case_manager: User | None) -> Order:
    """Give the Order to another case manager of its area (or to none, until one is chosen)."""
    if case_manager is not None and not (
        case_manager.is_active
        and case_manager.role == Role.CASE_MANAGER
        and case_manager.area_id == order.case.area_id
    ):
        name = case_manager.get_full_name() or case_manager.username
        raise RecordInvalid.one(
            "case_manager", f"{name} is not an active case manager in {order.case.area}"
        )
    with transaction.atomic():
        order = _locked_order(order)
        save_change(
            by, "cases.order.case_manager_assigned", order, order.case, case_manager=case_manager
        )
    return order


# --- Appointments and attendance ----------------------------------------------------------


def _attendance_code(
    check: Checker, codes: CodeBook, outcome_code: Code | str | None, on: dt.date | None
) -> Code | None:
    return codes.resolve(
        check, "outcome", "attendance_outcome", outcome_code, on=on, required=False
    )


def record_appointment(
    order: Order,
    *,
    by: By,
    on: dt.date | str,
    hours: Decimal | float | str,
    with_whom: str,
    kind: Code | str | None = None,
    outcome: Code | str | None = None,
    today: dt.date | None = None,
) -> Appointment:
    """Arrange an appointment (and, if it has happened, record its outcome code)."""
    today = _today(today)
    check = Checker()
    codes = CodeBook()
    day = coerce_date(check, "on", on)
    contact_hours = coerce_hours(check, "hours", hours)
    if with_whom not in Appointment.With.values:
        check.add(
            "with_whom", f"must be one of {', '.join(Appointment.With.values)}, got {with_whom!r}"
        )
    kind_code = codes.resolve(check, "kind", "appointment_kind", kind, on=day, required=False)
    outcome_code = _attendance_code(check, codes, outcome, day)
    return _add_to_order(
        order,
        by=by,
        action="cases.appointment.recorded",
        check=check,
        day=day,
        today=today,
        build=lambda locked: Appointment.objects.create(
            order=locked,
            on=checked(day),
            hours=checked(contact_hours),
            with_whom=with_whom,
            kind=kind_code,
            outcome=outcome_code,
        ),
        # Appointments may be arranged ahead, so only an outcome makes a future date wrong.
        may_be_future=outcome_code is None,
    )


def record_attendance(
    appointment: Appointment, *, by: By, outcome: Code | str, today: dt.date | None = None
) -> Appointment:
    """Record what happened at an appointment: an attendance outcome code (ATTC, UAAB, AA*...)."""
    if appointment.on > _today(today):
        raise RecordInvalid.one(
            "outcome", f"the appointment on {fmt(appointment.on)} has not happened yet"
        )
    check = Checker()
    outcome_code = _attendance_code(check, CodeBook(), outcome, appointment.on)
    if outcome_code is None and not check.errors:
        check.add("outcome", "is required")
    check.raise_if_any()
    with transaction.atomic():
        order = _locked_order(appointment.order)
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        save_change(
            by,
            "cases.appointment.outcome_recorded",
            appointment,
            order.case,
            outcome=checked(outcome_code),
        )
        _changed(order)
    return appointment


# --- Drug tests ---------------------------------------------------------------------------


def check_test(
    check: Checker,
    codes: CodeBook,
    day: dt.date | None,
    outcome: object,
    results: Mapping[str, str],
    confirmed: Mapping[str, bool],
    admitted: Iterable[str],
) -> tuple[list[tuple[Code, str, bool | None]], list[Code]]:
    """The rules for a drug test, shared with the importer. Returns resolved results and admissions."""
    if outcome not in DrugTest.Outcome.values:
        check.add(
            "outcome", f"must be one of {', '.join(DrugTest.Outcome.values)}, got {outcome!r}"
        )
    if outcome != DrugTest.Outcome.SAMPLE and results:
        check.add("results", f"a test with outcome {outcome!r} has no results")
    resolved: list[tuple[Code, str, bool | None]] = []
    for substance, result in results.items():
        code = codes.resolve(check, f"results.{substance}", "substance", substance, on=day)
        if result not in DrugTestResult.Result.values:
            check.add(f"results.{substance}", f"must be positive or negative, got {result!r}")
        elif code is not None:
            resolved.append((code, result, confirmed.get(substance)))
    for substance, value in confirmed.items():
        if substance not in results:
            check.add(f"confirmed.{substance}", "confirms a substance the test has no result for")
        elif results[substance] != "positive":
            check.add(f"confirmed.{substance}", "only a positive result is sent for confirmation")
        elif not isinstance(value, bool):
            check.add(f"confirmed.{substance}", f"must be true or false, got {value!r}")
    admitted_codes = []
    for i, substance in enumerate(admitted):
        code = codes.resolve(check, f"admitted[{i}]", "substance", substance, on=day)
        if code is not None:
            admitted_codes.append(code)
    if admitted_codes and outcome == DrugTest.Outcome.REFUSED:
        check.add("admitted", "a refused test records no admitted use; record an admission instead")
    return resolved, admitted_codes


def record_test(
    order: Order,
    *,
    by: By,
    on: dt.date | str,
    outcome: str,
    results: Mapping[str, str] | None = None,
    confirmed: Mapping[str, bool] | None = None,
    admitted: Iterable[str] = (),
    today: dt.date | None = None,
) -> DrugTest:
    """Record a drug test: a sample with per-substance results, a written admission, or a refusal."""
    today = _today(today)
    check = Checker()
    day = coerce_date(check, "on", on)
    resolved, admitted_codes = check_test(
        check, CodeBook(), day, outcome, results or {}, confirmed or {}, admitted
    )
    with transaction.atomic():
        order = _locked_order(order)
        _window(order, today).check_day(check, "on", day)
        check.raise_if_any()
        test = DrugTest.objects.create(order=order, on=checked(day), outcome=outcome)
        DrugTestResult.objects.bulk_create(
            DrugTestResult(test=test, substance=code, result=result, confirmed=conf)
            for code, result, conf in resolved
        )
        test.admitted.set(admitted_codes)
        after = snapshot(test) | {
            "results": {code.code: result for code, result, _ in resolved},
            "admitted": [c.code for c in admitted_codes],
        }
        audit_record(by, "cases.test.recorded", test, order.case, after=after)
        _changed(order)
    return test


def confirm_test_result(result: DrugTestResult, *, by: By, confirmed: bool) -> DrugTestResult:
    """Record the laboratory's answer on a positive result."""
    if result.result != DrugTestResult.Result.POSITIVE:
        raise RecordInvalid.one("confirmed", "only a positive result is sent for confirmation")
    with transaction.atomic():
        order = _locked_order(result.test.order)
        save_change(by, "cases.test.result_confirmed", result, order.case, confirmed=confirmed)
        _changed(order)
    return result


# --- Enforcement ----------------------------------------------------------------------------


def give_warning(
    order: Order, *, by: By, on: dt.date | str, reason: str = "", today: dt.date | None = None
) -> FormalWarning:
    """A formal warning after an unacceptable failure (Figure 21 of the source)."""
    today = _today(today)
    check = Checker()
    day = coerce_date(check, "on", on)
    return _add_to_order(
        order,
        by=by,
        action="cases.warning.given",
        check=check,
        day=day,
        today=today,
        build=lambda locked: FormalWarning.objects.create(
            order=locked, on=checked(day), reason=reason or ""
        ),
    )


def instigate_breach(
    order: Order, *, by: By, on: dt.date | str, reason: str = "", today: dt.date | None = None
) -> Breach:
    """Start breach proceedings; the outcome is pending until the court decides."""
    today = _today(today)
    check = Checker()
    day = coerce_date(check, "on", on)
    pending = CodeBook().resolve(check, "outcome", "breach_outcome", "pending", on=None)
    return _add_to_order(
        order,
        by=by,
        action="cases.breach.instigated",
        check=check,
        day=day,
        today=today,
        build=lambda locked: Breach.objects.create(
            order=locked, on=checked(day), reason=reason or "", outcome=checked(pending)
        ),
    )


def check_breach_dates(
    check: Checker,
    breach_on: dt.date,
    today: dt.date,
    *,
    decided_on: dt.date | None = None,
    hearings: Iterable[tuple[str, dt.date | None]] = (),
    warrant_issued_on: dt.date | None = None,
    warrant_executed_on: dt.date | None = None,
) -> None:
    """A breach's later dates come after it, and none is in the future."""
    dated = [("decided_on", decided_on), *hearings, ("warrant_issued_on", warrant_issued_on)]
    for field, day in dated:
        if day is not None and day < breach_on:
            check.add(field, f"{fmt(day)} is before the breach was instigated on {fmt(breach_on)}")
        check_not_future(check, field, day, today)
    if warrant_executed_on is not None:
        if warrant_issued_on is None:
            check.add("warrant_executed_on", "a warrant must be issued before it is executed")
        elif warrant_executed_on < warrant_issued_on:
            check.add(
                "warrant_executed_on",
                f"{fmt(warrant_executed_on)} is before the warrant was issued on {fmt(warrant_issued_on)}",
            )
        check_not_future(check, "warrant_executed_on", warrant_executed_on, today)


def decide_breach(
    breach: Breach, *, by: By, on: dt.date | str, outcome: Code | str, today: dt.date | None = None
) -> Breach:
    """The court's decision on a breach: continued (perhaps with added requirements), revoked..."""
    today = _today(today)
    check = Checker()
    day = coerce_date(check, "decided_on", on)
    outcome_code = CodeBook().resolve(check, "outcome", "breach_outcome", outcome, on=day)
    if outcome_code is not None and outcome_code.meaning == "pending":
        check.add("outcome", "a decision cannot leave the breach pending")
    with transaction.atomic():
        order = _locked_order(breach.order)
        breach = Breach.objects.select_for_update().get(pk=breach.pk)
        if breach.decided_on is not None:
            check.add("decided_on", f"this breach was already decided on {fmt(breach.decided_on)}")
        if day is not None:
            check_breach_dates(check, breach.on, today, decided_on=day)
        check.raise_if_any()
        save_change(
            by,
            "cases.breach.decided",
            breach,
            order.case,
            decided_on=day,
            outcome=checked(outcome_code),
        )
        _changed(order)
    return breach


def record_breach_hearing(
    breach: Breach, *, by: By, on: dt.date | str, today: dt.date | None = None
) -> BreachHearing:
    today = _today(today)
    check = Checker()
    day = coerce_date(check, "on", on)
    if day is not None:
        check_breach_dates(check, breach.on, today, hearings=[("on", day)])
    check.raise_if_any()
    with transaction.atomic():
        order = _locked_order(breach.order)
        hearing = BreachHearing.objects.create(breach=breach, on=checked(day))
        audit_record(
            by, "cases.breach.hearing_recorded", hearing, order.case, after=snapshot(hearing)
        )
    return hearing


def record_warrant(
    breach: Breach,
    *,
    by: By,
    issued_on: dt.date | str,
    executed_on: dt.date | str | None = None,
    today: dt.date | None = None,
) -> Breach:
    """A warrant issued for someone who did not come to court, and when it was executed."""
    today = _today(today)
    check = Checker()
    issued = coerce_date(check, "warrant_issued_on", issued_on)
    executed = coerce_date(check, "warrant_executed_on", executed_on, required=False)
    if issued is not None:
        check_breach_dates(
            check, breach.on, today, warrant_issued_on=issued, warrant_executed_on=executed
        )
    check.raise_if_any()
    with transaction.atomic():
        order = _locked_order(breach.order)
        breach = Breach.objects.select_for_update().get(pk=breach.pk)
        save_change(
            by,
            "cases.breach.warrant_recorded",
            breach,
            order.case,
            warrant_issued_on=issued,
            warrant_executed_on=executed,
        )
        _changed(order)
    return breach


# --- Reviews, contact level, suspensions -----------------------------------------------------


def record_review(
    order: Order,
    *,
    by: By,
    on: dt.date | str,
    hearing: bool,
    sat: Iterable[str] = (),
    notes: str = "",
    today: dt.date | None = None,
) -> CourtReview:
    """A court review held, with or without a hearing, and who sat."""
    today = _today(today)
    check = Checker()
    day = coerce_date(check, "on", on)
    if not isinstance(hearing, bool):
        check.add("hearing", "must be yes or no")
    return _add_to_order(
        order,
        by=by,
        action="cases.review.recorded",
        check=check,
        day=day,
        today=today,
        build=lambda locked: CourtReview.objects.create(
            order=locked,
            on=checked(day),
            hearing=hearing,
            sat="\n".join(n.strip() for n in sat if n.strip()),
            notes=notes or "",
        ),
    )


def change_contact_level(
    order: Order, *, by: By, on: dt.date | str, level: str, today: dt.date | None = None
) -> ContactLevelChange:
    """Reduce contact for good progress, or restore the full level after relapse."""
    today = _today(today)
    check = Checker()
    day = coerce_date(check, "on", on)
    if level not in ContactLevelChange.Level.values:
        check.add("level", f"must be full or reduced, got {level!r}")
    return _add_to_order(
        order,
        by=by,
        action="cases.contact_level.changed",
        check=check,
        day=day,
        today=today,
        build=lambda locked: ContactLevelChange.objects.create(
            order=locked, on=checked(day), level=level
        ),
    )


def check_suspension(
    check: Checker, window: OrderWindow, starts: dt.date | None, ends: dt.date | None, reason: str
) -> None:
    window.check_day(check, "from", starts)
    if ends is not None and starts is not None and ends < starts:
        check.add("to", f"{fmt(ends)} is before the suspension starts on {fmt(starts)}")
    elif ends is not None and ends >= window.natural_end_on:
        check.add(
            "to",
            f"{fmt(ends)} is after the Order's term ends on {fmt(window.natural_end_on - dt.timedelta(days=1))}",
        )
    if not (reason or "").strip():
        check.add("reason", "is required: why the Standard is suspended")


def suspend_standard(
    order: Order,
    *,
    by: By,
    starts_on: dt.date | str,
    ends_on: dt.date | str,
    reason: str,
    today: dt.date | None = None,
) -> Suspension:
    """Suspend the National Standard for a time (homelessness, home detoxification...)."""
    today = _today(today)
    check = Checker()
    starts = coerce_date(check, "from", starts_on)
    ends = coerce_date(check, "to", ends_on)
    with transaction.atomic():
        order = _locked_order(order)
        check_suspension(check, _window(order, today), starts, ends, reason)
        check.raise_if_any()
        suspension = Suspension.objects.create(
            order=order, starts_on=checked(starts), ends_on=checked(ends), reason=reason.strip()
        )
        audit_record(
            by, "cases.suspension.recorded", suspension, order.case, after=snapshot(suspension)
        )
        _changed(order)
    return suspension


# --- Termination and after ---------------------------------------------------------------------


def latest_event_day(order: Order) -> dt.date | None:
    """The latest day anything is recorded on the Order (for checking a termination date)."""
    days = [
        model.objects.filter(order=order).aggregate(latest=models.Max(field))["latest"]
        for model, field in (
            (Appointment, "on"),
            (DrugTest, "on"),
            (FormalWarning, "on"),
            (Breach, "on"),
            (CourtReview, "on"),
            (ContactLevelChange, "on"),
            (Suspension, "starts_on"),
        )
    ]
    present = [d for d in days if d is not None]
    return max(present) if present else None


def terminate_order(
    order: Order,
    *,
    by: By,
    on: dt.date | str,
    reason: Code | str,
    onward_referral_on: dt.date | str | None = None,
    onward_referral_to: str = "",
    custody_handover_on: dt.date | str | None = None,
    today: dt.date | None = None,
) -> Termination:
    """End the Order, with onward treatment or a handover to prison drug services."""
    today = _today(today)
    check = Checker()
    day = coerce_date(check, "on", on)
    reason_code = CodeBook().resolve(check, "reason", "termination_reason", reason, on=day)
    onward = coerce_date(check, "onward_referral_on", onward_referral_on, required=False)
    handover = coerce_date(check, "custody_handover_on", custody_handover_on, required=False)
    with transaction.atomic():
        order = _locked_order(order)
        if order.terminated_on is not None:
            check.add("on", f"the Order was already terminated on {fmt(order.terminated_on)}")
            check.raise_if_any()
        _window(order, today).check_day(check, "on", day)
        latest = latest_event_day(order)
        if day is not None and latest is not None and latest > day:
            check.add("on", f"events are recorded up to {fmt(latest)}, after this date")
        for field, later in (("onward_referral_on", onward), ("custody_handover_on", handover)):
            check_not_future(check, field, later, today)
            if later is not None and day is not None and later < order.made_on:
                check.add(
                    field, f"{fmt(later)} is before the Order was made on {fmt(order.made_on)}"
                )
        check.raise_if_any()
        termination = Termination.objects.create(
            order=order,
            on=checked(day),
            reason=checked(reason_code),
            onward_referral_on=onward,
            onward_referral_to=onward_referral_to or "",
            custody_handover_on=handover,
        )
        order.terminated_on = day
        order.save(update_fields=["terminated_on"])
        audit_record(
            by, "cases.order.terminated", termination, order.case, after=snapshot(termination)
        )
        _changed(order)
    return termination


def record_conviction(
    case: Case,
    *,
    by: By,
    on: dt.date | str,
    offence_on: dt.date | str | None = None,
    offence: str = "",
    today: dt.date | None = None,
) -> Conviction:
    """A conviction after referral, for reconviction analysis; may come after the Order ended."""
    today = _today(today)
    check = Checker()
    day = coerce_date(check, "on", on)
    offence_day = coerce_date(check, "offence_on", offence_on, required=False)
    check_conviction(check, case.referred_on, today, day, offence_day)
    check.raise_if_any()
    with transaction.atomic():
        conviction = Conviction.objects.create(
            case=case, on=checked(day), offence_on=offence_day, offence=offence or ""
        )
        audit_record(by, "cases.conviction.recorded", conviction, case, after=snapshot(conviction))
    return conviction


def check_conviction(
    check: Checker,
    referred_on: dt.date,
    today: dt.date,
    day: dt.date | None,
    offence_day: dt.date | None,
) -> None:
    if day is not None and day < referred_on:
        check.add("on", f"{fmt(day)} is before the referral on {fmt(referred_on)}")
    check_not_future(check, "on", day, today)
    if offence_day is not None and day is not None and offence_day > day:
        check.add("offence_on", f"{fmt(offence_day)} is after the conviction on {fmt(day)}")

"""Referral and assessment: a case is opened, and the person assessed for suitability."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from dtto.accounts.models import Area
from dtto.cases.models import Assessment, Case, Code, Person
from dtto.cases.services.common import By, audit_record, snapshot, today_or_now
from dtto.cases.validation import CodeBook
from dtto.standards.errors import Checker, checked
from dtto.standards.validation import (
    KnownCodes,
    check_assessment,
    check_health_assessment,
    check_pre_sentence_report,
    check_reference,
    check_referral_dates,
    check_text,
    coerce_date,
)


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
    today = today_or_now(today)
    check = Checker()
    codes = CodeBook()
    # The pattern first: only a well-formed reference is looked up (a NUL would upset the database).
    reference_ok = check_reference(check, "reference", reference)
    if reference_ok is not None and Case.objects.filter(reference=reference_ok).exists():
        reference_ok = check_reference(check, "reference", reference_ok, in_use={reference_ok})
    area_obj = area if isinstance(area, Area) else None
    if not isinstance(area, Area):
        area_code = check_text(check, "area", area, required=True, max_length=40)
        area_obj = Area.objects.filter(code=area_code).first() if area_code else None
        if area_code and area_obj is None:
            check.add("area", f"unknown probation area {area_code!r}")
    person_name = check_text(check, "name", name, required=True, max_length=200)
    born = coerce_date(check, "date_of_birth", date_of_birth)
    referred = coerce_date(check, "referred_on", referred_on)
    check_referral_dates(
        check,
        born_field="date_of_birth",
        born=born,
        referred_field="referred_on",
        referred_on=referred,
        today=today,
    )
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
            name=person_name,
            date_of_birth=checked(born),
            sex=checked(sex_code),
            ethnicity=checked(ethnicity_code),
            accommodation=accommodation_code,
            main_drug=main,
            mental_health_need=mental_health_need,
        )
        person.other_drugs.set([c for c in others if c is not None])
        case = Case.objects.create(
            reference=checked(reference_ok),
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


def assessment_reason_lists(codes: CodeBook) -> dict[str, tuple[str, KnownCodes]]:
    """Which code list an assessment's reason comes from, for each outcome that takes one."""
    return {
        outcome: (list_name, codes.known(list_name))
        for outcome, list_name in (
            (Assessment.Outcome.NOT_ASSESSED, "not_assessed_reason"),
            (Assessment.Outcome.UNSUITABLE, "unsuitable_reason"),
        )
    }


def record_assessment(
    case: Case,
    *,
    by: By,
    outcome: str,
    started_on: dt.date | str | None = None,
    completed_on: dt.date | str | None = None,
    reason: Code | str | None = None,
    recommended_intensity: str = "",
    psr_requested_on: dt.date | str | None = None,
    adjourned_on: dt.date | str | None = None,
    psr_delivered_on: dt.date | str | None = None,
    health_assessment_recommended: bool | None = None,
    today: dt.date | None = None,
) -> Assessment:
    """Record (or correct) the assessment of suitability and its outcome, with the
    pre-sentence report's dates and, for a person found unsuitable on mental-health grounds,
    whether a health assessment was recommended."""
    today = today_or_now(today)
    check = Checker()
    codes = CodeBook()
    reason_lists = assessment_reason_lists(codes)
    _, started, completed, reason_code = check_assessment(
        check,
        case.referred_on,
        today,
        outcome=outcome,
        outcomes=Assessment.Outcome.values,
        started_on=started_on,
        completed_on=completed_on,
        reason=reason.code if isinstance(reason, Code) else reason,
        reason_lists=reason_lists,
        recommended_intensity=recommended_intensity,
        suitable=Assessment.Outcome.SUITABLE,
    )
    psr = check_pre_sentence_report(
        check,
        case.referred_on,
        today,
        requested_on=psr_requested_on,
        adjourned_on=adjourned_on,
        delivered_on=psr_delivered_on,
    )
    health = check_health_assessment(check, outcome, reason_code, health_assessment_recommended)
    check.raise_if_any()
    with transaction.atomic():
        existing = Assessment.objects.select_for_update().filter(case=case).first()
        before = snapshot(existing) if existing else None
        assessment = existing or Assessment(case=case)
        assessment.outcome = outcome
        assessment.started_on = started
        assessment.completed_on = completed
        assessment.reason = (
            codes.get(reason_lists[outcome][0], reason_code) if reason_code is not None else None
        )
        assessment.recommended_intensity = recommended_intensity or ""
        assessment.psr_requested_on, assessment.adjourned_on, assessment.psr_delivered_on = psr
        assessment.health_assessment_recommended = health
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

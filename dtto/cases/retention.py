"""Applying the retention policy (dtto/standards/retention.py) to the case records.

A person's details are erased once every case of theirs is past the policy's period: the
name replaced, the date of birth reduced to its year and the ages at referral, the free text
on every record of their cases cleared. Codes, references and dated events stay, so reports
give the same figures. One transaction for the whole run, one audit event per case erased;
the events name the fields cleared, never their old values.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction

from dtto.audit.models import AuditEvent
from dtto.audit.services import as_actor
from dtto.cases.models import Case, Order, Person
from dtto.cases.services.common import By
from dtto.standards.retention import (
    ERASED_NAME,
    FREE_TEXT,
    POLICY,
    RetentionPolicy,
    case_ended_on,
    pseudonymised_birth,
)


@dataclass(frozen=True)
class DueCase:
    reference: str
    person_id: int
    ended_on: dt.date
    kept_until: dt.date


@dataclass(frozen=True)
class RetentionRun:
    due: tuple[DueCase, ...]
    people: int
    applied: bool


def due_cases(today: dt.date, policy: RetentionPolicy = POLICY) -> list[DueCase]:
    """Cases whose person is due for erasure: every case of that person past the period,
    and the person not already erased."""
    rows = Case.objects.exclude(person__name=ERASED_NAME).values_list(
        "reference",
        "person_id",
        "referred_on",
        "assessment__completed_on",
        "order__terminated_on",
        "order__natural_end_on",
    )
    by_person: dict[int, list[DueCase]] = defaultdict(list)
    waiting: set[int] = set()
    for reference, person_id, referred_on, assessed_on, terminated_on, natural_end in rows:
        last_day = terminated_on or (natural_end - dt.timedelta(days=1) if natural_end else None)
        ended = case_ended_on(
            referred_on=referred_on, assessed_on=assessed_on, order_last_day=last_day
        )
        if policy.due(ended, today):
            by_person[person_id].append(
                DueCase(reference, person_id, ended, policy.kept_until(ended))
            )
        else:
            waiting.add(person_id)
    return sorted(
        (case for person, cases in by_person.items() if person not in waiting for case in cases),
        key=lambda case: case.reference,
    )


def apply_retention(
    *, by: By, today: dt.date, dry_run: bool, policy: RetentionPolicy = POLICY
) -> RetentionRun:
    """Erase the details of every person due; with ``dry_run``, only say who that would be."""
    due = due_cases(today, policy)
    people = sorted({case.person_id for case in due})
    if dry_run or not due:
        return RetentionRun(tuple(due), len(people), applied=False)
    with transaction.atomic():
        for person in (
            Person.objects.select_for_update().filter(pk__in=people).prefetch_related("cases")
        ):
            person.date_of_birth = pseudonymised_birth(
                person.date_of_birth, [case.referred_on for case in person.cases.all()]
            )
            person.name = ERASED_NAME
            person.save(update_fields=["name", "date_of_birth"])
        orders = Order.objects.filter(case__person_id__in=people)
        cases = Case.objects.filter(person_id__in=people)
        for model_name, fields in FREE_TEXT.items():
            model = apps.get_model("cases", model_name)
            owner = "case" if model_name == "Conviction" else "order"
            scope = {f"{owner}__in": cases if owner == "case" else orders}
            model._default_manager.filter(**scope).update(**{name: "" for name in fields})
        actor = as_actor(by)
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor=actor.user,
                actor_label=actor.label,
                action="cases.person.erased",
                target_type="person",
                target_id=str(case.person_id),
                case_reference=case.reference,
                detail={
                    "policy": f"{policy.years_after_end} years after the case ended",
                    "ended_on": case.ended_on.isoformat(),
                    "kept_until": case.kept_until.isoformat(),
                    "erased": ["name", "date_of_birth (year and ages at referral kept)"]
                    + [
                        f"{model}.{field}"
                        for model, fields in FREE_TEXT.items()
                        for field in fields
                    ],
                },
            )
            for case in due
        )
    return RetentionRun(tuple(due), len(people), applied=True)

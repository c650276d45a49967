"""Everything dtto holds about one person, for a subject access request.

Starting from the person of one case, every row of every table that points at what has been
collected (the person, their cases, the Orders, the events on them, the reports' summaries
of them, and any table added later that refers to these) is gathered by following foreign
keys backwards, with the same value spelling as ``dtto backup``. The case record is given
again in the readable case format (docs/case-format.md), and with it every audit event about
the person or their cases.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

from dtto.audit.chain import canonical_content
from dtto.audit.models import AuditEvent
from dtto.caseformat import FORMAT as CASE_FORMAT
from dtto.cases.export import iter_exported_cases
from dtto.cases.models import Case, Person
from dtto.ops.backup import label, value_encoder

FORMAT = "dtto-subject-access/1"


def _row(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    fields = {field.attname: field for field in model._meta.concrete_fields}
    return {
        name: None if value is None else value_encoder(fields[name])(value)
        for name, value in values.items()
    }


def _pointing_at(target: type[models.Model]) -> Iterator[tuple[type[models.Model], str]]:
    """Every (model, foreign key column) that refers to ``target``."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is target:
                yield model, field.attname


def held_records(person: Person) -> dict[str, list[dict[str, Any]]]:
    """Rows by model label, found from the person by following foreign keys backwards."""
    found: dict[str, list[dict[str, Any]]] = {
        label(Person): [_row(Person, _values(Person, [person.pk])[0])]
    }
    frontier: list[tuple[type[models.Model], list[Any]]] = [(Person, [person.pk])]
    seen: set[tuple[str, Any]] = {(label(Person), person.pk)}
    while frontier:
        target, keys = frontier.pop(0)
        for model, column in _pointing_at(target):
            rows = [
                row
                for row in model._base_manager.filter(**{f"{column}__in": keys})
                .order_by("pk")
                .values(*[f.attname for f in model._meta.concrete_fields])
                if (label(model), row[model._meta.pk.attname]) not in seen
            ]
            if not rows:
                continue
            pk_name = model._meta.pk.attname
            seen.update((label(model), row[pk_name]) for row in rows)
            found.setdefault(label(model), []).extend(_row(model, row) for row in rows)
            frontier.append((model, [row[pk_name] for row in rows]))
    for rows in found.values():
        rows.sort(key=lambda row: row.get("id") or 0)
    return dict(sorted(found.items()))


def _values(model: type[models.Model], keys: list[Any]) -> list[dict[str, Any]]:
    return list(
        model._base_manager.filter(pk__in=keys).values(
            *[f.attname for f in model._meta.concrete_fields]
        )
    )


def subject_access_bundle(case: Case) -> dict[str, Any]:
    """The bundle for the person of ``case``: their records, their case file, audit events."""
    person = case.person
    cases = Case.objects.filter(person=person)
    references = sorted(cases.values_list("reference", flat=True))
    records = held_records(person)
    events = [
        {**canonical_content(event), "hash": event.hash}
        for event in AuditEvent.objects.filter(
            Q(case_reference__in=references) | Q(target_type="person", target_id=str(person.pk))
        )
        .order_by("sequence")
        .iterator()
    ]
    return {
        "format": FORMAT,
        "requested_for_case": case.reference,
        "case_references": references,
        "case_file": {"format": CASE_FORMAT, "cases": list(iter_exported_cases(cases))},
        "records": records,
        "audit_events": events,
    }

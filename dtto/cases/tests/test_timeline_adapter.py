"""The database adapter and the case-file adapter give the engine the same case."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dtto.accounts.models import Role
from dtto.audit.services import Actor
from dtto.caseformat import dump_document
from dtto.cases import services
from dtto.cases.export import export_case_document
from dtto.cases.importing import import_case_document
from dtto.cases.models import Case, Order
from dtto.cases.tests.factories import make_order
from dtto.cases.tests.web import ACTOR, make_running_case, make_user
from dtto.cases.timeline import (
    evaluate_order,
    records_for_case_page,
    records_for_orders,
    timelines_for_orders,
)
from dtto.standards.casefile import timelines_from_document
from dtto.standards.engine import evaluate

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "two-cases.json"
AS_OF = dt.date(2004, 3, 31)


def without_evidence(node: Any) -> Any:
    """Findings differ only in how they name their source records (ids versus file places)."""
    if isinstance(node, dict):
        return {
            k: without_evidence(v) for k, v in node.items() if k not in ("evidence", "excluded_by")
        }
    if isinstance(node, list):
        return [without_evidence(v) for v in node]
    return node


def test_database_and_case_file_give_the_same_evaluation() -> None:
    import_case_document(
        json.loads(FIXTURE.read_text()), by=Actor.system("test"), today=dt.date(2026, 1, 1)
    )
    exported = json.loads(dump_document(export_case_document(Case.objects.all())))
    (from_file,) = timelines_from_document(exported)
    order = Order.objects.get(case__reference="EXAMPLE-1")
    from_database = evaluate_order(order, AS_OF).to_json()
    assert without_evidence(from_database) == without_evidence(evaluate(from_file, AS_OF).to_json())
    assert from_database["failures"][0]["taken"] == "warning"
    assert from_database["termination"]["successful"] is True


def test_evidence_names_database_records() -> None:
    import_case_document(
        json.loads(FIXTURE.read_text()), by=Actor.system("test"), today=dt.date(2026, 1, 1)
    )
    order = Order.objects.get(case__reference="EXAMPLE-1")
    timeline = timelines_for_orders([order.pk])[order.pk]
    assert all(a.ref and a.ref.startswith("appointment:") for a in timeline.appointments)
    assert (
        timeline.termination is not None
        and timeline.termination.ref == f"termination:{order.termination.pk}"
    )


def test_loading_many_orders_takes_a_fixed_number_of_queries() -> None:
    orders = [make_order() for _ in range(5)]
    with CaptureQueriesContext(connection) as few:
        timelines_for_orders([orders[0].pk])
    with CaptureQueriesContext(connection) as many:
        timelines_for_orders([o.pk for o in orders])
    assert len(many) == len(few)


def test_the_case_pages_one_read_gives_the_engine_the_bulk_reads_records() -> None:
    import_case_document(
        json.loads(FIXTURE.read_text()), by=Actor.system("test"), today=dt.date(2026, 1, 1)
    )
    running = make_running_case(make_user("cm", Role.CASE_MANAGER))
    order, made = running.order, running.order.made_on
    # Records of every kind, with two results a test, out of the substances' own order.
    services.record_test(
        order,
        by=ACTOR,
        on=made + dt.timedelta(days=2),
        outcome="sample",
        results={"cocaine": "positive", "opiates": "negative"},
        confirmed={"cocaine": False},
    )
    services.record_review(
        order, by=ACTOR, on=made + dt.timedelta(days=28), hearing=True, sat=["DJ Smith"]
    )
    services.change_contact_level(order, by=ACTOR, on=made + dt.timedelta(days=29), level="reduced")
    services.suspend_standard(
        order,
        by=ACTOR,
        starts_on=made + dt.timedelta(days=30),
        ends_on=made + dt.timedelta(days=35),
        reason="In hospital",
    )
    orders = list(Order.objects.select_related("case"))
    bulk = records_for_orders([o.pk for o in orders])
    for each in orders:
        page = records_for_case_page(
            each,
            each.case.reference,
            list(each.breaches.select_related("outcome")),
            list(each.reviews.all()),
        )
        assert page.record == bulk[each.pk]
    page = records_for_case_page(
        order, order.case.reference, list(order.breaches.all()), list(order.reviews.all())
    )
    assert len(page.record.tests) == 2
    (second,) = (t for t in page.record.tests if t[1] == made + dt.timedelta(days=2))
    # The list shows the results as the model orders them: opiates before cocaine.
    assert [
        (substance, result, confirmed)
        for _, substance, result, confirmed in page.results[second[0]]
    ] == [
        ("Opiates", "negative", None),
        ("Cocaine or crack", "positive", False),
    ]

"""A laboratory's results: once per sample, confirmations update, changes are corrections.

Expectations from the rule in docs/api.md ("Drug tests and laboratory results"): the same
result for a sample sent twice records one test; a later confirmation of a positive
updates that test; different results for a known sample need a reason and are audited
before and after; a sample id is the laboratory's own, so another laboratory's is another.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from dtto.api.tests.clients import World, call
from dtto.audit.models import AuditEvent
from dtto.cases.models import DrugTest, DrugTestResult

PATH = "/api/v1/drug-tests"


def _result(world: World, sample: str = "LEI-77", **changes: Any) -> dict[str, Any]:
    return {
        "case_reference": world.reference,
        "sample_id": sample,
        "on": str(world.today - dt.timedelta(days=1)),
        "results": {"opiates": "positive", "cocaine": "negative"},
        **changes,
    }


def _tests(world: World) -> int:
    return DrugTest.objects.filter(order=world.running.order).count()


def test_the_same_result_sent_twice_is_recorded_once(world: World, client: Client) -> None:
    before = _tests(world)
    first = call(client, "POST", PATH, world.tokens["laboratory"], _result(world))
    again = call(client, "POST", PATH, world.tokens["laboratory"], _result(world))
    assert (first.status_code, first.json()["received"]) == (201, "recorded")
    assert (again.status_code, again.json()["received"]) == (200, "unchanged")
    assert again.json()["test"]["id"] == first.json()["test"]["id"]
    assert _tests(world) == before + 1


def test_a_confirmation_sent_later_updates_the_test(world: World, client: Client) -> None:
    lab = world.tokens["laboratory"]
    first = call(client, "POST", PATH, lab, _result(world)).json()
    confirmed = call(client, "POST", PATH, lab, _result(world, confirmed={"opiates": True}))
    assert (confirmed.status_code, confirmed.json()["received"]) == (200, "confirmed")
    opiates = DrugTestResult.objects.get(test_id=first["test"]["id"], substance__code="opiates")
    assert opiates.confirmed is True
    events = AuditEvent.objects.filter(
        action="cases.test.result_confirmed", target_id=str(opiates.pk)
    )
    assert [
        (e.actor_label, (e.before or {})["confirmed"], (e.after or {})["confirmed"]) for e in events
    ] == [("api-client:laboratory", None, True)]


def test_confirming_a_negative_is_refused_naming_the_substance(
    world: World, client: Client
) -> None:
    lab = world.tokens["laboratory"]
    call(client, "POST", PATH, lab, _result(world))
    refused = call(client, "POST", PATH, lab, _result(world, confirmed={"cocaine": True}))
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["confirmed.cocaine"]


def test_changed_results_without_a_reason_are_refused_and_change_nothing(
    world: World, client: Client
) -> None:
    lab = world.tokens["laboratory"]
    first = call(client, "POST", PATH, lab, _result(world)).json()
    changed = _result(world, results={"opiates": "negative", "cocaine": "negative"})
    refused = call(client, "POST", PATH, lab, changed)
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in refused.json()["errors"]] == ["reason"]
    results = DrugTestResult.objects.filter(test_id=first["test"]["id"])
    assert {r.substance.code: r.result for r in results} == {
        "opiates": "positive",
        "cocaine": "negative",
    }


def test_changed_results_with_a_reason_correct_the_test_and_audit_before_and_after(
    world: World, client: Client
) -> None:
    lab = world.tokens["laboratory"]
    first = call(client, "POST", PATH, lab, _result(world)).json()
    changed = _result(
        world,
        results={"opiates": "negative", "cocaine": "negative"},
        reason="Sample mislabelled at the laboratory",
    )
    corrected = call(client, "POST", PATH, lab, changed)
    assert (corrected.status_code, corrected.json()["received"]) == (200, "corrected")
    assert corrected.json()["test"]["id"] == first["test"]["id"]
    results = DrugTestResult.objects.filter(test_id=first["test"]["id"])
    assert {r.substance.code: r.result for r in results} == {
        "opiates": "negative",
        "cocaine": "negative",
    }
    event = AuditEvent.objects.get(action="cases.test.corrected")
    assert event.actor_label == "api-client:laboratory"
    assert event.before is not None and event.after is not None
    assert event.before["results"] == {"opiates": "positive", "cocaine": "negative"}
    assert event.after["results"] == {"opiates": "negative", "cocaine": "negative"}
    assert event.detail == {"reason": "Sample mislabelled at the laboratory"}
    assert event.case_reference == world.reference


def test_another_laboratorys_sample_with_the_same_id_is_another_sample(
    world: World, client: Client
) -> None:
    from dtto.api import clients
    from dtto.api.tests.clients import OPERATOR

    second_lab = clients.create_client(
        by=OPERATOR, name="second-lab", role="laboratory", area="leicestershire"
    ).token
    before = _tests(world)
    first = call(client, "POST", PATH, world.tokens["laboratory"], _result(world))
    second = call(client, "POST", PATH, second_lab, _result(world))
    assert (first.status_code, second.status_code) == (201, 201)
    assert _tests(world) == before + 2


def test_a_known_sample_sent_for_another_case_is_refused_naming_the_sample(
    world: World, client: Client
) -> None:
    from dtto.cases.tests.factories import make_order

    other = make_order().case
    lab = world.tokens["laboratory"]
    call(client, "POST", PATH, lab, _result(world))
    refused = call(client, "POST", PATH, lab, _result(world, case_reference=other.reference))
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["sample_id"]


def test_a_result_the_service_refuses_names_the_field_and_records_nothing(
    world: World, client: Client
) -> None:
    before = _tests(world)
    future = _result(world, on=str(world.today + dt.timedelta(days=3)))
    refused = call(client, "POST", PATH, world.tokens["laboratory"], future)
    unknown = call(
        client,
        "POST",
        PATH,
        world.tokens["laboratory"],
        _result(world, results={"glue": "positive"}),
    )
    assert (refused.status_code, unknown.status_code) == (422, 422)
    assert [e["field"] for e in refused.json()["errors"]] == ["on"]
    assert [e["field"] for e in unknown.json()["errors"]] == ["results.glue"]
    assert _tests(world) == before

"""``Idempotency-Key``: the same post again replays the first answer and records nothing;
the same key with another body is refused naming the header; keys are per client."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from dtto.api.tests.clients import World, call
from dtto.cases.models import Appointment

PATH = "/api/v1/appointments"


def _appointment(world: World, hours: str = "2") -> dict[str, Any]:
    return {
        "case_reference": world.reference,
        "on": str(world.today - dt.timedelta(days=2)),
        "hours": hours,
        "outcome": "ATTC",
    }


def _count(world: World) -> int:
    return Appointment.objects.filter(order=world.running.order).count()


def test_the_same_post_with_the_same_key_is_recorded_once_and_answered_alike(
    world: World, client: Client
) -> None:
    token = world.tokens["treatment-provider"]
    before = _count(world)
    first = call(client, "POST", PATH, token, _appointment(world), idempotency_key="k-1")
    again = call(client, "POST", PATH, token, _appointment(world), idempotency_key="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert _count(world) == before + 1


def test_the_same_key_with_another_body_is_refused_naming_the_header(
    world: World, client: Client
) -> None:
    token = world.tokens["treatment-provider"]
    call(client, "POST", PATH, token, _appointment(world), idempotency_key="k-2")
    before = _count(world)
    refused = call(
        client, "POST", PATH, token, _appointment(world, hours="3"), idempotency_key="k-2"
    )
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"] == "urn:dtto:problem:idempotency-key-reused"
    assert [(e["field"], e["location"]) for e in problem["errors"]] == [
        ("Idempotency-Key", "header")
    ]
    assert _count(world) == before


def test_without_a_key_each_post_records_again(world: World, client: Client) -> None:
    token = world.tokens["treatment-provider"]
    before = _count(world)
    call(client, "POST", PATH, token, _appointment(world))
    call(client, "POST", PATH, token, _appointment(world))
    assert _count(world) == before + 2


def test_a_refused_post_is_not_kept_so_the_corrected_post_with_its_key_records(
    world: World, client: Client
) -> None:
    token = world.tokens["treatment-provider"]
    before = _count(world)
    refused = call(
        client, "POST", PATH, token, _appointment(world, hours="13"), idempotency_key="k-3"
    )
    # The same body again is refused again (not replayed as if recorded)...
    again = call(
        client, "POST", PATH, token, _appointment(world, hours="13"), idempotency_key="k-3"
    )
    assert (refused.status_code, again.status_code) == (422, 422)
    assert [e["field"] for e in refused.json()["errors"]] == ["hours"]
    assert _count(world) == before


def test_keys_are_per_client(world: World, client: Client) -> None:
    from dtto.api import clients
    from dtto.api.tests.clients import OPERATOR

    other = clients.create_client(
        by=OPERATOR,
        name="second-provider-system",
        role="treatment-provider",
        provider="leicestershire-treatment",
    ).token
    before = _count(world)
    first = call(
        client,
        "POST",
        PATH,
        world.tokens["treatment-provider"],
        _appointment(world),
        idempotency_key="shared",
    )
    second = call(client, "POST", PATH, other, _appointment(world), idempotency_key="shared")
    assert (first.status_code, second.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in second
    assert _count(world) == before + 2


def test_a_key_with_characters_outside_visible_ascii_is_refused_naming_the_header(
    world: World, client: Client
) -> None:
    refused = call(
        client,
        "POST",
        PATH,
        world.tokens["treatment-provider"],
        _appointment(world),
        idempotency_key="two words",
    )
    assert refused.status_code == 422
    assert [(e["field"], e["location"]) for e in refused.json()["errors"]] == [
        ("Idempotency-Key", "header")
    ]


def test_a_laboratory_result_replayed_by_key_keeps_its_first_answer(
    world: World, client: Client
) -> None:
    body = {
        "case_reference": world.reference,
        "sample_id": "S-9",
        "on": str(world.today),
        "results": {"opiates": "negative"},
    }
    lab = world.tokens["laboratory"]
    first = call(client, "POST", "/api/v1/drug-tests", lab, body, idempotency_key="r-1")
    again = call(client, "POST", "/api/v1/drug-tests", lab, body, idempotency_key="r-1")
    # Replayed by key, the answer is the first one ("recorded", 201), not "unchanged".
    assert (again.status_code, again.json()["received"]) == (201, "recorded")
    assert again.json() == first.json()

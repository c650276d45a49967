"""Refusals are one shape, ``application/problem+json`` (RFC 9457), naming each field,
whether a service's check, ninja's check of the request, or the API's own refused it."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from dtto.api.tests.clients import World, call

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "errors"}


def test_a_service_refusal_names_each_field_in_the_body(world: World, client: Client) -> None:
    body = {
        "case_reference": world.reference,
        "on": "1999-01-01",
        "hours": "40",
        "kind": "juggling",
    }
    answer = call(client, "POST", "/api/v1/appointments", world.tokens["treatment-provider"], body)
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    problem = answer.json()
    assert set(problem) == PROBLEM_KEYS
    assert problem["type"] == "urn:dtto:problem:invalid-request"
    assert problem["instance"] == "/api/v1/appointments"
    # The Order was made in 2026, appointments are 0-12 hours, juggling is no appointment kind.
    assert sorted((e["field"], e["location"]) for e in problem["errors"]) == [
        ("hours", "body"),
        ("kind", "body"),
        ("on", "body"),
    ]
    assert all(e["message"] for e in problem["errors"])


def test_a_request_refused_by_its_schema_names_each_field_and_where_it_is(
    world: World, client: Client
) -> None:
    body = {"case_reference": world.reference, "on": "not a date", "results": {"opiates": 1}}
    answer = call(client, "POST", "/api/v1/drug-tests", world.tokens["laboratory"], body)
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    assert sorted((e["field"], e["location"]) for e in answer.json()["errors"]) == [
        ("on", "body"),
        ("results.opiates", "body"),
        ("sample_id", "body"),
    ]


def test_a_bad_query_parameter_is_named_as_in_the_query(world: World, client: Client) -> None:
    answer = call(
        client,
        "GET",
        f"/api/v1/cases/{world.reference}/evaluation",
        world.tokens["analytics"],
        {"as_of": "yesterday"},
    )
    assert answer.status_code == 422
    assert [(e["field"], e["location"]) for e in answer.json()["errors"]] == [("as_of", "query")]


def test_a_report_period_that_ends_before_it_starts_is_refused_naming_from(
    world: World, client: Client
) -> None:
    answer = call(
        client,
        "GET",
        "/api/v1/reports/national",
        world.tokens["analytics"],
        {"from": "2004-01-01", "to": "2003-01-01"},
    )
    assert answer.status_code == 422
    assert [(e["field"], e["location"]) for e in answer.json()["errors"]] == [("from", "query")]


def test_a_body_that_is_not_json_is_refused_as_a_problem(world: World, client: Client) -> None:
    answer = client.post(
        "/api/v1/drug-tests",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.tokens['laboratory']}",
    )
    assert 400 <= answer.status_code < 500
    assert answer["Content-Type"] == "application/problem+json"
    assert set(json.loads(answer.content)) == PROBLEM_KEYS


def test_an_unknown_area_report_is_not_found(world: World, client: Client) -> None:
    answer = call(client, "GET", "/api/v1/reports/areas/atlantis", world.tokens["analytics"])
    assert answer.status_code == 404
    assert answer.json()["status"] == 404


def test_too_many_requests_from_one_client_are_refused_with_429_and_others_go_on(
    world: World, client: Client, settings: object
) -> None:
    settings.DTTO_API_RATE = "3/min"  # type: ignore[attr-defined]
    statuses = [
        call(client, "GET", "/api/v1/cases", world.tokens["case-reader"]).status_code
        for _ in range(4)
    ]
    other = call(client, "GET", "/api/v1/cases", world.tokens["treatment-provider"])
    limited = call(client, "GET", "/api/v1/cases", world.tokens["case-reader"])
    assert statuses == [200, 200, 200, 429]
    assert other.status_code == 200
    assert limited["Content-Type"] == "application/problem+json"
    assert int(limited["Retry-After"]) > 0


@pytest.mark.django_db
def test_an_address_that_is_no_endpoint_is_a_problem_not_a_page(client: Client) -> None:
    for address in ("/api/v1/appointments/null/attendance", "/api/v1/nothing", "/api/v2/cases"):
        for answer in (client.get(address), client.post(address, {})):
            assert (answer.status_code, answer["Content-Type"]) == (
                404,
                "application/problem+json",
            )

"""What a contact was for (3.21-3.24, decision 0017) through the API: the appointments
endpoint takes it and checks it with the same shared check as the pages and the importer
(``check_activity``), and the case reader reads it back."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from dtto.api.tests.clients import World, call
from dtto.audit.models import AuditEvent
from dtto.cases.models import Appointment


def _body(world: World, **extra: object) -> dict[str, object]:
    return {
        "case_reference": world.reference,
        "on": (world.today - dt.timedelta(days=1)).isoformat(),
        "hours": "1.5",
        **extra,
    }


def test_a_treatment_provider_records_what_the_contact_was_for(
    world: World, client: Client
) -> None:
    answer = call(
        client,
        "POST",
        "/api/v1/appointments",
        world.tokens["treatment-provider"],
        _body(world, activity="offence_focused"),
    )
    assert answer.status_code == 201
    assert answer.json()["activity"] == "offence_focused"
    assert Appointment.objects.get(pk=answer.json()["id"]).activity == "offence_focused"


def test_the_case_reader_reads_each_appointments_activity(world: World, client: Client) -> None:
    posted = call(
        client,
        "POST",
        "/api/v1/appointments",
        world.tokens["treatment-provider"],
        _body(world, activity="lifestyle"),
    ).json()
    case = call(client, "GET", f"/api/v1/cases/{world.reference}", world.tokens["case-reader"])
    by_id = {a["id"]: a["activity"] for a in case.json()["appointments"]}
    assert by_id[posted["id"]] == "lifestyle"
    # make_running_case's appointments say nothing of what they were for.
    assert [v for k, v in by_id.items() if k != posted["id"]] == [None, None, None]


def test_an_appointment_without_an_activity_is_recorded_as_not_given(
    world: World, client: Client
) -> None:
    answer = call(
        client, "POST", "/api/v1/appointments", world.tokens["treatment-provider"], _body(world)
    )
    assert answer.status_code == 201
    assert answer.json()["activity"] is None
    assert Appointment.objects.get(pk=answer.json()["id"]).activity == ""


def test_an_activity_not_in_the_list_is_refused_naming_it_and_nothing_is_recorded(
    world: World, client: Client
) -> None:
    appointments = Appointment.objects.count()
    changes = AuditEvent.objects.filter(action="cases.appointment.recorded").count()
    answer = call(
        client,
        "POST",
        "/api/v1/appointments",
        world.tokens["treatment-provider"],
        _body(world, activity="juggling"),
    )
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    errors = answer.json()["errors"]
    assert [(e["field"], e["location"]) for e in errors] == [("activity", "body")]
    # The shared check's words: the three activities of 3.21-3.24 and what was sent.
    assert errors[0]["message"] == (
        "must be one of treatment, offence_focused, lifestyle, got 'juggling'"
    )
    assert Appointment.objects.count() == appointments
    assert AuditEvent.objects.filter(action="cases.appointment.recorded").count() == changes


def test_the_document_lists_the_activities_a_client_may_send(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    appointment_in = document["components"]["schemas"]["AppointmentIn"]["properties"]
    assert "treatment, offence_focused, lifestyle" in appointment_in["activity"]["description"]
    appointment_out = document["components"]["schemas"]["AppointmentOut"]
    assert "activity" in appointment_out["required"]

"""Every API request is on the audit trail with its client's name; nothing is cached or
signed in by cookie."""

from __future__ import annotations

from django.test import Client

from dtto.api.tests.clients import World, call
from dtto.audit.models import AuditEvent


def test_each_request_is_audited_with_the_clients_name_path_and_status(
    world: World, client: Client
) -> None:
    before = AuditEvent.objects.filter(action="api.request").count()
    call(client, "GET", f"/api/v1/cases/{world.reference}", world.tokens["case-reader"])
    call(client, "GET", "/api/v1/reports/national", world.tokens["case-reader"])
    events = list(AuditEvent.objects.filter(action="api.request").order_by("sequence"))[before:]
    assert [
        (e.actor_label, e.detail["method"], e.detail["path"], e.detail["status"], e.case_reference)
        for e in events
    ] == [
        ("api-client:case-reader", "GET", f"/api/v1/cases/{world.reference}", 200, world.reference),
        ("api-client:case-reader", "GET", "/api/v1/reports/national", 403, ""),
    ]


def test_a_recorded_change_names_the_client_as_its_actor(world: World, client: Client) -> None:
    body = {"case_reference": world.reference, "on": str(world.today), "hours": "1.5"}
    answer = call(client, "POST", "/api/v1/appointments", world.tokens["treatment-provider"], body)
    event = AuditEvent.objects.get(
        action="cases.appointment.recorded", target_id=str(answer.json()["id"])
    )
    assert (event.actor_id, event.actor_label) == (None, "api-client:treatment-provider")


def test_answers_are_never_cached_and_set_no_cookie(world: World, client: Client) -> None:
    answer = call(client, "GET", f"/api/v1/cases/{world.reference}", world.tokens["case-reader"])
    assert "no-store" in answer["Cache-Control"]
    assert answer.cookies == {}

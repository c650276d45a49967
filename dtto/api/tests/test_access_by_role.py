"""Every endpoint against every client role: allowed, refused (403), or not found (404).

A case outside the client's area (or its provider's Orders) is 404, as an unknown one is,
so that a reference is never confirmed to a client that may not read it. Expectations are
from the roles in docs/api.md: laboratories post results, treatment providers record
appointments and attendance, read their own cases and take their NDTMS export, case readers
read their area, analytics reads reports and evaluations, events reads only the event feed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dtto.accounts.models import Role
from dtto.api import clients
from dtto.api.models import ApiClient
from dtto.api.tests.clients import CLIENTS, OPERATOR, World, call
from dtto.cases.models import Appointment
from dtto.cases.tests.web import make_user

Request = Callable[[World], tuple[str, str, dict[str, Any] | None]]


def _cases(world: World) -> tuple[str, str, None]:
    return "GET", "/api/v1/cases", None


def _case(world: World) -> tuple[str, str, None]:
    return "GET", f"/api/v1/cases/{world.reference}", None


def _evaluation(world: World) -> tuple[str, str, None]:
    return "GET", f"/api/v1/cases/{world.reference}/evaluation", None


def _appointment(world: World) -> tuple[str, str, dict[str, Any]]:
    body = {"case_reference": world.reference, "on": str(world.today), "hours": "2"}
    return "POST", "/api/v1/appointments", body


def _attendance(world: World) -> tuple[str, str, dict[str, Any]]:
    arranged = Appointment.objects.filter(order=world.running.order, with_whom="treatment").first()
    assert arranged is not None
    return "POST", f"/api/v1/appointments/{arranged.pk}/attendance", {"outcome": "ATTC"}


def _drug_test(world: World) -> tuple[str, str, dict[str, Any]]:
    body = {
        "case_reference": world.reference,
        "sample_id": "LAB-1",
        "on": str(world.today),
        "results": {"opiates": "negative"},
    }
    return "POST", "/api/v1/drug-tests", body


def _national(world: World) -> tuple[str, str, None]:
    return "GET", "/api/v1/reports/national", None


def _leicestershire(world: World) -> tuple[str, str, None]:
    return "GET", "/api/v1/reports/areas/leicestershire", None


def _events(world: World) -> tuple[str, str, None]:
    return "GET", "/api/v1/events?after=0", None


def _ndtms(world: World) -> tuple[str, str, None]:
    return "GET", "/api/v1/exports/ndtms", None


ENDPOINTS: dict[str, Request] = {
    "cases": _cases,
    "case": _case,
    "evaluation": _evaluation,
    "appointment": _appointment,
    "attendance": _attendance,
    "drug-test": _drug_test,
    "national-report": _national,
    "area-report": _leicestershire,
    "events": _events,
    "ndtms-export": _ndtms,
}

# (endpoint, client, expected status). The running case is in Leicestershire, its Order
# treated by leicestershire-treatment.
EXPECTED: list[tuple[str, str, int]] = [
    ("cases", "case-reader", 200),
    ("cases", "treatment-provider", 200),
    ("cases", "laboratory", 403),
    ("cases", "analytics", 403),
    ("cases", "events", 403),
    ("case", "case-reader", 200),
    ("case", "treatment-provider", 200),
    ("case", "kent-case-reader", 404),
    ("case", "kent-treatment-provider", 404),
    ("case", "laboratory", 403),
    ("case", "analytics", 403),
    ("case", "events", 403),
    ("evaluation", "analytics", 200),
    ("evaluation", "case-reader", 200),
    ("evaluation", "treatment-provider", 200),
    ("evaluation", "kent-analytics", 404),
    ("evaluation", "kent-case-reader", 404),
    ("evaluation", "kent-treatment-provider", 404),
    ("evaluation", "laboratory", 403),
    ("evaluation", "events", 403),
    ("appointment", "treatment-provider", 201),
    ("appointment", "kent-treatment-provider", 404),
    ("appointment", "laboratory", 403),
    ("appointment", "case-reader", 403),
    ("appointment", "analytics", 403),
    ("appointment", "events", 403),
    ("attendance", "treatment-provider", 200),
    ("attendance", "kent-treatment-provider", 404),
    ("attendance", "laboratory", 403),
    ("attendance", "case-reader", 403),
    ("attendance", "analytics", 403),
    ("attendance", "events", 403),
    ("drug-test", "laboratory", 201),
    ("drug-test", "kent-laboratory", 404),
    ("drug-test", "treatment-provider", 403),
    ("drug-test", "case-reader", 403),
    ("drug-test", "analytics", 403),
    ("drug-test", "events", 403),
    ("national-report", "analytics", 200),
    ("national-report", "kent-analytics", 403),
    ("national-report", "case-reader", 403),
    ("national-report", "laboratory", 403),
    ("national-report", "treatment-provider", 403),
    ("national-report", "events", 403),
    ("area-report", "analytics", 200),
    ("area-report", "kent-analytics", 403),
    ("area-report", "case-reader", 403),
    ("area-report", "laboratory", 403),
    ("area-report", "treatment-provider", 403),
    ("area-report", "events", 403),
    ("events", "events", 200),
    ("events", "analytics", 403),
    ("events", "case-reader", 403),
    ("events", "laboratory", 403),
    ("events", "treatment-provider", 403),
    # Personal details, for the provider to submit: its own Orders only (another provider's
    # client gets its own, here none: see test_ndtms_export.py).
    ("ndtms-export", "treatment-provider", 200),
    ("ndtms-export", "kent-treatment-provider", 200),
    ("ndtms-export", "case-reader", 403),
    ("ndtms-export", "laboratory", 403),
    ("ndtms-export", "analytics", 403),
    ("ndtms-export", "events", 403),
]


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_each_role_is_allowed_or_refused_at_each_endpoint(
    world: World, client: Client, endpoint: str
) -> None:
    method, path, body = ENDPOINTS[endpoint](world)
    expected = {name: status for (where, name, status) in EXPECTED if where == endpoint}
    answers = {name: call(client, method, path, world.tokens[name], body) for name in expected}
    assert {name: a.status_code for name, a in answers.items()} == expected
    refusals = {name: a for name, a in answers.items() if expected[name] >= 400}
    assert {name: a["Content-Type"] for name, a in refusals.items()} == {
        name: "application/problem+json" for name in refusals
    }
    assert {name: a.json()["status"] for name, a in refusals.items()} == {
        name: expected[name] for name in refusals
    }


def test_every_endpoint_is_in_the_table_for_every_role() -> None:
    roles = {options["role"] for options in CLIENTS.values()}
    for endpoint in ENDPOINTS:
        tried = {CLIENTS[name]["role"] for (where, name, _) in EXPECTED if where == endpoint}
        assert tried == roles, f"{endpoint} is not tried with {roles - tried}"


def _allowed(endpoint: str) -> str:
    """The client that may use the endpoint, so that only the credentials are wrong."""
    return next(name for (where, name, status) in EXPECTED if where == endpoint and status < 300)


@pytest.mark.parametrize(
    "credentials",
    ["none", "unknown token", "revoked token", "rotated-out token", "not bearer", "session"],
)
def test_every_endpoint_refuses_a_request_without_a_working_token_with_401(
    world: World, client: Client, credentials: str
) -> None:
    for name in {_allowed(endpoint) for endpoint in ENDPOINTS}:
        if credentials == "revoked token":
            clients.revoke_client(ApiClient.objects.get(name=name), by=OPERATOR)
        elif credentials == "rotated-out token":
            clients.rotate_token(ApiClient.objects.get(name=name), by=OPERATOR)
    # A signed-in case manager's browser session is no way into the API.
    client.force_login(make_user("signed-in", Role.CASE_MANAGER))
    answers = {}
    for endpoint, request in ENDPOINTS.items():
        method, path, body = request(world)
        token = world.tokens[_allowed(endpoint)]
        given = {
            "none": None,
            "session": None,
            "unknown token": "dtto_" + "x" * 43,
            "not bearer": None,
        }.get(credentials, token)
        headers = {"authorization": f"Basic {token}"} if credentials == "not bearer" else {}
        answers[endpoint] = call(client, method, path, given, body, **headers)
    assert {e: a.status_code for e, a in answers.items()} == {e: 401 for e in ENDPOINTS}
    assert {a["Content-Type"] for a in answers.values()} == {"application/problem+json"}
    assert {a["WWW-Authenticate"] for a in answers.values()} == {'Bearer realm="dtto"'}


def test_a_treatment_provider_reads_no_enforcement_and_a_case_reader_reads_it(
    world: World, client: Client
) -> None:
    path = f"/api/v1/cases/{world.reference}"
    provider = call(client, "GET", path, world.tokens["treatment-provider"]).json()
    reader = call(client, "GET", path, world.tokens["case-reader"]).json()
    # make_running_case gives one warning and one breach: enforcement, which a treatment
    # worker never sees on the case page either.
    assert provider["warnings"] is None and provider["breaches"] is None
    assert len(reader["warnings"]) == 1 and len(reader["breaches"]) == 1
    assert provider["tests"] == reader["tests"]
    assert reader["person"]["name"] == "Robin Testperson"


def test_analytics_reads_an_evaluation_with_no_personal_details(
    world: World, client: Client
) -> None:
    path = f"/api/v1/cases/{world.reference}/evaluation"
    body = call(client, "GET", path, world.tokens["analytics"]).content.decode()
    assert "Robin" not in body and "Testperson" not in body and "1980-01-02" not in body


def test_a_case_in_another_area_is_answered_exactly_as_one_that_does_not_exist(
    world: World, client: Client
) -> None:
    token = world.tokens["kent-case-reader"]
    elsewhere = call(client, "GET", f"/api/v1/cases/{world.reference}", token)
    nowhere = call(client, "GET", "/api/v1/cases/NO-SUCH-CASE", token)
    assert (elsewhere.status_code, nowhere.status_code) == (404, 404)
    assert elsewhere.json() | {"detail": "", "instance": ""} == nowhere.json() | {
        "detail": "",
        "instance": "",
    }
    assert elsewhere.json()["detail"] == f"No case {world.reference!r} for this client."


def test_the_event_feeds_check_lets_in_only_an_events_client(world: World) -> None:
    from django.test import RequestFactory

    from dtto.api.access import events_client
    from dtto.api.problems import ApiProblem

    request = RequestFactory().get("/api/v1/events")
    request.auth = ApiClient.objects.get(name="events")  # type: ignore[attr-defined]
    assert events_client(request).name == "events"
    request.auth = ApiClient.objects.get(name="analytics")  # type: ignore[attr-defined]
    with pytest.raises(ApiProblem) as refused:
        events_client(request)
    assert refused.value.status == 403

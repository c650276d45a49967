"""The whole OpenAPI document, fuzzed with schemathesis against the app in process: no 5xx.

Each generated request is sent as generated and again aimed at the running case (its
reference, one of its treatment appointments), so that the services, not only the
lookups, meet the generated dates, hours, codes and results. Each client role's token is
sent to the operations of that role. Runs on the suite's database (SQLite or PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.transport.prepare import get_exclude_headers

from dtto.api.tests.clients import World
from dtto.cases.models import Appointment

# No server error, and every answer is one the document declares, in its declared shape.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Which client each operation is tried as: the role it is for.
CLIENT_FOR = {
    "/api/v1/cases": "case-reader",
    "/api/v1/cases/{reference}": "case-reader",
    "/api/v1/cases/{reference}/evaluation": "analytics",
    "/api/v1/appointments": "treatment-provider",
    "/api/v1/appointments/{appointment_id}/attendance": "treatment-provider",
    "/api/v1/drug-tests": "laboratory",
    "/api/v1/reports/national": "analytics",
    "/api/v1/reports/areas/{area}": "analytics",
    "/api/v1/events": "events",
    "/api/v1/exports/ndtms": "treatment-provider",
}
# Ten operations, two requests an example: about 20 s on an idle machine, a minute on
# a busy one.
EXAMPLES = 8


# Loaded when the module is collected: the document needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture(autouse=True)
def _in_the_tests_transaction(settings: Any) -> Iterator[None]:
    """Requests stay on the test's connection, as Django's test client keeps them.

    A real server closes the connection after each request; here that would end the
    test's transaction (on PostgreSQL) and lose the running case.
    """
    # Fuzzing sends many requests a second: the rate limit is not what is tested here.
    settings.DTTO_API_RATE = "100000/min"
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _aimed_at_the_running_case(case: Any, world: World) -> None:
    if "reference" in (case.path_parameters or {}):
        case.path_parameters["reference"] = world.reference
    if "appointment_id" in (case.path_parameters or {}):
        treatment = Appointment.objects.filter(
            order=world.running.order, with_whom="treatment"
        ).first()
        assert treatment is not None
        case.path_parameters["appointment_id"] = treatment.pk
    if "area" in (case.path_parameters or {}):
        case.path_parameters["area"] = "leicestershire"
    if isinstance(case.body, dict) and "case_reference" in case.body:
        case.body["case_reference"] = world.reference


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_request_makes_a_server_error(case: Any, world: World) -> None:
    headers = {"Authorization": f"Bearer {world.tokens[CLIENT_FOR[case.operation.path]]}"}
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS)
    # Each operation is tried as its own role, so only the cases schemathesis sends without
    # the Authorization header (its "missing parameter" cases) are refused for the token.
    without_token = "Authorization" in get_exclude_headers(case)
    assert (response.status_code == 401) is without_token
    assert response.status_code != 403
    _aimed_at_the_running_case(case, world)
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS)
    assert (response.status_code == 401) is without_token
    assert response.status_code != 403

"""The OpenAPI document, `dtto openapi`, and the reference page served with no CDN."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from dtto.ops.security import CONTENT_SECURITY_POLICY

OPERATIONS = {
    ("get", "/api/v1/cases"),
    ("get", "/api/v1/cases/{reference}"),
    ("get", "/api/v1/cases/{reference}/evaluation"),
    ("post", "/api/v1/appointments"),
    ("post", "/api/v1/appointments/{appointment_id}/attendance"),
    ("post", "/api/v1/drug-tests"),
    ("get", "/api/v1/reports/national"),
    ("get", "/api/v1/reports/areas/{area}"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/exports/ndtms"),
}
# Every answer is JSON except the NDTMS export, which is the CSV the command writes.
CSV_ANSWERS = {"/api/v1/exports/ndtms"}


def _operations(document: dict[str, object]) -> set[tuple[str, str]]:
    paths = document["paths"]
    assert isinstance(paths, dict)
    return {(method, path) for path, ops in paths.items() for method in ops}


def test_the_command_prints_the_document_that_the_server_serves(client: Client) -> None:
    out = io.StringIO()
    call_command("openapi", stdout=out)
    printed = json.loads(out.getvalue())
    served = client.get("/api/v1/openapi.json").json()
    assert printed == served
    assert printed["openapi"].startswith("3.")
    assert _operations(printed) == OPERATIONS


def test_every_post_documents_the_idempotency_key_header(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            headers = {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}
            assert (method == "post") == ("Idempotency-Key" in headers), (method, path)


def test_refusals_are_documented_as_problem_json_and_every_operation_needs_a_token(
    client: Client,
) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for path, ops in document["paths"].items():
        answer = "text/csv" if path in CSV_ANSWERS else "application/json"
        for op in ops.values():
            assert op["security"] == [{"ClientToken": []}]
            for status, response in op["responses"].items():
                kinds = set(response.get("content", {}))
                assert kinds == ({"application/problem+json"} if int(status) >= 400 else {answer})
    assert document["components"]["securitySchemes"]["ClientToken"]["scheme"] == "bearer"


@pytest.mark.django_db
def test_the_reference_page_loads_its_scripts_from_static_with_no_inline_script(
    client: Client,
) -> None:
    page = client.get("/api/v1/docs")
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    # Scripts come from files; the one element with content is JSON data, which never runs.
    assert [attrs.strip() for attrs, body in scripts if body.strip()] == [
        'type="application/json" id="swagger-settings"'
    ]
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources)
    for source in sources:
        assert finders.find(source.removeprefix("/static/")) is not None, source

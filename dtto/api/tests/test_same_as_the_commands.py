"""The API's evaluation and reports are the documents the commands write for the same case
and the same parameters: `dtto export` then `dtto evaluate`, and `dtto report --format json`."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.management import call_command
from django.test import Client

from dtto.api.tests.clients import World, call


def test_a_cases_evaluation_is_what_dtto_evaluate_prints_for_its_exported_file(
    world: World, client: Client, tmp_path: Path
) -> None:
    exported = tmp_path / "case.json"
    call_command("export", "--reference", world.reference, "--out", str(exported))
    printed = io.StringIO()
    as_of = "2026-11-20"
    # Without evidence: evidence names records by their place, which is the database's id
    # here and the event's position in the file there.
    call_command("evaluate", str(exported), "--as-of", as_of, stdout=printed)
    answer = call(
        client,
        "GET",
        f"/api/v1/cases/{world.reference}/evaluation",
        world.tokens["analytics"],
        {"as_of": as_of},
    )
    assert answer.status_code == 200
    assert answer.json() == json.loads(printed.getvalue())


def test_an_area_report_is_what_dtto_report_writes_as_json(world: World, client: Client) -> None:
    printed = io.StringIO()
    period = {"from": "2026-01-01", "to": "2026-11-30", "as_of": "2026-11-30"}
    call_command(
        "report",
        "--area",
        "leicestershire",
        "--from",
        period["from"],
        "--to",
        period["to"],
        "--as-of",
        period["as_of"],
        "--format",
        "json",
        stdout=printed,
    )
    answer = call(
        client, "GET", "/api/v1/reports/areas/leicestershire", world.tokens["analytics"], period
    )
    assert answer.status_code == 200
    assert answer.content.decode() == printed.getvalue()

"""The NDTMS-style export through the API: the bytes `dtto export --ndtms` writes.

Cases built by hand, beside the running case WEB-0001 (Leicestershire, treated by
leicestershire-treatment, made 10 weeks ago):
LEI-N1, Leicestershire, leicestershire-treatment: Order made 3 February 2003, treatment
attended 5 February 2003, completed on 2 February 2004;
KENT-N1, Kent, kent-treatment: Order made 3 March 2003, still running.
A Leicestershire provider's client gets LEI-N1 and WEB-0001, in reference order; Kent's
gets KENT-N1 only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from dtto.api.tests.clients import World, call
from dtto.audit.models import AuditEvent
from dtto.audit.services import Actor
from dtto.cases import services
from dtto.cases.models import Order
from dtto.cases.tests.factories import assessed_suitable

ACTOR = Actor.system("test")
PATH = "/api/v1/exports/ndtms"


def _order(reference: str, area: str, provider: str, made_on: dt.date, today: dt.date) -> Order:
    case = services.register_referral(
        by=ACTOR,
        today=today,
        reference=reference,
        area=area,
        name="Sam Example",
        date_of_birth=dt.date(1975, 8, 9),
        sex="F",
        ethnicity="W1",
        referred_on=made_on - dt.timedelta(days=21),
        referral_source="court",
        main_drug="heroin",
    )
    assessed_suitable(case, on=made_on - dt.timedelta(days=7))
    return services.make_order(
        case,
        by=ACTOR,
        today=today,
        made_on=made_on,
        length_months=12,
        intensity="higher",
        treatment_provider=provider,
    )


@pytest.fixture
def orders(world: World) -> None:
    today = world.today
    completed = _order(
        "LEI-N1", "leicestershire", "leicestershire-treatment", dt.date(2003, 2, 3), today
    )
    services.record_appointment(
        completed,
        by=ACTOR,
        today=today,
        on=dt.date(2003, 2, 5),
        hours="2",
        with_whom="treatment",
        outcome="ATTC",
    )
    services.terminate_order(
        completed, by=ACTOR, today=today, on=dt.date(2004, 2, 2), reason="completed"
    )
    _order("KENT-N1", "kent", "kent-treatment", dt.date(2003, 3, 3), today)


def _written_by_the_command(tmp_path: Path, provider: str, as_of: dt.date) -> bytes:
    target = tmp_path / f"{provider}.csv"
    args = ["--ndtms", "--provider", provider, "--as-of", as_of.isoformat()]
    call_command("export", *args, "--out", str(target), stderr=io.StringIO())
    return target.read_bytes()


def _episodes(content: bytes) -> list[str]:
    return [row["EPISODEID"] for row in csv.DictReader(io.StringIO(content.decode("utf-8")))]


def _get(client: Client, world: World, name: str, **query: Any) -> Any:
    return call(client, "GET", PATH, world.tokens[name], query or None)


def test_the_api_answers_the_bytes_the_command_writes_for_the_provider_and_day(
    world: World, client: Client, orders: None, tmp_path: Path
) -> None:
    episodes = {}
    for as_of in (world.today, dt.date(2004, 6, 30)):
        answer = _get(client, world, "treatment-provider", as_of=as_of.isoformat())
        assert answer.status_code == 200
        assert answer.content == _written_by_the_command(
            tmp_path, "leicestershire-treatment", as_of
        )
        episodes[as_of] = _episodes(answer.content)
    # Not two empty files alike: the provider's Orders known on the day, by reference.
    assert episodes == {world.today: ["LEI-N1", "WEB-0001"], dt.date(2004, 6, 30): ["LEI-N1"]}


def test_a_provider_gets_only_the_orders_it_treats(
    world: World, client: Client, orders: None, tmp_path: Path
) -> None:
    answer = _get(client, world, "kent-treatment-provider", as_of=world.today.isoformat())
    assert _episodes(answer.content) == ["KENT-N1"]
    assert answer.content == _written_by_the_command(tmp_path, "kent-treatment", world.today)


def test_without_as_of_the_export_is_the_record_as_known_today(
    world: World, client: Client, orders: None
) -> None:
    today = _get(client, world, "treatment-provider", as_of=world.today.isoformat())
    assert _get(client, world, "treatment-provider").content == today.content


def test_the_answer_is_a_csv_download_that_no_cache_keeps(world: World, client: Client) -> None:
    answer = _get(client, world, "treatment-provider", as_of="2004-06-30")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert answer["Content-Disposition"] == (
        'attachment; filename="ndtms-leicestershire-treatment-2004-06-30.csv"'
    )
    assert "no-store" in answer["Cache-Control"]


def test_a_day_that_is_not_a_date_is_refused_naming_as_of(world: World, client: Client) -> None:
    answer = _get(client, world, "treatment-provider", as_of="30/06/2004")
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    assert [(e["field"], e["location"]) for e in answer.json()["errors"]] == [("as_of", "query")]


def test_the_export_is_audited_with_the_cases_whose_details_it_gave(
    world: World, client: Client, orders: None
) -> None:
    _get(client, world, "treatment-provider", as_of="2004-06-30")
    event = AuditEvent.objects.get(action="api.ndtms.exported")
    assert event.actor_label == "api-client:treatment-provider"
    assert event.detail == {
        "as_of": "2004-06-30",
        "episodes": 1,
        "references": ["LEI-N1"],
    }

"""One validation for every path in: a page (the services), the importer, ``dtto evaluate``.

Each row is one bad input, fed through every path that can carry it; every path must refuse
it, naming the same field with the same message, and change nothing. The expected fields and
messages are written from the rules (docs/case-format.md, "What is refused"), not copied
from the code. The Order in every row is made on 3 February 2003 for 12 months, so its natural
end is 2004-02-03 and its last day 2004-02-02.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from dtto.accounts.models import Role
from dtto.audit.models import AuditEvent
from dtto.cases import services
from dtto.cases.importing import import_case_document
from dtto.cases.models import Appointment, Case, Order, Termination
from dtto.cases.tests.factories import (
    TEST_ACTOR,
    TODAY,
    assessed_suitable,
    make_case,
    make_order,
)
from dtto.cases.tests.web import date_fields, make_running_case, make_user, post_form
from dtto.lib.dates import long_date
from dtto.standards.errors import RecordInvalid

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "two-cases.json"
MADE_ON = dt.date(2003, 2, 3)  # the fixture's Order, and make_order's default


def document(events: list[dict[str, Any]] | None = None, **order: Any) -> dict[str, Any]:
    """The fixture's first case (Order made 2003-02-03, 12 months), changed as a row asks."""
    loaded = json.loads(FIXTURE.read_text())
    case = loaded["cases"][0]
    if events is not None:
        case["events"] = events
    case["order"].update(order)
    loaded["cases"] = [case]
    return loaded


def appointment(on: str, hours: Any = 2) -> dict[str, Any]:
    return {
        "type": "appointment",
        "on": on,
        "hours": hours,
        "with": "probation",
        "outcome": "attended",
    }


def termination(on: str, reason: str = "completed", **dates: str) -> dict[str, Any]:
    return {"type": "termination", "on": on, "reason": reason, **dates}


@dataclass(frozen=True)
class Row:
    name: str
    file: dict[str, Any] | None  # the case file carrying the bad input, if a file can
    path: str  # where the file's refusal points: cases[0].<path>
    service: Callable[[], Callable[[], object]] | None  # sets up, returns the refused call
    field: str  # the service's field: the last part of ``path``
    gist: str
    evaluate: bool = True  # dtto evaluate has no users, so cannot check a case manager


def _refused_order(**values: Any) -> Callable[[], Callable[[], object]]:
    def setup() -> Callable[[], object]:
        case = assessed_suitable(make_case())
        return lambda: make_order(case, **values)

    return setup


def _on_order(call: Callable[[Order], object], *before: Callable[[Order], object]) -> Any:
    def setup() -> Callable[[], object]:
        order = make_order()
        for step in before:
            step(order)
        return lambda: call(order)

    return setup


def _appointment(on: dt.date, hours: Any = 2) -> Callable[[Order], object]:
    return lambda order: services.record_appointment(
        order, by=TEST_ACTOR, on=on, hours=hours, with_whom="probation", outcome="ATTC", today=TODAY
    )


def _terminate(on: dt.date, reason: str = "completed", **dates: Any) -> Callable[[Order], object]:
    return lambda order: services.terminate_order(
        order, by=TEST_ACTOR, on=on, reason=reason, today=TODAY, **dates
    )


def _case_manager(username: str, role: str, area: str) -> Callable[[], Callable[[], object]]:
    def setup() -> Callable[[], object]:
        user = make_user(username, role, area)
        case = assessed_suitable(make_case())
        return lambda: make_order(case, case_manager=user)

    return setup


def _reassign(username: str, role: str, area: str) -> Callable[[], Callable[[], object]]:
    def setup() -> Callable[[], object]:
        user = make_user(username, role, area)
        order = make_order()
        return lambda: services.assign_case_manager(order, by=TEST_ACTOR, case_manager=user)

    return setup


def _second_referral() -> Callable[[], object]:
    make_case(reference="EXAMPLE-1")
    return lambda: make_case(reference="EXAMPLE-1")


def _twice() -> dict[str, Any]:
    twice = document()
    twice["cases"].append(copy.deepcopy(twice["cases"][0]))
    return twice


LENGTH = "Enter a length from 6 to 36 months: an Order lasts at least 6 months and at most 3 years"
ROWS = [
    Row("order of 5 months", document(length_months=5), "order.length_months",
        _refused_order(length_months=5), "length_months", LENGTH),
    Row("order of 37 months", document(length_months=37), "order.length_months",
        _refused_order(length_months=37), "length_months", LENGTH),
    Row("termination before the order", document([termination("2003-01-31")]), "events[0].on",
        _on_order(_terminate(dt.date(2003, 1, 31))), "on",
        "must be on or after 3 February 2003, when the Order was made"),
    Row("onward care before the order",
        document([termination("2004-02-02", onward_referral_on="2003-01-20")]),
        "events[0].onward_referral_on",
        _on_order(_terminate(dt.date(2004, 2, 2), onward_referral_on=dt.date(2003, 1, 20))),
        "onward_referral_on", "must be on or after 3 February 2003, when the Order was made"),
    Row("event after termination",
        document([termination("2003-06-30", "revoked_non_compliance"), appointment("2003-07-01")]),
        "events[1].on",
        _on_order(_appointment(dt.date(2003, 7, 1)),
                  _terminate(dt.date(2003, 6, 30), "revoked_non_compliance")),
        "on", "must be on or before 30 June 2003, when the Order was terminated"),
    Row("event after the natural end", document([appointment("2004-02-03")]), "events[0].on",
        _on_order(_appointment(dt.date(2004, 2, 3))), "on",
        "must be on or before 2 February 2004, the last day of the Order"),
    Row("event before the order", document([appointment("2003-02-01")]), "events[0].on",
        _on_order(_appointment(dt.date(2003, 2, 1))), "on",
        "must be on or after 3 February 2003, when the Order was made"),
    Row("no hours", document([appointment("2003-02-04", 0)]), "events[0].hours",
        _on_order(_appointment(dt.date(2003, 2, 4), 0)), "hours", "Enter hours more than 0, like 2.5"),
    Row("13 hours", document([appointment("2003-02-04", 13)]), "events[0].hours",
        _on_order(_appointment(dt.date(2003, 2, 4), 13)), "hours",
        "Enter at most 12 hours for one appointment"),
    Row("negative hours", document([appointment("2003-02-04", -1)]), "events[0].hours",
        _on_order(_appointment(dt.date(2003, 2, 4), -1)), "hours",
        "Enter hours more than 0, like 2.5"),
    Row("unknown termination reason", document([termination("2004-02-02", "bored")]),
        "events[0].reason", _on_order(_terminate(dt.date(2004, 2, 2), "bored")), "reason",
        "unknown code 'bored' in the termination_reason list"),
    Row("case manager of another area", document(case_manager="kent-cm"), "order.case_manager",
        _case_manager("kent-cm", Role.CASE_MANAGER, "kent"), "case_manager",
        "Kent Cm is not an active case manager in", evaluate=False),
    Row("case manager of another area, reassigned", None, "order.case_manager",
        _reassign("kent-cm", Role.CASE_MANAGER, "kent"), "case_manager",
        "Kent Cm is not an active case manager in", evaluate=False),
    Row("not a case manager", document(case_manager="tw"), "order.case_manager",
        _case_manager("tw", Role.TREATMENT_WORKER, "leicestershire"), "case_manager",
        "Tw is not an active case manager in", evaluate=False),
    Row("court of another area", document(court="kent-mc"), "order.court",
        _refused_order(court="kent-mc"), "court",
        "Kent magistrates' courts is not in Leicestershire and Rutland", evaluate=False),
    Row("reference given twice", _twice(), "reference", _second_referral, "reference",
        "EXAMPLE-1 is already in use"),
]  # fmt: skip


def _matching(errors: list[Any], field: str, gist: str) -> list[Any]:
    return [e for e in errors if e.field == field and gist in e.message]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_the_service_refuses_naming_the_field_and_changes_nothing(row: Row) -> None:
    assert row.service is not None and row.path.rsplit(".", 1)[-1] == row.field
    refused = row.service()
    audited = AuditEvent.objects.count()
    with pytest.raises(RecordInvalid) as raised:
        refused()
    assert _matching(raised.value.errors, row.field, row.gist), raised.value.errors
    assert AuditEvent.objects.count() == audited


def _file_index(row: Row) -> int:
    # The second copy of a reference given twice is the one refused.
    return len(row.file["cases"]) - 1 if row.file else 0


@pytest.mark.parametrize("row", [r for r in ROWS if r.file], ids=lambda row: row.name)
def test_the_importer_refuses_the_same_field_and_imports_nothing(row: Row, tmp_path: Path) -> None:
    make_user("cm-present", Role.CASE_MANAGER, "leicestershire")  # users exist, as in life
    if row.field == "case_manager":
        row.service()  # type: ignore[misc]  # creates the user the file names
    cases = Case.objects.count()
    with pytest.raises(RecordInvalid) as raised:
        import_case_document(row.file, by=TEST_ACTOR, today=TODAY)  # type: ignore[arg-type]
    field = f"cases[{_file_index(row)}].{row.path}"
    assert _matching(raised.value.errors, field, row.gist), raised.value.errors
    assert Case.objects.count() == cases


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r.file and r.evaluate], ids=lambda row: row.name
)
def test_dtto_evaluate_refuses_the_same_field_and_judges_nothing(row: Row, tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(row.file))
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("evaluate", str(path), "--as-of", "2004-06-30", stdout=out)
    message = str(raised.value)
    field = f"cases[{_file_index(row)}].{row.path}"
    assert message.startswith(f"{path}: {field}: "), message
    assert row.gist in message
    assert out.getvalue() == ""


def test_evaluate_refuses_the_whole_file_when_one_case_is_bad(tmp_path: Path) -> None:
    good = document()["cases"][0]
    bad = copy.deepcopy(good)
    bad["reference"] = "EXAMPLE-2"
    bad["order"]["length_months"] = 37
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"format": "dtto-case/1", "cases": [good, bad]}))
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"cases\[1\]\.order\.length_months: "):
        call_command("evaluate", str(path), "--as-of", "2004-06-30", stdout=out)
    assert out.getvalue() == ""  # not even the good case is judged, as import writes nothing


# --- The same refusals through the pages, which call the services -----------------------------


@pytest.fixture
def signed_in(db: None) -> tuple[Client, Any]:
    cm = make_user("cm", Role.CASE_MANAGER)
    running = make_running_case(cm)
    client = Client()
    client.force_login(cm)
    return client, running


def test_the_order_page_refuses_a_37_month_order(signed_in: tuple[Client, Any]) -> None:
    client, _ = signed_in
    case = services.register_referral(
        by=TEST_ACTOR, reference="PAGE-1", area="leicestershire", name="Pat Page",
        date_of_birth=dt.date(1980, 1, 1), sex="F", ethnicity="W1",
        referred_on=dt.date(2003, 1, 6), referral_source="court",
    )  # fmt: skip
    assessed_suitable(case)
    response = post_form(
        client,
        reverse("cases:order", args=[case.reference]),
        {
            **date_fields("made_on", MADE_ON),
            "length_months": "37",
            "intensity": "higher",
            "court": "leicestershire-mc",
            "treatment_provider": "leicestershire-treatment",
            "team": "leicestershire-dtto",
            "case_manager": "cm",
        },
    )
    assert response.status_code == 200
    assert LENGTH in response.content.decode()
    assert not Order.objects.filter(case=case).exists()


def test_the_appointment_page_refuses_13_hours(signed_in: tuple[Client, Any]) -> None:
    client, running = signed_in
    before = Appointment.objects.count()
    response = post_form(
        client,
        reverse("cases:appointment-new", args=[running.case.reference]),
        {
            **date_fields("on", running.today),
            "hours": "13",
            "with_whom": "probation",
            "outcome": "ATTC",
        },
    )
    assert response.status_code == 200
    assert "Enter at most 12 hours for one appointment" in response.content.decode()
    assert Appointment.objects.count() == before


def test_the_termination_page_refuses_a_date_before_the_order(
    signed_in: tuple[Client, Any],
) -> None:
    client, running = signed_in
    early = running.order.made_on - dt.timedelta(days=1)
    response = post_form(
        client,
        reverse("cases:terminate", args=[running.case.reference]),
        {**date_fields("on", early), "reason": "completed"},
    )
    assert response.status_code == 200
    made = long_date(running.order.made_on)
    assert (
        f"Date the Order ended must be on or after {made}, when the Order was made"
        in response.content.decode()
    )
    assert not Termination.objects.filter(order=running.order).exists()


# --- Hostile input: a refusal naming the field, never a traceback ------------------------------

DOCUMENT = "(the whole file)"  # the refusal names the file itself, not a field in it
DEEP = "[" * 100_000 + "]" * 100_000


def _changed(path: tuple[str | int, ...], raw_value: str) -> str:
    """The fixture's first case with one value replaced by raw JSON text."""
    loaded = document()
    node: Any = loaded
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = "@@"
    return json.dumps(loaded).replace('"@@"', raw_value)


# The fixture's events: [0] appointment, [1] test, [7] breach, [11] termination.
HOSTILE = [
    ("nesting 100,000 deep", DEEP, DOCUMENT),
    ("nesting 100,000 deep inside the cases", '{"format": "dtto-case/1", "cases": [' + DEEP + "]}",
     DOCUMENT),
    ("nesting 900 deep as the Order", _changed(("cases", 0, "order"), "[" * 900 + "]" * 900),
     "cases[0].order"),
    ("a lone surrogate in a name", _changed(("cases", 0, "person", "name"), '"\\ud800"'),
     "cases[0].person.name"),
    ("a lone surrogate in a reference", _changed(("cases", 0, "reference"), '"\\udfff"'),
     "cases[0].reference"),
    ("a NUL in a name", _changed(("cases", 0, "person", "name"), '"A\\u0000B"'),
     "cases[0].person.name"),
    ("a NUL as the termination reason", _changed(("cases", 0, "events", 11, "reason"), '"\\u0000"'),
     "cases[0].events[11].reason"),
    ("hours as text", _changed(("cases", 0, "events", 0, "hours"), '"2"'), "cases[0].events[0].hours"),
    ("a date as a number", _changed(("cases", 0, "events", 0, "on"), "20030203"),
     "cases[0].events[0].on"),
    ("a length of true", _changed(("cases", 0, "order", "length_months"), "true"),
     "cases[0].order.length_months"),
    ("results as a list", _changed(("cases", 0, "events", 1, "results"), "[]"),
     "cases[0].events[1].results"),
    ("hearings as text", _changed(("cases", 0, "events", 7, "hearings"), '"2003-03-02"'),
     "cases[0].events[7].hearings"),
    ("events null", _changed(("cases", 0, "events"), "null"), "cases[0].events"),
    ("an event type as a list", _changed(("cases", 0, "events", 0, "type"), '["appointment"]'),
     "cases[0].events[0].type"),
    ("a case as a list", '{"format": "dtto-case/1", "cases": [[]]}', "cases[0]"),
    ("a number of 5,000 digits", _changed(("cases", 0, "order", "length_months"), "9" * 5000),
     DOCUMENT),
    ("a length of 10^30", _changed(("cases", 0, "order", "length_months"), "1" + "0" * 30),
     "cases[0].order.length_months"),
    ("infinite hours", _changed(("cases", 0, "events", 0, "hours"), "1e400"),
     "cases[0].events[0].hours"),
    ("hours NaN", _changed(("cases", 0, "events", 0, "hours"), "NaN"), "cases[0].events[0].hours"),
    ("an Order made in 9999", _changed(("cases", 0, "order", "made_on"), '"9999-12-31"'),
     "cases[0].order.made_on"),
    ("a referral in year 1", _changed(("cases", 0, "referral", "on"), '"0001-01-01"'),
     "cases[0].referral.on"),
    ("a name of a million characters", _changed(("cases", 0, "person", "name"), '"' + "x" * 10**6 + '"'),
     "cases[0].person.name"),
    ("not UTF-8", "\udcff\udcfe{", DOCUMENT),
    ("an empty file", "", DOCUMENT),
    ("a list, not an object", "[]", DOCUMENT),
]  # fmt: skip


def _write(path: Path, raw: str) -> None:
    # surrogateescape: the "not UTF-8" row stands for the raw bytes FF FE.
    path.write_bytes(raw.encode("utf-8", "surrogateescape"))


def _names(line: str, path: Path, field: str) -> bool:
    if field == DOCUMENT:
        return line.startswith((f"{path}: ", "(document): "))
    return line.startswith(f"{field}: ")


@pytest.mark.parametrize(("name", "raw", "field"), HOSTILE, ids=[row[0] for row in HOSTILE])
def test_hostile_input_is_refused_on_import_naming_the_field(
    name: str, raw: str, field: str, tmp_path: Path
) -> None:
    path = tmp_path / "hostile.json"
    _write(path, raw)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="not imported"):
        call_command("import", str(path), stdout=io.StringIO(), stderr=errors)
    problems = [line.strip() for line in errors.getvalue().splitlines()[1:]]
    assert any(_names(line, path, field) for line in problems), problems
    assert all(len(line) < 400 for line in problems)  # no megabyte of the value repeated
    assert Case.objects.count() == 0


@pytest.mark.parametrize(("name", "raw", "field"), HOSTILE, ids=[row[0] for row in HOSTILE])
def test_hostile_input_is_refused_by_evaluate_naming_the_field(
    name: str, raw: str, field: str, tmp_path: Path
) -> None:
    path = tmp_path / "hostile.json"
    _write(path, raw)
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("evaluate", str(path), "--as-of", "2004-06-30", stdout=out)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert _names(message[len(f"{path}: ") :], path, field), message
    assert len(message) < 400 + len(str(path))
    assert out.getvalue() == ""


def test_an_appointment_arranged_ahead_is_taken_by_the_page_and_the_importer_alike() -> None:
    # An appointment with no outcome yet may be in the future (it has been arranged); one
    # with an outcome may not. TODAY is 2004-06-30, so an Order made 2004-03-01 runs past it.
    ahead = dt.date(2004, 7, 5)
    order = make_order(made_on=dt.date(2004, 3, 1))
    services.record_appointment(
        order, by=TEST_ACTOR, on=ahead, hours=2, with_whom="probation", today=TODAY
    )
    arranged = {**appointment(ahead.isoformat()), "outcome": "not_recorded"}
    file = document([arranged], made_on="2004-03-01")
    assert import_case_document(file, by=TEST_ACTOR, today=TODAY).created == ["EXAMPLE-1"]
    attended = document([appointment(ahead.isoformat())], made_on="2004-03-01")
    attended["cases"][0]["reference"] = "EXAMPLE-2"
    with pytest.raises(
        RecordInvalid, match=r"cases\[0\]\.events\[0\]\.on: must be today or in the past"
    ):
        import_case_document(attended, by=TEST_ACTOR, today=TODAY)

"""The dtto-case/1 format: import all-or-nothing, re-import changes nothing, exact round trip."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dtto.audit.services import Actor
from dtto.caseformat import dump_document, schema
from dtto.cases import services
from dtto.cases.export import export_case_document, write_case_file
from dtto.cases.importing import import_case_document
from dtto.cases.models import Appointment, Case, Code, DrugTestResult, Order, Person
from dtto.cases.tests.factories import TEST_ACTOR
from dtto.standards.errors import RecordInvalid

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "two-cases.json"
TODAY = dt.date(2026, 1, 1)


def fixture() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(FIXTURE.read_text())
    return loaded


def import_(document: dict[str, Any]) -> Any:
    return import_case_document(document, by=Actor.system("test"), today=TODAY)


def exported() -> str:
    return dump_document(export_case_document(Case.objects.all()))


def wipe_case_records() -> None:
    """Empty the case tables, as a fresh database would be (the audit trail stays)."""
    from django.apps import apps

    for model in reversed(list(apps.get_app_config("cases").get_models())):
        if model is not Code:
            model._default_manager.all().delete()


def test_fixture_and_its_export_validate_against_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(schema())
    validator.validate(fixture())
    import_(fixture())
    validator.validate(json.loads(exported()))


def test_import_records_the_person_order_and_events() -> None:
    result = import_(fixture())
    assert result.created == ["EXAMPLE-1", "EXAMPLE-2"]
    order = Order.objects.get(case__reference="EXAMPLE-1")
    assert order.terminated_on == dt.date(2004, 2, 2)
    assert order.appointments.count() == 3
    assert {a.outcome.code for a in Appointment.objects.all()} == {"ATTC", "UAAB", "AAME"}
    confirmed = DrugTestResult.objects.get(substance__code="opiates", test__on=dt.date(2003, 2, 4))
    assert confirmed.confirmed is True
    reason = Case.objects.get(reference="EXAMPLE-2").assessment.reason
    assert reason is not None and reason.code == "did_not_attend"
    assert not Order.objects.filter(case__reference="EXAMPLE-2").exists()


def test_importing_the_same_reference_again_changes_nothing_and_says_so() -> None:
    import_(fixture())
    before = exported()
    changed = fixture()
    changed["cases"][0]["person"]["name"] = "Someone Else"
    result = import_(changed)
    assert result.created == []
    assert result.unchanged == ["EXAMPLE-1", "EXAMPLE-2"]
    assert "EXAMPLE-1: already recorded; nothing changed" in result.summary()
    assert exported() == before


def test_export_import_export_is_byte_for_byte_identical() -> None:
    import_(fixture())
    order = Order.objects.get(case__reference="EXAMPLE-1")
    services.record_conviction(
        order.case, by=TEST_ACTOR, on=dt.date(2005, 9, 1), offence="burglary", today=TODAY
    )
    first = exported()
    wipe_case_records()
    assert Case.objects.count() == 0
    import_(json.loads(first))
    assert exported() == first


def test_streamed_export_is_the_same_text_as_the_document_dump() -> None:
    import_(fixture())
    out = io.StringIO()
    assert write_case_file(Case.objects.all(), out) == 2
    assert out.getvalue() == exported()
    empty = io.StringIO()
    write_case_file(Case.objects.none(), empty)
    assert empty.getvalue() == dump_document({"format": "dtto-case/1", "cases": []})


def test_a_file_with_one_bad_case_imports_nothing() -> None:
    document = fixture()
    document["cases"][1]["person"]["ethnicity"] = "Z9"
    with pytest.raises(RecordInvalid) as caught:
        import_(document)
    assert [str(e) for e in caught.value.errors] == [
        "cases[1].person.ethnicity: unknown code 'Z9' in the ethnicity list"
    ]
    assert Person.objects.count() == 0 and Case.objects.count() == 0


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["order"].update(length_months=40),
            "cases[0].order.length_months: Enter a length from 6 to 36 months: an Order lasts at least 6 months and at most 3 years",
        ),
        (
            lambda d: d["order"].update(length_months="12"),
            "cases[0].order.length_months: '12' is not of type 'integer'",
        ),
        (
            lambda d: d["events"][0].update(on="2003-02-01"),
            "cases[0].events[0].on: must be on or after 3 February 2003, when the Order was made",
        ),
        (
            lambda d: d["events"][0].update(on="2003-02-30"),
            "cases[0].events[0].on: must be a real date, got '2003-02-30'",
        ),
        (
            lambda d: d["events"][0].update(on="4 Feb 2003"),
            "cases[0].events[0].on: must be a date in the form YYYY-MM-DD, got '4 Feb 2003'",
        ),
        (
            lambda d: d["events"][0].update(hours="two"),
            "cases[0].events[0].hours: 'two' is not of type 'number'",
        ),
        (
            lambda d: d["events"][0].update(hours=-2),
            "cases[0].events[0].hours: Enter hours more than 0, like 2.5",
        ),
        (
            lambda d: d["events"][1]["results"].update(ketamine="positive"),
            "cases[0].events[1].results.ketamine: unknown code 'ketamine' in the substance list",
        ),
        (
            lambda d: d["events"][0].update(outcome_code="UAAB"),
            "cases[0].events[0].outcome_code: UAAB means unacceptable_absence, but outcome is attended",
        ),
        (
            lambda d: d["events"][7].update(decided_on="2003-02-20"),
            "cases[0].events[7].decided_on: must be on or after 1 March 2003, when the breach was instigated",
        ),
        (
            lambda d: d["events"].append(
                {"type": "termination", "on": "2004-02-02", "reason": "other"}
            ),
            "cases[0].events[13]: a second termination: an Order is terminated once",
        ),
        (
            lambda d: d["events"].insert(12, {"type": "warning", "on": "2004-02-03"}),
            "cases[0].events[12].on: must be on or before 2 February 2004, when the Order was terminated",
        ),
        (
            lambda d: d["person"].update(date_of_birth="2003-06-01"),
            "cases[0].person.date_of_birth: must be before 10 January 2003, the date of the referral",
        ),
        (
            lambda d: d["order"].update(made_on="2027-01-01"),
            "cases[0].order.made_on: must be today or in the past",
        ),
        (
            lambda d: d["order"].update(court="kent-mc"),
            "cases[0].order.court: Kent magistrates' courts is not in Leicestershire and Rutland",
        ),
        (lambda d: d.update(colour="blue"), "cases[0].colour: is not a field of the case format"),
    ],
)
def test_bad_case_file_is_refused_naming_the_field(mutate: Any, expected: str) -> None:
    document = fixture()
    mutate(document["cases"][0])
    with pytest.raises(RecordInvalid) as caught:
        import_(document)
    assert expected in [str(e) for e in caught.value.errors]
    assert Case.objects.count() == 0


def test_events_without_an_order_are_refused() -> None:
    document = fixture()
    document["cases"][1]["events"] = [{"type": "warning", "on": "2003-06-01"}]
    with pytest.raises(
        RecordInvalid, match=r"cases\[1\]\.events\[0\]\.type: a warning event needs an Order"
    ):
        import_(document)


def test_duplicate_reference_within_a_file_is_refused() -> None:
    document = fixture()
    document["cases"].append(copy.deepcopy(document["cases"][0]))
    with pytest.raises(
        RecordInvalid,
        match=r"cases\[2\]\.reference: EXAMPLE-1 is already in use by an earlier case in this file",
    ):
        import_(document)


def test_retired_code_stays_on_old_records_but_cannot_be_used_after_retirement() -> None:
    Code.objects.filter(list_name="attendance_outcome", code="AAME").update(
        retired_on=dt.date(2003, 2, 1)
    )
    with pytest.raises(
        RecordInvalid,
        match="code 'AAME' was retired on 1 February 2003 and cannot be used for 11 February 2003",
    ):
        import_(fixture())
    Code.objects.filter(list_name="attendance_outcome", code="AAME").update(
        retired_on=dt.date(2003, 3, 1)
    )
    import_(fixture())
    assert '"outcome_code":"AAME"' in exported()


def test_a_date_or_code_used_again_is_judged_again_at_each_use() -> None:
    # The importer reads each distinct date string and code once (docs/performance.md): a
    # fault must still be named at every event that has it, and a code retired between two
    # uses refused at the later use only.
    Code.objects.filter(list_name="attendance_outcome", code="AAME").update(
        retired_on=dt.date(2003, 2, 8)
    )
    document = fixture()
    events = document["cases"][0]["events"]
    # 7 February, the day before AAME was retired; events[6] uses it on 11 February, after.
    events[3].update(outcome="acceptable_absence", outcome_code="AAME")
    events[4]["on"] = "2003-02-30"
    events[5]["on"] = "2003-02-30"
    with pytest.raises(RecordInvalid) as refused:
        import_(document)
    assert [str(error) for error in refused.value.errors] == [
        "cases[0].events[4].on: must be a real date, got '2003-02-30'",
        "cases[0].events[5].on: must be a real date, got '2003-02-30'",
        "cases[0].events[6].outcome_code: code 'AAME' was retired on 8 February 2003 and "
        "cannot be used for 11 February 2003",
    ]
    assert not Case.objects.exists()


def test_import_command_reports_each_problem_and_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "dtto-case/1", "cases": [')
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("import", str(bad), stderr=err)
    assert "not valid JSON at line 1" in err.getvalue()


def test_import_and_export_commands_round_trip(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("import", str(FIXTURE), stdout=out)
    assert "2 case(s) imported" in out.getvalue()
    target = tmp_path / "out.json"
    call_command("export", "--area", "kent", "--out", str(target), stderr=io.StringIO())
    assert [c["reference"] for c in json.loads(target.read_text())["cases"]] == ["EXAMPLE-2"]
    with pytest.raises(CommandError, match="--area: unknown probation area 'atlantis'"):
        call_command("export", "--area", "atlantis")


def test_dry_run_checks_and_writes_nothing() -> None:
    result = import_case_document(fixture(), by=Actor.system("test"), today=TODAY, dry_run=True)
    assert result.created == ["EXAMPLE-1", "EXAMPLE-2"]
    assert Case.objects.count() == 0

"""The bulk write (COPY on PostgreSQL, batched inserts on SQLite) records exactly the file's rows.

Run on both databases (``DATABASE_URL`` for PostgreSQL): the expected rows are worked out by
hand from ``fixtures/two-cases.json``, so both write paths are held to the same answer.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dtto.audit.models import AuditEvent
from dtto.audit.services import Actor
from dtto.cases.importing import import_case_document
from dtto.cases.models import (
    Appointment,
    Breach,
    BreachHearing,
    ContactLevelChange,
    Conviction,
    CourtReview,
    DrugTest,
    DrugTestResult,
    FormalWarning,
    Suspension,
    Termination,
)

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "two-cases.json"
TODAY = dt.date(2026, 1, 1)
D = dt.date


def fixture() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(FIXTURE.read_text())
    return loaded


def import_(document: dict[str, Any]) -> Any:
    return import_case_document(document, by=Actor.system("test"), today=TODAY)


def test_every_event_of_the_file_is_written_as_one_row_with_its_values() -> None:
    import_(fixture())
    ref = "EXAMPLE-1"
    assert list(
        Appointment.objects.filter(order__case__reference=ref)
        .order_by("on")
        .values_list("on", "hours", "with_whom", "kind__code", "outcome__code")
    ) == [
        # "attended" and "unacceptable_absence" take their default codes; the third names its own.
        (D(2003, 2, 4), Decimal("2.00"), "probation", None, "ATTC"),
        (D(2003, 2, 7), Decimal("1.50"), "treatment", None, "UAAB"),
        (D(2003, 2, 11), Decimal("3.00"), "treatment", None, "AAME"),
    ]
    assert list(
        DrugTest.objects.filter(order__case__reference=ref)
        .order_by("on")
        .values_list("on", "outcome")
    ) == [(D(2003, 2, 4), "sample"), (D(2003, 2, 6), "admission"), (D(2003, 2, 7), "refused")]
    assert sorted(
        DrugTestResult.objects.values_list("test__on", "substance__code", "result", "confirmed")
    ) == [
        (D(2003, 2, 4), "cocaine", "negative", None),
        (D(2003, 2, 4), "opiates", "positive", True),
    ]
    assert list(DrugTest.admitted.through.objects.values_list("drugtest__on", "code__code")) == [
        (D(2003, 2, 6), "opiates")
    ]
    assert list(FormalWarning.objects.values_list("on", "reason")) == [
        (D(2003, 2, 10), "missed keywork on 7 February")
    ]
    assert list(
        Breach.objects.values_list(
            "on",
            "reason",
            "outcome__code",
            "decided_on",
            "warrant_issued_on",
            "warrant_executed_on",
        )
    ) == [(D(2003, 3, 1), "", "continued_with_requirements", D(2003, 3, 20), None, None)]
    assert list(BreachHearing.objects.values_list("breach__on", "on")) == [
        (D(2003, 3, 1), D(2003, 3, 20))
    ]
    assert list(CourtReview.objects.values_list("on", "hearing", "sat", "notes")) == [
        (D(2003, 3, 3), True, "District Judge Example", "")
    ]
    assert list(ContactLevelChange.objects.values_list("on", "level")) == [(D(2003, 6, 1), "full")]
    assert list(Suspension.objects.values_list("starts_on", "ends_on", "reason")) == [
        (D(2003, 7, 1), D(2003, 7, 14), "home detoxification")
    ]
    assert list(
        Termination.objects.values_list(
            "order__case__reference",
            "on",
            "reason__code",
            "onward_referral_on",
            "onward_referral_to",
            "custody_handover_on",
        )
    ) == [(ref, D(2004, 2, 2), "completed", D(2004, 2, 2), "community drug team", None)]
    assert list(
        Conviction.objects.values_list("case__reference", "on", "offence_on", "offence")
    ) == [(ref, D(2005, 6, 1), D(2005, 3, 1), "theft")]
    # One audit event a case written (EXAMPLE-2 has no Order and no events).
    assert sorted(
        AuditEvent.objects.filter(action="cases.case.imported").values_list(
            "case_reference", "after"
        )
    ) == [
        ("EXAMPLE-1", {"events": 13, "order": True}),
        ("EXAMPLE-2", {"events": 0, "order": False}),
    ]


def test_a_second_import_writes_new_rows_beside_the_first_and_joins_them_to_its_own_tests() -> None:
    import_(fixture())
    second = copy.deepcopy(fixture()["cases"][0])
    second["reference"] = "EXAMPLE-3"
    second["order"]["made_on"] = "2004-01-05"
    second["events"] = [
        {
            "type": "test",
            "on": "2004-01-06",
            "outcome": "sample",
            "results": {"opiates": "negative"},
        },
        {"type": "test", "on": "2004-01-08", "outcome": "admission", "admitted": ["cocaine"]},
        {
            "type": "breach",
            "on": "2004-03-01",
            "outcome": "continued",
            "outcome_code": "continued_with_requirements",
            "decided_on": "2004-03-15",
            "hearings": ["2004-03-08", "2004-03-15"],
        },
    ]
    result = import_({"format": "dtto-case/1", "cases": [second]})
    assert result.created == ["EXAMPLE-3"]
    # The first file's rows are as they were; the second's hang off the second Order's rows.
    assert sorted(
        DrugTestResult.objects.values_list(
            "test__order__case__reference", "test__on", "substance__code", "result"
        )
    ) == [
        ("EXAMPLE-1", D(2003, 2, 4), "cocaine", "negative"),
        ("EXAMPLE-1", D(2003, 2, 4), "opiates", "positive"),
        ("EXAMPLE-3", D(2004, 1, 6), "opiates", "negative"),
    ]
    assert sorted(
        DrugTest.admitted.through.objects.values_list(
            "drugtest__order__case__reference", "drugtest__on", "code__code"
        )
    ) == [("EXAMPLE-1", D(2003, 2, 6), "opiates"), ("EXAMPLE-3", D(2004, 1, 8), "cocaine")]
    assert sorted(
        BreachHearing.objects.values_list("breach__order__case__reference", "breach__on", "on")
    ) == [
        ("EXAMPLE-1", D(2003, 3, 1), D(2003, 3, 20)),
        ("EXAMPLE-3", D(2004, 3, 1), D(2004, 3, 8)),
        ("EXAMPLE-3", D(2004, 3, 1), D(2004, 3, 15)),
    ]

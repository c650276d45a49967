"""Two imports at once: both finish, or one is refused with a clear message; never a traceback.

Each import runs in its own thread, and Django gives each thread its own database connection,
so the two transactions really overlap (a barrier starts them together). Run on SQLite and,
with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

import pytest
from django.db import connection

from dtto.audit.models import AuditEvent
from dtto.cases.importing import ImportResult
from dtto.cases.models import Appointment, Case
from dtto.cases.tests.test_casefile_import_export import fixture, import_
from dtto.standards.errors import RecordInvalid

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def renamed(suffix: str) -> dict[str, Any]:
    """The two-case fixture under references of its own."""
    document = copy.deepcopy(fixture())
    for case in document["cases"]:
        case["reference"] = f"{case['reference']}{suffix}"
    return document


def import_together(*documents: dict[str, Any]) -> list[ImportResult | RecordInvalid]:
    """Start one import a document, each in its own thread and connection, at the same moment.

    Returns what each import returned or the RecordInvalid it raised; any other exception
    is re-raised here, so that a test using this fails on a traceback.
    """
    start = threading.Barrier(len(documents))
    outcomes: list[ImportResult | RecordInvalid | BaseException | None] = [None] * len(documents)

    def run(index: int, document: dict[str, Any]) -> None:
        try:
            start.wait()
            outcomes[index] = import_(document)
        except RecordInvalid as refused:
            outcomes[index] = refused
        except BaseException as failure:  # re-raised below, in the test's own thread
            outcomes[index] = failure
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, d)) for i, d in enumerate(documents)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    finished: list[ImportResult | RecordInvalid] = []
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(outcome, RecordInvalid):
            raise outcome
        assert outcome is not None, "an import did not finish within two minutes"
        finished.append(outcome)
    return finished


def refusal_is_clear(refused: RecordInvalid) -> bool:
    # A clear refusal names the cases, says nothing was imported or to import again.
    return [error.field for error in refused.errors] == ["cases"] and (
        "import" in refused.errors[0].message and "again" in refused.errors[0].message
    )


def test_two_imports_of_different_cases_at_once_both_finish_or_one_is_clearly_refused() -> None:
    outcomes = import_together(renamed("-A"), renamed("-B"))

    imported = [o for o in outcomes if isinstance(o, ImportResult)]
    refused = [o for o in outcomes if isinstance(o, RecordInvalid)]
    assert imported, "at least one of two imports gets the database"
    assert all(refusal_is_clear(r) for r in refused)
    expected = sorted(ref for result in imported for ref in result.created)
    # Each imported file brings its own two cases; a refused file brings none of its.
    assert len(expected) == 2 * len(imported)
    assert sorted(Case.objects.values_list("reference", flat=True)) == expected
    assert AuditEvent.objects.filter(action="cases.case.imported").count() == len(expected)


def test_the_same_file_imported_twice_at_once_records_each_case_once() -> None:
    outcomes = import_together(fixture(), fixture())

    imported = [o for o in outcomes if isinstance(o, ImportResult)]
    refused = [o for o in outcomes if isinstance(o, RecordInvalid)]
    assert all(refusal_is_clear(r) for r in refused)
    created = sorted(ref for result in imported for ref in result.created)
    # Whichever import wins records both cases; the other finds them already recorded (and
    # changes nothing) or is refused: never two of one reference, never half a file.
    assert created == ["EXAMPLE-1", "EXAMPLE-2"]
    assert sorted(Case.objects.values_list("reference", flat=True)) == ["EXAMPLE-1", "EXAMPLE-2"]
    appointments_in_file = sum(
        1 for case in fixture()["cases"] for e in case["events"] if e["type"] == "appointment"
    )
    assert Appointment.objects.count() == appointments_in_file

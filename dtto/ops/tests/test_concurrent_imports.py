"""Two imports at once: both finish, or one is refused with a clear message; never a traceback.

The two imports run in two threads of a child process, each thread with its own connection
(a barrier starts them together), on a new, migrated database of the suite's kind: a SQLite
file, or a PostgreSQL database of its own (the `suite_database` fixture). The in-memory test
database cannot stand in for a real one here: it is shared between threads through one
cache, which locks tables differently from a database file.
"""

from __future__ import annotations

import json
from typing import Any

from dtto.cases.tests.test_casefile_import_export import fixture
from dtto.ops.tests.server import python_code

# Each thread imports its document and notes what came of it: the references it created, the
# refusal's field and message, or any other exception (which the test counts as a failure).
_IMPORTS = """
import copy
import json
import threading
import django
django.setup()
from django.db import connection
from dtto.audit.models import AuditEvent
from dtto.cases.models import Appointment, Case
from dtto.cases.tests.test_casefile_import_export import fixture, import_
from dtto.standards.errors import RecordInvalid

def document(suffix):
    found = copy.deepcopy(fixture())
    for case in found["cases"]:
        case["reference"] += suffix
    return found

documents = [document(suffix) for suffix in {suffixes!r}]
start = threading.Barrier(len(documents), timeout=60)
outcomes = [None] * len(documents)

def run(index):
    try:
        start.wait()
        result = import_(documents[index])
        outcomes[index] = {{"created": result.created}}
    except RecordInvalid as refused:
        outcomes[index] = {{"refused": [[e.field, e.message] for e in refused.errors]}}
    except Exception as error:
        outcomes[index] = {{"error": f"{{type(error).__name__}}: {{error}}"}}
    finally:
        connection.close()

threads = [threading.Thread(target=run, args=(i,)) for i in range(len(documents))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(timeout=120)
print(json.dumps({{
    "outcomes": outcomes,
    "cases": sorted(Case.objects.values_list("reference", flat=True)),
    "appointments": Appointment.objects.count(),
    "imported_events": AuditEvent.objects.filter(action="cases.case.imported").count(),
}}))
"""


def _import_together(env: dict[str, str], *suffixes: str) -> dict[str, Any]:
    run = python_code(_IMPORTS.format(suffixes=list(suffixes)), env)
    assert run.returncode == 0, run.stderr
    found: dict[str, Any] = json.loads(run.stdout.splitlines()[-1])
    return found


def _refusal_is_clear(outcome: dict[str, Any]) -> bool:
    # A clear refusal names the cases and says to import the file again.
    [[field, message]] = outcome["refused"]
    return field == "cases" and "import" in message and "again" in message


def test_two_imports_of_different_cases_at_once_both_finish_or_one_is_clearly_refused(
    suite_database: dict[str, str],
) -> None:
    found = _import_together(suite_database, "-A", "-B")

    outcomes = found["outcomes"]
    assert all("error" not in o for o in outcomes), outcomes
    imported = [o for o in outcomes if "created" in o]
    assert imported, "at least one of two imports gets the database"
    assert all(_refusal_is_clear(o) for o in outcomes if "refused" in o)
    expected = sorted(ref for o in imported for ref in o["created"])
    # Each imported file brings its own two cases; a refused file brings none of its.
    assert len(expected) == 2 * len(imported)
    assert found["cases"] == expected
    assert found["imported_events"] == len(expected)


def test_the_same_file_imported_twice_at_once_records_each_case_once(
    suite_database: dict[str, str],
) -> None:
    found = _import_together(suite_database, "", "")

    outcomes = found["outcomes"]
    assert all("error" not in o for o in outcomes), outcomes
    assert all(_refusal_is_clear(o) for o in outcomes if "refused" in o)
    created = sorted(ref for o in outcomes if "created" in o for ref in o["created"])
    # Whichever import wins records both cases; the other finds them already recorded (and
    # changes nothing) or is refused: never two of one reference, never half a file.
    assert created == ["EXAMPLE-1", "EXAMPLE-2"]
    assert found["cases"] == ["EXAMPLE-1", "EXAMPLE-2"]
    appointments_in_file = sum(
        1 for case in fixture()["cases"] for e in case["events"] if e["type"] == "appointment"
    )
    assert found["appointments"] == appointments_in_file

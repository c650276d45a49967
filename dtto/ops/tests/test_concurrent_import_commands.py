"""Two ``dtto import`` commands at once, as two operators would run them: real processes.

Each import either finishes or is refused as a whole with a clear message ("not imported;
nothing changed"), exit status 1; never a traceback, never half a file, never one reference
recorded twice. Before, two imports at once failed with an ``IntegrityError`` traceback on
the drug-test rollup or the case reference (issue 13). Runs on the suite's kind of database
(`suite_database`: a SQLite file, or a PostgreSQL database of its own).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

from dtto.cases.tests.test_casefile_import_export import fixture
from dtto.ops.tests.server import python_code

_COUNT = """
import json
import django
django.setup()
from dtto.audit.models import AuditEvent
from dtto.cases.models import Appointment, Case
print(json.dumps({
    "cases": sorted(Case.objects.values_list("reference", flat=True)),
    "appointments": Appointment.objects.count(),
    "imported_events": AuditEvent.objects.filter(action="cases.case.imported").count(),
}))
"""


def _case_file(tmp_path: Path, name: str, suffix: str) -> Path:
    document = copy.deepcopy(fixture())
    for case in document["cases"]:
        case["reference"] += suffix
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def _import_at_once(env: dict[str, str], *files: Path) -> list[subprocess.CompletedProcess[str]]:
    running = [
        subprocess.Popen(
            [sys.executable, "-m", "dtto.cli", "import", str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    finished = []
    for process, path in zip(running, files, strict=True):
        stdout, stderr = process.communicate(timeout=180)
        finished.append(
            subprocess.CompletedProcess([str(path)], process.returncode, stdout, stderr)
        )
    return finished


def _database(env: dict[str, str]) -> dict[str, object]:
    run = python_code(_COUNT, env)
    assert run.returncode == 0, run.stderr
    found: dict[str, object] = json.loads(run.stdout.splitlines()[-1])
    return found


def _finished_or_clearly_refused(run: subprocess.CompletedProcess[str]) -> bool:
    if "Traceback" in run.stderr or "Error:" in run.stderr.split("CommandError")[0]:
        return False
    if run.returncode == 0:
        return "done:" in run.stdout
    return run.returncode == 1 and "not imported; nothing changed" in run.stderr


def test_three_import_commands_of_different_files_at_once_never_fail_halfway(
    suite_database: dict[str, str], tmp_path: Path
) -> None:
    files = [_case_file(tmp_path, f"{s}.json", f"-{s}") for s in ("A", "B", "C")]

    runs = _import_at_once(suite_database, *files)

    assert all(_finished_or_clearly_refused(run) for run in runs), [
        (run.returncode, run.stdout, run.stderr) for run in runs
    ]
    imported = [run for run in runs if run.returncode == 0]
    assert imported, "at least one import gets the database"
    found = _database(suite_database)
    # Each file holds two cases (EXAMPLE-1 and EXAMPLE-2 with its suffix); a refused file
    # brings none of its cases.
    expected = sorted(
        f"EXAMPLE-{n}{Path(run.args[0]).stem and '-' + Path(run.args[0]).stem}"
        for run in imported
        for n in (1, 2)
    )
    assert found["cases"] == expected
    assert found["imported_events"] == len(expected)


def test_one_file_imported_by_two_commands_at_once_records_each_case_once(
    suite_database: dict[str, str], tmp_path: Path
) -> None:
    path = _case_file(tmp_path, "same.json", "")

    runs = _import_at_once(suite_database, path, path)

    assert all(_finished_or_clearly_refused(run) for run in runs), [
        (run.returncode, run.stdout, run.stderr) for run in runs
    ]
    found = _database(suite_database)
    assert found["cases"] == ["EXAMPLE-1", "EXAMPLE-2"]
    appointments_in_file = sum(
        1 for case in fixture()["cases"] for e in case["events"] if e["type"] == "appointment"
    )
    assert found["appointments"] == appointments_in_file
    assert found["imported_events"] == 2

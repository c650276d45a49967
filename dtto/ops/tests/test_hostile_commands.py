"""The hostile-input corpus through ``dtto import`` and ``dtto evaluate`` as an operator runs
them: each refused file is named with "nothing changed", exit status 1, never a traceback.

The corpus and its expected outcomes: dtto/cases/tests/test_hostile_input.py. Runs on a new,
migrated database of the suite's kind (`suite_database`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dtto.caseformat.tests.hostile_generated import GENERATED, HOSTILE

EXPECTED: dict[str, dict[str, str]] = json.loads((HOSTILE / "expected.json").read_text())


def _command(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dtto.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_import_and_evaluate_commands_refuse_every_bad_file_without_a_traceback(
    suite_database: dict[str, str], tmp_path: Path
) -> None:
    for item in GENERATED:
        item.write(tmp_path / f"{item.name}.json")
    refused = sorted(n for n, e in EXPECTED.items() if e["outcome"] == "refused")
    files = [str(HOSTILE / n) for n in refused] + [
        str(tmp_path / f"{g.name}.json") for g in GENERATED
    ]

    imported = _command(suite_database, "import", "--dry-run", *files)

    assert imported.returncode == 1
    assert "Traceback" not in imported.stderr
    assert f"{len(files)} of {len(files)} file(s) not imported" in imported.stderr
    for path in files:
        assert f"{path}: not imported; nothing changed." in imported.stderr
    evaluated_refused = [
        str(HOSTILE / n)
        for n, e in EXPECTED.items()
        if e.get("evaluate", e["outcome"]) == "refused"
    ]
    for path in sorted(evaluated_refused)[::8] + [
        str(tmp_path / f"{g.name}.json") for g in GENERATED
    ]:
        evaluated = _command(
            suite_database, "evaluate", "--workers", "1", "--as-of", "2026-12-01", path
        )
        assert evaluated.returncode == 1, (path, evaluated.stderr[-300:])
        assert "Traceback" not in evaluated.stderr, evaluated.stderr[-2000:]
        assert evaluated.stdout == ""
        assert len(evaluated.stderr) < 1000

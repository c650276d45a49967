"""`scripts/dependencies`: the offline vulnerability check, and the snapshot it reads.

Runs the script as CI does, with no network: the check answers from a snapshot file through
pip-audit pointed at a local stand-in for OSV.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "dependencies"
SNAPSHOT = ROOT / "requirements" / "vulnerabilities.json"
DJANGO_PIN = next(
    line.strip()
    for line in (ROOT / "constraints.txt").read_text().splitlines()
    if line.startswith("Django==")
)


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_committed_snapshot_covers_exactly_the_pins_and_passes() -> None:
    checked = _run("audit")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No known vulnerabilities found" in checked.stdout + checked.stderr


def test_a_known_vulnerability_in_a_pin_fails_the_check(tmp_path: Path) -> None:
    snapshot = json.loads(SNAPSHOT.read_text())
    version = DJANGO_PIN.split("==")[1]
    snapshot["packages"][f"django=={version}"] = [
        {
            "id": "PYSEC-TEST-1",
            "aliases": ["CVE-TEST-1"],
            "summary": "A made-up flaw for this test",
            "affected": [
                {
                    "package": {"ecosystem": "PyPI", "name": "django"},
                    "ranges": [
                        {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99.0"}]}
                    ],
                }
            ],
        }
    ]
    planted = tmp_path / "snapshot.json"
    planted.write_text(json.dumps(snapshot))
    checked = _run("audit", "--snapshot", str(planted))
    assert checked.returncode == 1
    assert "PYSEC-TEST-1" in checked.stdout and "99.0" in checked.stdout, checked.stderr


def test_a_snapshot_missing_a_pin_fails_the_check(tmp_path: Path) -> None:
    snapshot = json.loads(SNAPSHOT.read_text())
    del snapshot["packages"][f"django=={DJANGO_PIN.split('==')[1]}"]
    short = tmp_path / "snapshot.json"
    short.write_text(json.dumps(snapshot))
    checked = _run("audit", "--snapshot", str(short))
    assert checked.returncode == 1
    assert f"not covered: django=={DJANGO_PIN.split('==')[1]}" in checked.stderr


def test_refresh_from_an_advisory_database_keeps_only_entries_for_our_versions(
    tmp_path: Path,
) -> None:
    version = DJANGO_PIN.split("==")[1]
    major_minor = ".".join(version.split(".")[:2])
    database = tmp_path / "advisory-database" / "vulns" / "django"
    database.mkdir(parents=True)
    # One range covers our version (introduced at our minor release, fixed a patch later);
    # one was fixed before it; one lists other versions only.
    entries = {
        "PYSEC-T-1.yaml": f"id: PYSEC-T-1\naffected:\n- package: {{ecosystem: PyPI, name: Django}}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: '{major_minor}'\n    - fixed: '{version}.1'\n",
        "PYSEC-T-2.yaml": f"id: PYSEC-T-2\naffected:\n- package: {{ecosystem: PyPI, name: django}}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: '0'\n    - fixed: '{major_minor}'\n",
        "PYSEC-T-3.yaml": "id: PYSEC-T-3\naffected:\n- package: {ecosystem: PyPI, name: django}\n  versions: ['1.0']\n",
    }
    for name, text in entries.items():
        (database / name).write_text(text)
    out = tmp_path / "snapshot.json"
    refreshed = _run("refresh", "--advisory-db", str(database.parents[1]), "--snapshot", str(out))
    assert refreshed.returncode == 0, refreshed.stderr
    snapshot = json.loads(out.read_text())
    assert [v["id"] for v in snapshot["packages"][f"django=={version}"]] == ["PYSEC-T-1"]
    assert sum(len(v) for v in snapshot["packages"].values()) == 1

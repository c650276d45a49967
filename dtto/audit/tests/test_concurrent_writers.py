"""Writers in separate processes, each with its own connection, leave one unbroken chain.

On PostgreSQL the writers share the test database; on SQLite (whose test database lives in
this process's memory) they share a migrated database file, as a deployment would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
WRITERS = 4
EVENTS_EACH = 25
# Each writer says it is ready, then waits for the word to go, so that they really overlap.
WRITER = """
import sys, time, django
from pathlib import Path
django.setup()
from dtto.audit.services import Actor, record_event
name, count, meeting = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
(meeting / name).touch()
while not (meeting / "go").exists():
    time.sleep(0.002)
for i in range(count):
    record_event(Actor.system(name), "audit.test.written", target_type="writer",
                 target_id=name, detail={"i": i})
"""


@pytest.fixture
def shared_database(transactional_db: None, tmp_path: Path) -> dict[str, str]:
    """The environment that points a child process at a database the writers share."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "dtto.settings"}
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
        env["DATABASE_URL"] = (
            f"postgres://{quote(settings['USER'])}{password}@{settings['HOST']}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
        return env
    env.pop("DATABASE_URL", None)
    env["DTTO_SQLITE_PATH"] = str(tmp_path / "shared.sqlite3")
    _dtto(env, "migrate", "--verbosity", "0")
    return env


def _dtto(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dtto.cli", *argv],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_concurrent_writers_leave_one_chain_with_no_gaps(
    shared_database: dict[str, str], tmp_path: Path
) -> None:
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"writer-{n}", str(EVENTS_EACH), str(meeting)],
            env=shared_database,
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    deadline = time.monotonic() + 120
    while len(list(meeting.iterdir())) < WRITERS and time.monotonic() < deadline:
        time.sleep(0.01)
    # All were set up and waiting, so they contended for the chain from the first write.
    # (How they interleave is the database's business: SQLite's waiting writers back off and
    # often let one writer finish first, PostgreSQL's queue on the row lock.)
    assert len(list(meeting.iterdir())) == WRITERS
    (meeting / "go").touch()
    failures = [w.communicate(timeout=300)[1] for w in writers if w.wait(timeout=300)]
    assert failures == []

    verified = _dtto(shared_database, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    total = WRITERS * EVENTS_EACH
    assert f"intact: {total} events; last event {total}," in verified.stdout

    out = tmp_path / "trail.jsonl"
    exported = _dtto(shared_database, "audit", "export", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["sequence"] for line in lines] == list(range(1, total + 1))
    assert Counter(line["actor_label"] for line in lines) == {
        f"writer-{n}": EVENTS_EACH for n in range(WRITERS)
    }
    # Each writer's own events keep the order it wrote them in.
    for n in range(WRITERS):
        mine = [line["detail"]["i"] for line in lines if line["actor_label"] == f"writer-{n}"]
        assert mine == list(range(EVENTS_EACH))

"""Several ``dtto tests draw`` runs at once still draw each Order week exactly once.

Each run is a separate process with its own connection, as two cron jobs overlapping would
be. On PostgreSQL they share the test database; on SQLite a migrated database file.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
RUNS = 3
KEY = "a test key, not the demo key"
# Records an Order made a week from today (the runs draw as of today, so its first week is
# still to come and can be drawn in full).
SETUP = """
import datetime as dt, django
django.setup()
from django.utils import timezone
from dtto.audit.services import Actor
from dtto.cases import services
made_on = timezone.localdate() + dt.timedelta(days=7)
actor = Actor.system("test")
case = services.register_referral(
    by=actor, today=made_on, reference="LEI-1", area="leicestershire", name="Sam Test",
    date_of_birth=dt.date(1980, 5, 1), sex="M", ethnicity="W1",
    referred_on=made_on - dt.timedelta(days=30), referral_source="court",
)
services.record_assessment(case, by=actor, outcome="suitable", today=made_on)
services.make_order(case, by=actor, today=made_on, made_on=made_on, length_months=12,
                    intensity="higher")
print(made_on.isoformat())
"""
# Each run says it is ready, then waits for the word to go, so that they really overlap.
RUN = """
import sys, time, django
from pathlib import Path
django.setup()
from django.core.management import call_command
week, name, meeting = sys.argv[1], sys.argv[2], Path(sys.argv[3])
(meeting / name).touch()
while not (meeting / "go").exists():
    time.sleep(0.002)
call_command("tests", "draw", "--week", week)
"""
COUNT = """
import django
django.setup()
from dtto.audit.models import AuditEvent
from dtto.scheduling.models import TestDraw
print(list(TestDraw.objects.values_list("order__case__reference", "week")),
      AuditEvent.objects.filter(action="scheduling.test_draw.made").count())
"""


@pytest.fixture
def shared_database(transactional_db: None, tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "dtto.settings",
        "DTTO_TEST_DRAW_KEY": KEY,
    }
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
    _python(env, "-m", "dtto.cli", "migrate", "--verbosity", "0")
    return env


def _python(env: dict[str, str], *argv: str) -> str:
    done = subprocess.run(
        [sys.executable, *argv], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


# The reference data (areas, codes) the runs need is put back by dtto/conftest.py if an
# earlier transactional test's flush emptied it.
@pytest.mark.django_db(transaction=True)
def test_overlapping_draw_runs_draw_the_week_once(
    shared_database: dict[str, str], tmp_path: Path
) -> None:
    made_on = dt.date.fromisoformat(_python(shared_database, "-c", SETUP))
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", RUN, made_on.isoformat(), f"run-{n}", str(meeting)],
            env=shared_database,
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(RUNS)
    ]
    deadline = time.monotonic() + 120
    while len(list(meeting.iterdir())) < RUNS and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(list(meeting.iterdir())) == RUNS
    (meeting / "go").touch()
    failures = [r.communicate(timeout=300)[1] for r in runs if r.wait(timeout=300)]

    assert failures == []
    assert _python(shared_database, "-c", COUNT) == "[('LEI-1', 1)] 1"

"""Concurrent writers on SQLite wait their turn rather than fail (issue 13, docs/setup.md).

Ten writers record an appointment on one Order at the same moment, with the production
settings: through the services, in ten threads of one process, on a new database of the
suite's kind (a SQLite file, or a PostgreSQL database when the suite runs on PostgreSQL);
and through the appointment page of `dtto serve` on a SQLite file. The in-memory test
database cannot be shared between threads or processes, so both run in child processes.

The services read the Order before they write. With SQLite's default (deferred)
transactions, a transaction that has read cannot take the write lock while another holds
it, and SQLite fails it at once with "database is locked" rather than wait: the service
test fails that way without the settings' IMMEDIATE transactions. The page's transaction
writes its one-time form token first, so it waits even then; its test proves the whole
path, server to database, saves every post.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from pathlib import Path

from dtto.ops.tests.server import (
    Answer,
    dtto_command,
    production_env,
    python_code,
    serving,
)

WRITERS = 10
# Each request may wait up to DTTO_SQLITE_TIMEOUT (20 s) for the write lock; these bound the
# test's own waits well beyond that but short of hanging a run.
REQUEST_SECONDS = 60
JOIN_SECONDS = 90

# A case manager signed in (a session saved in the server's database) and a running Order,
# made by the same helpers as the page tests.
_SETUP = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
from dtto.accounts.models import Role
from dtto.cases.tests.web import make_running_case, make_user

case_manager = make_user("cm", Role.CASE_MANAGER)
running = make_running_case(case_manager)
client = Client()
client.force_login(case_manager)
print(json.dumps({
    "reference": running.case.reference,
    "today": running.today.isoformat(),
    "session_cookie": settings.SESSION_COOKIE_NAME,
    "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
}))
"""

_COUNT = """
import datetime as dt
import json
import django
django.setup()
from dtto.cases.models import Appointment, FormSubmission
appointments = Appointment.objects.filter(
    order__case__reference="{reference}", on=dt.date.fromisoformat("{today}"), hours="2.5"
)
print(json.dumps({{
    "appointments": appointments.count(),
    "submissions": FormSubmission.objects.count(),
}}))
"""

# Ten threads, each with its own connection (Django opens one per thread), start recording at
# once; each notes "saved" or the error it met.
_SERVICE_WRITERS = """
import json
import threading
import django
django.setup()
from django.db import connection
from dtto.accounts.models import Role
from dtto.cases import services
from dtto.cases.models import Appointment, Order
from dtto.cases.tests.web import ACTOR, make_running_case, make_user

running = make_running_case(make_user("cm", Role.CASE_MANAGER))
connection.close()
start = threading.Barrier({writers}, timeout=60)
outcomes = ["no outcome"] * {writers}

def write(index):
    try:
        order = Order.objects.get(pk=running.order.pk)
        start.wait()
        services.record_appointment(
            order, by=ACTOR, on=running.today, hours="2.5", with_whom="probation"
        )
        outcomes[index] = "saved"
    except Exception as error:
        outcomes[index] = f"{{type(error).__name__}}: {{error}}"
    finally:
        connection.close()

writers = [threading.Thread(target=write, args=(i,)) for i in range({writers})]
for writer in writers:
    writer.start()
for writer in writers:
    writer.join(timeout=90)
print(json.dumps({{
    "outcomes": outcomes,
    "appointments": Appointment.objects.filter(
        order=running.order, on=running.today, hours="2.5"
    ).count(),
}}))
"""

_FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
_CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A saved form answers 302; the test wants that answer, not the page it points to.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _request(url: str, cookie: str, form: dict[str, str] | None = None) -> Answer:
    body = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=body, headers={"Cookie": cookie})
    try:
        with _OPENER.open(request, timeout=REQUEST_SECONDS) as response:
            return Answer(response.status, _headers(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, _headers(error.headers), error.read())


def _headers(headers: Message) -> dict[str, str]:
    # The session and CSRF cookies come in two Set-Cookie headers: keep both.
    return {**dict(headers.items()), "Set-Cookie": "; ".join(headers.get_all("Set-Cookie", []))}


def _csrf_cookie(answer: Answer) -> str:
    found = re.search(r"csrftoken=([^;]+)", answer.headers.get("Set-Cookie", ""))
    assert found, f"no CSRF cookie set: {answer.headers}"
    return found.group(1)


def _migrated(tmp_path: Path) -> dict[str, str]:
    env = production_env(tmp_path / "dtto.sqlite3")
    migrated = dtto_command("migrate", "--verbosity", "0", env=env)
    assert migrated.returncode == 0, migrated.stderr
    return env


def test_ten_threads_recording_appointments_on_one_order_at_once_all_save(
    suite_database: dict[str, str],
) -> None:
    run = python_code(_SERVICE_WRITERS.format(writers=WRITERS), suite_database)
    assert run.returncode == 0, run.stderr
    # No thread met "database is locked" (an OperationalError) or anything else.
    assert json.loads(run.stdout.splitlines()[-1]) == {
        "outcomes": ["saved"] * WRITERS,
        "appointments": WRITERS,
    }


def test_ten_appointments_posted_at_once_to_one_order_are_all_saved(tmp_path: Path) -> None:
    env = _migrated(tmp_path)
    setup = python_code(_SETUP, env)
    assert setup.returncode == 0, setup.stderr
    world = json.loads(setup.stdout.splitlines()[-1])
    session = f"{world['session_cookie']}={world['session']}"
    on = world["today"].split("-")
    fields = {
        "on_day": str(int(on[2])),
        "on_month": str(int(on[1])),
        "on_year": on[0],
        "hours": "2.5",
        "with_whom": "probation",
    }

    # Three workers of four threads: twelve requests can be in flight at once.
    argv = ["-m", "dtto.cli", "serve", "--workers", "3", "--bind"]
    with serving(env, tmp_path, argv) as server:
        url = f"{server.url}/cases/{world['reference']}/appointments/new/"
        first = _request(url, session)
        assert first.status == 200, first.body[:500]
        cookie = f"{session}; csrftoken={_csrf_cookie(first)}"
        # Each writer shows the form first, as a browser does, and so has its own token.
        forms = []
        for _ in range(WRITERS):
            page = _request(url, cookie).body.decode()
            forms.append(
                {
                    **fields,
                    "form_token": _FORM_TOKEN.findall(page)[0],
                    "csrfmiddlewaretoken": _CSRF_TOKEN.findall(page)[0],
                }
            )
        assert len({form["form_token"] for form in forms}) == WRITERS

        start = threading.Barrier(WRITERS, timeout=JOIN_SECONDS)
        answers: list[Answer | BaseException] = [RuntimeError("no answer")] * WRITERS

        def write(index: int) -> None:
            try:
                start.wait()
                answers[index] = _request(url, cookie, forms[index])
            except BaseException as error:  # reported by the assertion below
                answers[index] = error

        writers = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(timeout=JOIN_SECONDS)
        assert not any(writer.is_alive() for writer in writers), "a writer did not finish"

    statuses = [answer.status if isinstance(answer, Answer) else repr(answer) for answer in answers]
    # Saved forms redirect to the case page; a refused one would be 200, a crash 500.
    assert statuses == [302] * WRITERS, server.stderr.read_text()[-3000:]
    counted = python_code(_COUNT.format(reference=world["reference"], today=world["today"]), env)
    assert counted.returncode == 0, counted.stderr
    # Each of the ten tokens recorded its appointment once; none was lost or refused.
    assert json.loads(counted.stdout) == {"appointments": WRITERS, "submissions": WRITERS}


def test_a_sqlite_file_is_written_ahead_and_waits_the_configured_seconds_for_the_lock(
    tmp_path: Path,
) -> None:
    env = _migrated(tmp_path)
    env["DTTO_SQLITE_TIMEOUT"] = "7"
    probe = python_code(
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    for pragma in ('journal_mode', 'synchronous', 'busy_timeout'):\n"
        "        cursor.execute(f'PRAGMA {pragma}')\n"
        "        print(cursor.fetchone()[0])\n",
        env,
    )
    assert probe.returncode == 0, probe.stderr
    # synchronous 1 is NORMAL; the busy timeout is in milliseconds.
    assert probe.stdout.split() == ["wal", "1", "7000"]


def test_a_sqlite_timeout_under_a_second_is_refused_naming_the_setting(tmp_path: Path) -> None:
    env = production_env(tmp_path / "dtto.sqlite3", DTTO_SQLITE_TIMEOUT="0")
    refused = dtto_command("migrate", "--verbosity", "0", env=env)
    assert refused.returncode != 0
    assert "DTTO_SQLITE_TIMEOUT: expected at least 1 second, got 0" in refused.stderr
    assert not (tmp_path / "dtto.sqlite3").exists()

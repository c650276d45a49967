"""Posts of one sample, or with one Idempotency-Key, sent at the same moment record once.

Eight threads of a child process, each with its own database connection, post at once to
the API on a new database of the suite's kind (a SQLite file, or a PostgreSQL database when
the suite runs on PostgreSQL); the in-memory test database cannot be shared between
threads. Each client's posts are taken one at a time under its row lock
(dtto/api/idempotency.py), so the later ones find the first one's work.
"""

from __future__ import annotations

import json

from dtto.ops.tests.conftest import suite_database  # noqa: F401 - the fixture
from dtto.ops.tests.server import python_code

POSTERS = 8

_POSTS = """
import json
import threading
import django
django.setup()
from django.db import connection
from django.test import Client
from dtto.accounts.models import Role
from dtto.api import clients
from dtto.api.models import IdempotentAnswer, LaboratorySample
from dtto.audit.services import Actor
from dtto.cases.models import Appointment, DrugTest
from dtto.cases.tests.web import make_running_case, make_user

running = make_running_case(make_user("cm", Role.CASE_MANAGER))
operator = Actor.system("test operator")
lab = clients.create_client(
    by=operator, name="lab", role="laboratory", area="leicestershire"
).token
provider = clients.create_client(
    by=operator, name="cdt", role="treatment-provider", provider="leicestershire-treatment"
).token
tests_before = DrugTest.objects.filter(order=running.order).count()
appointments_before = Appointment.objects.filter(order=running.order).count()
connection.close()
start = threading.Barrier({posters} * 2, timeout=60)
answers = {{"sample": [None] * {posters}, "key": [None] * {posters}}}
sample = {{
    "case_reference": running.case.reference,
    "sample_id": "LAB-42",
    "on": running.today.isoformat(),
    "results": {{"opiates": "positive"}},
}}
appointment = {{
    "case_reference": running.case.reference,
    "on": running.today.isoformat(),
    "hours": "2.5",
}}

def post(kind, index):
    try:
        http = Client()
        start.wait()
        if kind == "sample":
            answer = http.post(
                "/api/v1/drug-tests", json.dumps(sample), content_type="application/json",
                HTTP_AUTHORIZATION="Bearer " + lab,
            )
            answers[kind][index] = [answer.status_code, answer.json().get("received")]
        else:
            answer = http.post(
                "/api/v1/appointments", json.dumps(appointment), content_type="application/json",
                HTTP_AUTHORIZATION="Bearer " + provider, HTTP_IDEMPOTENCY_KEY="once-only",
            )
            answers[kind][index] = [answer.status_code, answer.get("Idempotent-Replayed")]
    except Exception as error:
        answers[kind][index] = f"{{type(error).__name__}}: {{error}}"
    finally:
        connection.close()

threads = [
    threading.Thread(target=post, args=(kind, i))
    for kind in ("sample", "key") for i in range({posters})
]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(timeout=120)
print(json.dumps({{
    "sample": sorted(answers["sample"], key=str),
    "key": sorted(answers["key"], key=str),
    "tests": DrugTest.objects.filter(order=running.order).count() - tests_before,
    "samples": LaboratorySample.objects.count(),
    "appointments": Appointment.objects.filter(order=running.order).count()
    - appointments_before,
    "kept answers": IdempotentAnswer.objects.count(),
}}))
"""


def test_one_sample_and_one_key_posted_by_eight_threads_at_once_record_once(
    suite_database: dict[str, str],  # noqa: F811 - the fixture imported above
) -> None:
    run = python_code(_POSTS.format(posters=POSTERS), suite_database)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.splitlines()[-1])
    assert result == {
        # One post records the sample; the others find it and record nothing.
        "sample": sorted([[201, "recorded"]] + [[200, "unchanged"]] * (POSTERS - 1), key=str),
        # One post records the appointment; the others replay its answer.
        "key": sorted([[201, None]] + [[201, "true"]] * (POSTERS - 1), key=str),
        "tests": 1,
        "samples": 1,
        "appointments": 1,
        "kept answers": 1,
    }, run.stderr[-3000:]

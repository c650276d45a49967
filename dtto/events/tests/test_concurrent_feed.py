"""A subscriber polling while many services write at once sees every event exactly once, in order.

This is what the sequence head's lock is for (dtto/events/services.py). Were events numbered
by a database sequence, a writer could take 41, another 42 and commit first; a reader at that
moment would see 42, move its cursor past 41 and never see it. Here six writers record
appointments on two Orders at the same moment (through the services, one connection each)
while a reader pages through the feed with a small page; the run happens in a child process
on a new database of the suite's kind (a SQLite file, or PostgreSQL when the suite runs
there), as the in-memory test database cannot be shared between threads.

The services also take the audit chain's head, which orders them too; the second test's
writers take no other lock, so it alone shows the events head doing the work (numbered by
the table's PostgreSQL sequence instead, it fails: its reader missed events).
"""

from __future__ import annotations

import json

from dtto.ops.tests.server import python_code

WRITERS = 6
EACH = 5
PAGE = 4
# The reader asks again at once while there is more, and pauses this long when it has caught
# up, as docs/api.md tells a subscriber to. A reader that never paused would hold Python's
# GIL against the writer threads of its own process (one writer in a real deployment is
# another process, or another worker thread beside a busy page): measured here, six writers
# took 0.7 s with the pause and 60 to 70 s without, and writers waiting behind the slowed
# lock holder ran out of SQLite's 20 seconds. That convoy is Python's, not the feed's.
CAUGHT_UP_PAUSE = 0.002

_RUN = """
import json
import threading
import time
import django
django.setup()
from django.db import connection
from dtto.accounts.models import Role
from dtto.cases import services
from dtto.cases.models import Order
from dtto.cases.tests.web import ACTOR, make_running_case, make_user
from dtto.events.feed import events_after
from dtto.events.models import DomainEvent

first = make_running_case(make_user("cm", Role.CASE_MANAGER))
second = make_running_case(make_user("cm2", Role.CASE_MANAGER), reference="WEB-0002")
before = DomainEvent.objects.count()
connection.close()
start = threading.Barrier({writers} + 1, timeout=60)
writing = threading.Event()
writers_done = threading.Event()
outcomes = ["no outcome"] * {writers}
seen = []
polls = {{"during": 0, "after": 0, "error": None}}
CAUGHT_UP_PAUSE = {pause}

def write(index):
    try:
        running = first if index % 2 else second
        order = Order.objects.get(pk=running.order.pk)
        start.wait()
        writing.set()
        for _ in range({each}):
            services.record_appointment(
                order, by=ACTOR, on=running.today, hours="1.25", with_whom="probation",
                outcome="ATTC",
            )
        outcomes[index] = "saved"
    except Exception as error:
        outcomes[index] = f"{{type(error).__name__}}: {{error}}"
    finally:
        connection.close()

def read():
    try:
        cursor = 0
        start.wait()
        while True:
            # Noted before the poll: a poll begun after every writer finished sees everything.
            finished = writers_done.is_set()
            page = events_after(cursor, {page})
            seen.extend(event.sequence for event in page.events)
            cursor = page.next_cursor
            polls["after" if finished else "during"] += 1
            if finished and not page.more:
                break
            if not page.more:
                time.sleep(CAUGHT_UP_PAUSE)
    except Exception as error:
        polls["error"] = f"{{type(error).__name__}}: {{error}}"
    finally:
        connection.close()

threads = [threading.Thread(target=write, args=(i,)) for i in range({writers})]
reader = threading.Thread(target=read)
for thread in [reader, *threads]:
    thread.start()
for thread in threads:
    thread.join(timeout=120)
writers_done.set()
reader.join(timeout=120)
print(json.dumps({{
    "outcomes": outcomes,
    "seen": seen,
    "before": before,
    "total": DomainEvent.objects.count(),
    "written": DomainEvent.objects.filter(
        type="appointment.recorded", payload__hours="1.25"
    ).count(),
    "polls": polls,
}}))
"""


def test_a_reader_polling_during_concurrent_writes_sees_every_event_once_in_order(
    suite_database: dict[str, str],
) -> None:
    # SQLite's waiting writers are not queued in turn: each retries the lock after a sleep,
    # so on a loaded machine one can lose it to the others for longer than the default 20
    # seconds. That limit is a setting (DTTO_SQLITE_TIMEOUT), and not what this test is about.
    env = {**suite_database, "DTTO_SQLITE_TIMEOUT": "300"}
    run = python_code(
        _RUN.format(writers=WRITERS, each=EACH, page=PAGE, pause=CAUGHT_UP_PAUSE), env
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["outcomes"] == ["saved"] * WRITERS
    assert result["polls"]["error"] is None
    # Every appointment published its one event, and nothing else was written meanwhile.
    assert result["written"] == WRITERS * EACH
    assert result["total"] == result["before"] + WRITERS * EACH
    # The reader handled events 1, 2, 3... to the last, each once: no gap, no repeat.
    assert result["seen"] == list(range(1, result["total"] + 1))
    # It was polling while the writers wrote, not only after.
    assert result["polls"]["during"] > 0


# Writers that hold their transaction open a moment after numbering their event, as a service
# does while it refreshes summaries, and take no other lock (no audit event): only the
# sequence head orders them. A reader that skipped a number committed late would fail here.
_EMITTERS = """
import json
import threading
import time
import django
django.setup()
from django.db import connection, transaction
from dtto.events.feed import events_after
from dtto.events.services import emit

start = threading.Barrier({writers} + 1, timeout=60)
writers_done = threading.Event()
outcomes = ["no outcome"] * {writers}
seen = []
polls = {{"during": 0, "error": None}}
CAUGHT_UP_PAUSE = {pause}

def write(index):
    try:
        start.wait()
        for n in range({each}):
            with transaction.atomic():
                emit("cases.imported", cases=index, orders=n, records=0)
                # 10, 20 or 30 ms: writers numbered close together commit out of turn.
                time.sleep(0.01 * (1 + (index + n) % 3))
        outcomes[index] = "saved"
    except Exception as error:
        outcomes[index] = f"{{type(error).__name__}}: {{error}}"
    finally:
        connection.close()

def read():
    try:
        cursor = 0
        start.wait()
        while True:
            finished = writers_done.is_set()
            page = events_after(cursor, {page})
            seen.extend([event.sequence, event.payload["cases"], event.payload["orders"]]
                        for event in page.events)
            cursor = page.next_cursor
            polls["during"] += 0 if finished else 1
            if finished and not page.more:
                break
            if not page.more:
                time.sleep(CAUGHT_UP_PAUSE)
    except Exception as error:
        polls["error"] = f"{{type(error).__name__}}: {{error}}"
    finally:
        connection.close()

threads = [threading.Thread(target=write, args=(i,)) for i in range({writers})]
reader = threading.Thread(target=read)
for thread in [reader, *threads]:
    thread.start()
for thread in threads:
    thread.join(timeout=120)
writers_done.set()
reader.join(timeout=120)
print(json.dumps({{"outcomes": outcomes, "seen": seen, "polls": polls}}))
"""


def test_writers_slow_to_commit_still_reach_a_polling_reader_in_number_order(
    suite_database: dict[str, str],
) -> None:
    writers, each = 6, 8
    # As in the first test: the waiting, not the ordering, is what the timeout is about.
    env = {**suite_database, "DTTO_SQLITE_TIMEOUT": "300"}
    run = python_code(
        _EMITTERS.format(writers=writers, each=each, page=3, pause=CAUGHT_UP_PAUSE), env
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["outcomes"] == ["saved"] * writers
    assert result["polls"]["error"] is None
    seen = result["seen"]
    assert [sequence for sequence, _, _ in seen] == list(range(1, writers * each + 1))
    # Each writer's events arrive in the order it wrote them, and all of them arrive.
    for writer in range(writers):
        assert [n for _, w, n in seen if w == writer] == list(range(each))
    assert result["polls"]["during"] > 0

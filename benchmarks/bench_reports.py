"""Time the national report over a large case record (issue 5: 100,000 Orders, ~15M events).

Builds a fresh database (SQLite file, or the PostgreSQL database named by ``DATABASE_URL``),
writes a synthetic case record straight into the case tables with ``executemany`` (a
benchmark, not a test: going through the services would take hours and measure the services,
not the reports), then times:

1. ``refresh_summaries`` over every Order (what ``orders_changed`` does on an import, here
   for the whole record at once: every finding with the day it becomes final), and the
   referral summaries of every case (what ``referrals_changed`` does);
2. ``measures.report`` for England and Wales (the national dashboard), cold and warm (with
   the CPU time of this process, which is all of SQLite's work, and the load average), the
   dashboard page's work around it (suppression, sections, template), one financial year,
   and one area.

Environment: ``BENCH_ORDERS`` (default 10000; 100000 for the issue's scale),
``BENCH_DB`` (SQLite file, default a temporary one, replaced), ``DATABASE_URL`` for PostgreSQL
(name a new, empty database), ``BENCH_SKIP_LOAD=1`` to reuse a loaded database (migrated
first: the migration to dated findings rebuilds the summaries),
``BENCH_COMMAND=1`` to also time ``dtto report`` in a new process.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

SEED = 2004
START = dt.date(2001, 4, 1)
AS_OF = dt.date(2006, 6, 30)


def _setup() -> None:
    if "DATABASE_URL" not in os.environ:
        path = os.environ.get("BENCH_DB") or os.path.join(tempfile.gettempdir(), "dtto-bench.db")
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        if not os.environ.get("BENCH_SKIP_LOAD") and os.path.exists(path):
            os.remove(path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dtto.settings")
    import django

    django.setup()


def machine() -> str:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return (
        f"nproc {os.cpu_count()}, CPU {cpu}, RAM {ram:.1f} GiB, Python {platform.python_version()},"
        f" load average {load:.1f}"
    )


class Loader:
    """Writes rows with explicit ids, so events can point at their Order without a lookup."""

    def __init__(self) -> None:
        from django.db import connection

        from dtto.accounts.models import Area
        from dtto.cases.models import Code

        self.connection = connection
        self.codes = {(c.list_name, c.code): c.pk for c in Code.objects.all()}
        self.areas = list(Area.objects.order_by("pk").values_list("pk", flat=True))
        self.events = 0
        self.ids: dict[str, int] = {}

    def insert(self, model: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        table = self.connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(self.connection.ops.quote_name(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        with self.connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def next_id(self, kind: str) -> int:
        self.ids[kind] = self.ids.get(kind, 0) + 1
        return self.ids[kind]


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


def load(orders: int) -> int:
    """Write ``orders`` Orders (and as many referrals that never became one); return events."""
    from django.db import transaction
    from django.utils import timezone

    from dtto.cases import models as m

    loader = Loader()
    code = loader.codes
    rng = random.Random(SEED)
    now = timezone.now()
    att = [code[("attendance_outcome", c)] for c in ["ATTC"] * 88 + ["UAAB"] * 4 + ["AAME"] * 8]
    ethnicities = [
        code[("ethnicity", c)] for c in ["W1"] * 85 + ["B1"] * 5 + ["A2"] * 4 + ["M1"] * 6
    ]
    sexes = [code[("sex", c)] for c in ["M"] * 82 + ["F"] * 18]
    opiates, cocaine = code[("substance", "opiates")], code[("substance", "cocaine")]
    reasons = {
        r: code[("termination_reason", r)]
        for r in (
            "completed",
            "early_good_progress",
            "revoked_non_compliance",
            "revoked_conviction",
            "other",
        )
    }
    breach_codes = {b: code[("breach_outcome", b)] for b in ("pending", "continued", "revoked")}
    unsuitable = [code[("unsuitable_reason", r)] for r in ("violence_risk", "not_motivated")]
    not_assessed = [code[("not_assessed_reason", r)] for r in ("did_not_attend", "withdrew")]
    source = code[("referral_source", "court")]
    events = 0
    batch = 1000
    for first in range(0, orders * 2, batch * 2):
        rows: dict[str, list[tuple[Any, ...]]] = {
            k: []
            for k in (
                "person",
                "case",
                "assessment",
                "order",
                "appointment",
                "test",
                "result",
                "breach",
                "review",
                "termination",
                "conviction",
            )
        }
        for i in range(first, min(first + batch * 2, orders * 2)):
            person = loader.next_id("person")
            referred = START + dt.timedelta(days=rng.randrange(4 * 365))
            born = referred - dt.timedelta(days=rng.randrange(18 * 365, 50 * 365))
            rows["person"].append(
                (person, f"P{i}", born, rng.choice(sexes), rng.choice(ethnicities))
            )
            case = loader.next_id("case")
            rows["case"].append(
                (case, f"B-{i}", person, rng.choice(loader.areas), referred, source, now)
            )
            sentenced = i % 2 == 0
            if not sentenced:
                outcome = rng.choice(("not_assessed", "unsuitable", "suitable"))
                reason_id = (
                    rng.choice(not_assessed)
                    if outcome == "not_assessed"
                    else rng.choice(unsuitable)
                    if outcome == "unsuitable"
                    else None
                )
                rows["assessment"].append((case, outcome, reason_id, ""))
                continue
            rows["assessment"].append((case, "suitable", None, ""))
            order = loader.next_id("order")
            made = referred + dt.timedelta(days=rng.randrange(14, 60))
            intensity = "higher" if rng.random() < 0.85 else "lower"
            natural_end = made + dt.timedelta(days=365)
            fate = rng.random()
            if fate < 0.44:
                reason, end = (
                    "revoked_non_compliance",
                    made + dt.timedelta(days=rng.randrange(30, 330)),
                )
            elif fate < 0.66:
                reason, end = "revoked_conviction", made + dt.timedelta(days=rng.randrange(30, 330))
            elif fate < 0.72:
                reason, end = "other", made + dt.timedelta(days=rng.randrange(30, 330))
            elif fate < 0.80:
                reason, end = (
                    "early_good_progress",
                    made + dt.timedelta(days=rng.randrange(200, 330)),
                )
            else:
                reason, end = "completed", natural_end - dt.timedelta(days=1)
            terminated = end if end <= AS_OF else None
            last = min(end, AS_OF)
            rows["order"].append((order, case, made, 12, intensity, natural_end, terminated))
            for day in _days(made, last):
                if day.weekday() >= 5:
                    continue
                if rng.random() < 0.35:
                    rows["appointment"].append(
                        (
                            order,
                            day,
                            rng.choice((1.0, 2.0, 3.0)),
                            rng.choice(("probation", "treatment")),
                            rng.choice(att),
                        )
                    )
                    events += 1
                if rng.random() < 0.2:
                    test = loader.next_id("test")
                    rows["test"].append((test, order, day, "sample"))
                    # Drug use falls with time on the Order (Figure 16).
                    clear = 0.2 + 0.3 * min(1.0, (day - made).days / 365)
                    rows["result"].append(
                        (test, opiates, "negative" if rng.random() < clear else "positive")
                    )
                    rows["result"].append(
                        (test, cocaine, "negative" if rng.random() < clear + 0.2 else "positive")
                    )
                    events += 3
                if day.day == made.day and rng.random() < 0.8:
                    rows["review"].append((order, day, True, "", ""))
                    events += 1
            if reason.startswith("revoked") or rng.random() < 0.3:
                on = max(made, last - dt.timedelta(days=20))
                outcome = "revoked" if reason == "revoked_non_compliance" else "continued"
                decided = on + dt.timedelta(days=10) if on + dt.timedelta(days=10) <= last else None
                rows["breach"].append(
                    (order, on, "", breach_codes[outcome if decided else "pending"], decided)
                )
                events += 1
            if terminated is not None:
                rows["termination"].append((order, terminated, reasons[reason], ""))
                events += 1
            if rng.random() < 0.6:
                on = made + dt.timedelta(days=rng.randrange(30, 900))
                if on <= AS_OF:
                    rows["conviction"].append((case, on, ""))
                    events += 1
        with transaction.atomic():
            loader.insert(
                m.Person, ["id", "name", "date_of_birth", "sex_id", "ethnicity_id"], rows["person"]
            )
            loader.insert(
                m.Case,
                [
                    "id",
                    "reference",
                    "person_id",
                    "area_id",
                    "referred_on",
                    "referral_source_id",
                    "created_at",
                ],
                rows["case"],
            )
            loader.insert(
                m.Assessment,
                ["case_id", "outcome", "reason_id", "recommended_intensity"],
                rows["assessment"],
            )
            loader.insert(
                m.Order,
                [
                    "id",
                    "case_id",
                    "made_on",
                    "length_months",
                    "intensity",
                    "natural_end_on",
                    "terminated_on",
                ],
                rows["order"],
            )
            loader.insert(
                m.Appointment,
                ["order_id", "on", "hours", "with_whom", "outcome_id"],
                rows["appointment"],
            )
            loader.insert(m.DrugTest, ["id", "order_id", "on", "outcome"], rows["test"])
            loader.insert(m.DrugTestResult, ["test_id", "substance_id", "result"], rows["result"])
            loader.insert(
                m.CourtReview, ["order_id", "on", "hearing", "sat", "notes"], rows["review"]
            )
            loader.insert(
                m.Breach, ["order_id", "on", "reason", "outcome_id", "decided_on"], rows["breach"]
            )
            loader.insert(
                m.Termination,
                ["order_id", "on", "reason_id", "onward_referral_to"],
                rows["termination"],
            )
            loader.insert(m.Conviction, ["case_id", "on", "offence"], rows["conviction"])
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("cases_person", "cases_case", "cases_order", "cases_drugtest"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
            cursor.execute("ANALYZE")
    return events


def timed(label: str, function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.2f} s", flush=True)
    return seconds, result


def _page() -> None:
    """What ``/reports/`` does for a national analyst, without the HTTP round trip."""
    from django.template.loader import render_to_string

    from dtto.reports import measures
    from dtto.reports.queries import Period, Scope
    from dtto.reports.sections import report_sections
    from dtto.reports.statistics import publish

    data = publish(measures.report(Scope.national(), Period(), as_of=AS_OF))
    render_to_string(
        "reports/document.html",
        {"title": "England and Wales", "data": data, "sections": report_sections(data)},
    )


def main() -> None:
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from dtto.accounts.models import Area
    from dtto.cases.models import Case, Order
    from dtto.reports import measures
    from dtto.reports.queries import Period, Scope
    from dtto.reports.summaries import refresh_referrals, refresh_summaries

    orders = int(os.environ.get("BENCH_ORDERS", "10000"))
    print(machine())
    print(f"database: {connection.vendor}", flush=True)
    if not os.environ.get("BENCH_SKIP_LOAD"):
        call_command("migrate", verbosity=0)
        seconds, events = timed(f"load {orders} Orders", lambda: load(orders))
        print(f"events written: {events:,}")
        ids = list(Order.objects.values_list("pk", flat=True))
        seconds, _ = timed("refresh_summaries over every Order", lambda: refresh_summaries(ids))
        print(f"refresh: {len(ids) / seconds:,.0f} Orders/s")
        cases = list(Case.objects.values_list("pk", flat=True))
        timed("summarise every referral", lambda: refresh_referrals(cases))
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    else:
        # A database loaded by an earlier version: bring the summary tables up to date.
        timed("migrate (reusing the loaded database)", lambda: call_command("migrate", verbosity=0))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    national = lambda: measures.report(Scope.national(), Period(), as_of=AS_OF)  # noqa: E731
    timed("national report, cold (first call: imports lifelines and scipy)", national)
    timings = []
    for _ in range(3):
        cpu = time.process_time()
        seconds, _ = timed("national report, warm", national)
        # SQLite runs in this process, so CPU time is what the report costs on an idle
        # machine; on PostgreSQL most of the work is in the server process.
        print(
            f"  cpu in this process {time.process_time() - cpu:.2f} s, load {os.getloadavg()[0]:.1f}"
        )
        timings.append(seconds)
    print(f"national report, warm, best of 3: {min(timings):.2f} s")
    timed("national dashboard page (report, suppression, sections, template)", _page)
    year = Period(dt.date(2003, 4, 1), dt.date(2004, 3, 31))
    timed(
        "national report, one financial year",
        lambda: measures.report(Scope.national(), year, as_of=AS_OF),
    )
    area = Area.objects.order_by("pk").first()
    assert area is not None
    timed("area report", lambda: measures.report(Scope.area(area.code), Period(), as_of=AS_OF))
    if os.environ.get("BENCH_COMMAND"):
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dtto.cli",
                "report",
                "--format",
                "json",
                "--as-of",
                AS_OF.isoformat(),
                "--out",
                os.devnull,
            ],
            check=True,
        )
        print(f"dtto report --format json (new process): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()

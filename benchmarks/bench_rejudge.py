"""Time a full re-judge: ``refresh_summaries`` over every Order of the database (issue 12).

Loads a synthetic case record with the reports benchmark's loader (:func:`bench_reports.load`)
into a fresh database, then re-judges every Order twice (the first pass writes the summaries,
the second replaces them, as a nightly or on-import re-judge does) and prints Orders/s, and
one Order alone (what a recorded appointment costs within its request).

Environment: ``BENCH_REJUDGE_ORDERS`` (default 2000), ``BENCH_DB`` (SQLite file, default
``dtto-bench-rejudge.db`` in the temporary directory, replaced), ``DATABASE_URL`` for
PostgreSQL (name a new, empty database), ``BENCH_PROFILE=1`` to print the 25 costliest
functions of the second pass (``cProfile``, by own time).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import tempfile
import time

from benchmarks.bench_reports import _setup, load, machine


def main() -> None:
    os.environ.setdefault("BENCH_DB", os.path.join(tempfile.gettempdir(), "dtto-bench-rejudge.db"))
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from dtto.cases.models import Order
    from dtto.reports.summaries import refresh_summaries

    orders = int(os.environ.get("BENCH_REJUDGE_ORDERS", "2000"))
    print(machine())
    print(f"database: {connection.vendor}", flush=True)
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    events = load(orders)
    print(f"load {orders} Orders ({events:,} events): {time.perf_counter() - start:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    ids = list(Order.objects.values_list("pk", flat=True))
    for label in ("first re-judge (no summaries yet)", "full re-judge (replacing summaries)"):
        profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
        start = time.perf_counter()
        if profile is not None and label.startswith("full"):
            profile.runcall(refresh_summaries, ids)
        else:
            refresh_summaries(ids)
        seconds = time.perf_counter() - start
        print(
            f"{label}: {seconds:.2f} s, {len(ids) / seconds:,.0f} Orders/s,"
            f" load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        if profile is not None and label.startswith("full"):
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    one = ids[len(ids) // 2]
    best = min(_timed(refresh_summaries, [one]) for _ in range(5))
    print(f"one Order re-judged (best of 5): {best * 1000:.1f} ms")


def _timed(function: object, ids: list[int]) -> float:
    start = time.perf_counter()
    function(ids)  # type: ignore[operator]
    return time.perf_counter() - start


if __name__ == "__main__":
    main()

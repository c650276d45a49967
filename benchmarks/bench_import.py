"""Import and export a simulated national data set through the real importer.

Times ``import_case_document`` (checks, writes, audit, and the reports' per-Order summaries
that it triggers, each part apart) and the streamed export, on a fresh SQLite file and, when
PostgreSQL is reachable, on a fresh PostgreSQL database. Each database runs in a child process so that
Django's settings are read afresh. Environment: ``BENCH_IMPORT_ORDERS`` (default 3000, the
demo's size), ``BENCH_PG_URL`` (default ``postgres://postgres@127.0.0.1:5432``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any


def child(orders: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dtto.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from dtto.audit.services import Actor
    from dtto.cases import importing
    from dtto.cases.export import write_case_file
    from dtto.cases.importing import import_case_document
    from dtto.cases.models import Case
    from dtto.cases.signals import orders_changed, referrals_changed
    from dtto.simulate.national import simulate_national

    # The findings the reports app builds on the import's signals are timed apart from the
    # import's own checks and writes, so that each can be compared with its target.
    in_signals = [0.0]

    def timed(send: Any) -> Any:
        def send_and_time(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return send(*args, **kwargs)
            finally:
                in_signals[0] += time.perf_counter() - started

        return send_and_time

    for signal in (orders_changed, referrals_changed):
        signal.send = timed(signal.send)  # type: ignore[method-assign]
    # The importer's own parts are timed apart too: the schema check, the rules (every case's
    # checks), the write phase (every row of every case) and the commit (on PostgreSQL the
    # foreign keys, deferred by Django, are checked there, one query a row).
    spent = {"schema": 0.0, "rules": 0.0, "write": 0.0, "commit": 0.0}

    def timed_part(part: str, run: Any) -> Any:
        def run_and_time(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return run(*args, **kwargs)
            finally:
                spent[part] += time.perf_counter() - started

        return run_and_time

    importing.schema_errors = timed_part("schema", importing.schema_errors)
    importing._check_case = timed_part("rules", importing._check_case)
    importing._write_cases = timed_part("write", importing._write_cases)
    wrapper = type(connections["default"])
    wrapper.commit = timed_part("commit", wrapper.commit)  # type: ignore[method-assign]

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    document = simulate_national(orders=orders, seed=2004)
    simulated = time.perf_counter() - started
    events = sum(len(case.get("events", [])) for case in document["cases"])
    spent.update(dict.fromkeys(spent, 0.0))  # the migrations' commits are not the import's
    started = time.perf_counter()
    import_case_document(document, by=Actor.system("benchmark"))
    imported = time.perf_counter() - started
    started = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        write_case_file(Case.objects.all(), sink)
    exported = time.perf_counter() - started
    result = {
        "cases": len(document["cases"]),
        "events": events,
        "simulate_s": round(simulated, 1),
        "import_s": round(imported, 1),
        "schema_s": round(spent["schema"], 1),
        "rules_s": round(spent["rules"], 1),
        "write_s": round(spent["write"], 1),
        "events_per_s_write": round(events / spent["write"]),
        "commit_s": round(spent["commit"], 1),
        "findings_s": round(in_signals[0], 1),
        "events_per_s_without_findings": round(events / (imported - in_signals[0])),
        "export_s": round(exported, 1),
        "events_per_s_import": round(events / imported),
    }
    print(json.dumps(result))


def _run(label: str, env: dict[str, str], orders: int) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_import", "--child", str(orders)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"{label}: failed\n{done.stderr[-2000:]}")
        return
    print(f"{label}: {done.stdout.strip().splitlines()[-1]}", flush=True)


def main() -> None:
    orders = int(os.environ.get("BENCH_IMPORT_ORDERS", "3000"))
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["DTTO_SQLITE_PATH"] = str(Path(folder) / "bench.sqlite3")
        _run("SQLite", env, orders)
    base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    name = f"dtto_bench_import_{uuid.uuid4().hex[:8]}"
    host = base.split("@")[-1].split(":")[0]
    created = subprocess.run(
        ["psql", "-h", host, "-U", "postgres", "-qc", f"CREATE DATABASE {name}"],
        capture_output=True,
        check=False,
    )
    if created.returncode != 0:
        print("PostgreSQL: not reachable, skipped")
        return
    try:
        _run("PostgreSQL", {**os.environ, "DATABASE_URL": f"{base}/{name}"}, orders)
    finally:
        subprocess.run(
            ["psql", "-h", host, "-U", "postgres", "-qc", f"DROP DATABASE {name}"],
            capture_output=True,
            check=False,
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[2]))
    else:
        main()

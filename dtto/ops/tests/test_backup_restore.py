"""`dtto backup` and `dtto restore` carry a live database whole into a new one, and back.

The restore runs in a child process against a database of its own, made by `dtto migrate`
as an operator would (a SQLite file, or a new PostgreSQL database when the suite runs there):
restore, `dtto audit verify`, back up again, and the two backups are the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from dtto.accounts.models import Area, Role, User
from dtto.accounts.services import create_demo_users
from dtto.audit.models import AuditEvent
from dtto.audit.services import Actor, record_event
from dtto.cases import reporting_services
from dtto.cases.models import Case, ReviewReport
from dtto.cases.tests.factories import TEST_ACTOR, make_order
from dtto.ops.backup import EXCLUDED, backed_up_models, label
from dtto.reports.tests.factories import case, ended, load

ROOT = Path(__file__).resolve().parents[3]


def _dtto(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dtto.cli", *argv],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _server_url() -> str:
    settings = connection.settings_dict
    password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    return f"postgres://{quote(settings['USER'])}{password}@{settings['HOST']}:{settings['PORT'] or 5432}"


def _server(statement: str) -> None:
    """Run a statement on the server outside any transaction (a test's is open meanwhile)."""
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as server:
        server.execute(statement)


def _create_database(name: str, template: str | None = None) -> None:
    _server(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))


def _drop_database(name: str) -> None:
    _server(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def migrated_template(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database `dtto migrate` has just made, migrated once and copied for each test."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "dtto.settings"}
    name = f"dtto_restore_template_{uuid.uuid4().hex[:10]}"
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            _create_database(name)
            env["DATABASE_URL"] = f"{_server_url()}/{name}"
        else:
            env.pop("DATABASE_URL", None)
            name = str(tmp_path_factory.mktemp("template") / f"{name}.sqlite3")
            env["DTTO_SQLITE_PATH"] = name
        migrated = _dtto(env, "migrate", "--verbosity", "0")
        assert migrated.returncode == 0, migrated.stderr
        yield name
        if connection.vendor == "postgresql":
            _drop_database(name)


@pytest.fixture
def new_database(migrated_template: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a child process pointed at a new, freshly migrated database."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "dtto.settings"}
    if connection.vendor == "postgresql":
        name = f"dtto_restore_{uuid.uuid4().hex[:10]}"
        _create_database(name, template=migrated_template)
        env["DATABASE_URL"] = f"{_server_url()}/{name}"
        yield env
        _drop_database(name)
        return
    env.pop("DATABASE_URL", None)
    copy = tmp_path / "new.sqlite3"
    shutil.copyfile(migrated_template, copy)
    env["DTTO_SQLITE_PATH"] = str(copy)
    yield env


def _live_database() -> dict[str, str]:
    """A small live database: users of every role, edited reference data, cases with events,
    a review report sent to the court, and the audit trail all of that wrote."""
    create_demo_users(by=Actor.system("test"))
    manager = User.objects.get(role=Role.CASE_MANAGER)
    dorset = Area.objects.get(code="dorset")
    dorset.name = "Dorset (renamed in the admin)"
    dorset.save()
    load(
        case(made="2003-02-03", events=[ended("2003-08-01", "completed")]),
        case(made=None),
    )
    order = make_order(made_on=dt.date(2003, 2, 3))
    report = reporting_services.draft_review_report(
        order, by=TEST_ACTOR, review_due=dt.date(2003, 3, 3), today=dt.date(2003, 3, 1)
    )
    reporting_services.edit_review_report(
        report, by=TEST_ACTOR, assessment="Attends well; two negative tests — encouraging."
    )
    record_event(manager, "test.event", target_type="case", target_id=order.case.reference)
    return {"password": manager.password, "area": dorset.name}


def test_every_installed_model_is_backed_up_or_left_out_with_a_reason() -> None:
    backed_up = {label(model) for model in backed_up_models()}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            assert label(model) in backed_up or EXCLUDED.get(label(model)), label(model)
    # The tables the issue names, by name, in case a filter above went wrong.
    for needed in (
        "accounts.user",
        "accounts.user_groups",
        "accounts.area",
        "accounts.areatarget",
        "accounts.areabudget",
        "cases.code",
        "cases.case",
        "cases.person_other_drugs",
        "cases.reviewreport",
        "audit.auditevent",
        "audit.auditchainhead",
    ):
        assert needed in backed_up


def test_tables_come_after_the_tables_they_refer_to() -> None:
    order = [label(model) for model in backed_up_models()]
    for position, model in enumerate(backed_up_models()):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is not model:
                target = label(field.related_model)
                if target in order:
                    assert order.index(target) < position, (label(model), target)


@pytest.mark.django_db
def test_backup_restored_into_a_new_database_backs_up_to_the_same_bytes(
    tmp_path: Path, new_database: dict[str, str]
) -> None:
    live = _live_database()
    events_before = AuditEvent.objects.count()
    first, second = tmp_path / "first.jsonl.gz", tmp_path / "second.jsonl.gz"
    call_command("backup", str(first), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    # The backup is audited, after it was read: it is not in the file.
    backed_up = AuditEvent.objects.order_by("sequence").last()
    assert backed_up is not None and backed_up.action == "ops.database.backed_up"
    assert backed_up.sequence == events_before + 1

    restored = _dtto(new_database, "restore", str(first))
    assert restored.returncode == 0, restored.stderr
    assert f"audit trail intact: {events_before} events" in restored.stdout
    verified = _dtto(new_database, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    again = _dtto(new_database, "backup", str(second))
    assert again.returncode == 0, again.stderr
    assert second.read_bytes() == first.read_bytes()

    # What the bytes hold, read back in the new database: a password hash that still signs
    # in, the renamed area, the review report's text, the trail's last event before the backup.
    probe = _dtto(
        new_database,
        "shell",
        "-c",
        "import json; from dtto.accounts.models import User, Area;"
        " from dtto.cases.models import ReviewReport; from dtto.audit.models import AuditEvent;"
        " u = User.objects.get(username='demo-case-manager');"
        " print(json.dumps([u.password, u.role, u.area.code, Area.objects.get(code='dorset').name,"
        f" ReviewReport.objects.get().assessment, AuditEvent.objects.get(sequence={events_before}).hash]))",
    )
    assert probe.returncode == 0, probe.stderr
    password, role, area, dorset, assessment, last_hash = json.loads(probe.stdout.splitlines()[-1])
    assert password == live["password"]
    assert (role, area, dorset) == ("case_manager", "leicestershire", live["area"])
    assert assessment == ReviewReport.objects.get().assessment
    assert last_hash == AuditEvent.objects.get(sequence=events_before).hash


@pytest.mark.django_db
def test_a_database_with_records_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    _live_database()
    backup = tmp_path / "backup.jsonl"
    call_command("backup", str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
    cases, events = Case.objects.count(), AuditEvent.objects.count()
    with pytest.raises(
        CommandError, match=r"this database is not empty \(it has rows in .*accounts\.user"
    ):
        call_command("restore", str(backup))
    assert (Case.objects.count(), AuditEvent.objects.count()) == (cases, events)


@pytest.mark.django_db
def test_damaged_or_foreign_backups_change_nothing(
    tmp_path: Path, new_database: dict[str, str]
) -> None:
    _live_database()
    good = tmp_path / "good.jsonl"
    call_command("backup", str(good), stdout=open(os.devnull, "w"))  # noqa: SIM115
    lines = good.read_bytes().splitlines(keepends=True)

    # One character of a review report changed: the checksum no longer matches.
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_bytes(b"".join(lines).replace(b"encouraging", b"encouraginG"))
    refused = _dtto(new_database, "restore", str(damaged))
    assert refused.returncode == 1
    assert "nothing restored" in refused.stderr and "damaged" in refused.stderr

    # Cut short after the first half of its lines.
    short = tmp_path / "short.jsonl"
    short.write_bytes(b"".join(lines[: len(lines) // 2]))
    refused = _dtto(new_database, "restore", str(short))
    assert refused.returncode == 1 and "ends early" in refused.stderr

    # Made at other migrations (a header from a later dtto).
    header = json.loads(lines[0])
    header["schema"]["cases"].append("9999_later")
    foreign = tmp_path / "foreign.jsonl"
    foreign.write_bytes(json.dumps(header).encode() + b"\n" + b"".join(lines[1:]))
    refused = _dtto(new_database, "restore", str(foreign))
    assert refused.returncode == 1 and "apps differing: cases" in refused.stderr

    # After all three, the new database is still empty: the good backup restores.
    restored = _dtto(new_database, "restore", str(good))
    assert restored.returncode == 0, restored.stderr

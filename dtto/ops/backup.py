"""A whole database in one file, and back: ``dtto backup FILE`` and ``dtto restore FILE``.

The file (``dtto-backup/1``, docs/operations.md and docs/decisions/0012) is JSON lines: a
header naming the format and the migrations the database had; then, for each table in
dependency order, a line naming the model and its columns followed by one JSON array per
row, in primary-key order; then a last line with the row count and the SHA-256 of every
line before it. Values are written the same way whatever the database (dates and times in
ISO 8601, times in UTC, decimals as strings, JSON with sorted keys), so a backup restored
and backed up again gives the same bytes, on SQLite and PostgreSQL alike.

The tables are every installed model's (``apps.get_models``), so a table added later is
backed up with no change here; only those in ``EXCLUDED`` are left out, each with its reason.
Rows are read and written as plain values, below the services and the audit trail's
linking: a backup is a copy of what was recorded, not a new record. The audit trail's rows
go back with their own numbers and hashes, through INSERT, which its triggers allow; nothing
about its protection is lifted.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from dtto.audit.chain import GENESIS
from dtto.audit.models import AuditChainHead
from dtto.lib.bulk import insert_rows
from dtto.lib.files import open_private

FORMAT = "dtto-backup/1"
READ_BATCH = 2000

# Models whose rows are not backed up, and why (a test checks every other model is).
EXCLUDED: dict[str, str] = {
    "sessions.session": (
        "signed-in sessions are not carried over: after a restore everyone signs in again,"
        " and a copy of live session keys would be a way in"
    ),
}

# Tables a fresh `dtto migrate` fills (content types, permissions, the default reference
# data and code lists). A restore replaces their rows with the backup's; any other table
# with a row makes the database not empty, and the restore is refused. A new data migration
# that fills another table must name it here (the round-trip test fails until it does).
FILLED_BY_MIGRATE = {
    "contenttypes.contenttype",
    "auth.permission",
    "accounts.area",
    "accounts.drugactionteam",
    "accounts.team",
    "accounts.court",
    "accounts.treatmentprovider",
    "accounts.areatarget",
    "accounts.areabudget",
    "cases.code",
}


class BackupError(Exception):
    """A backup that cannot be restored here, or a database that cannot take it."""


def label(model: Any) -> str:
    return str(model._meta.label_lower)


def backed_up_models() -> list[type[models.Model]]:
    """Every installed model with a table of its own, in dependency order.

    Includes the many-to-many tables Django makes (``include_auto_created``); a model comes
    after every model its foreign keys point to, ties broken by label so the order is the
    same on every run.
    """
    candidates = {
        label(model): model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and label(model) not in EXCLUDED
    }
    needs: dict[str, set[str]] = {}
    for name, model in candidates.items():
        targets = {
            label(field.related_model)
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model is not None
        }
        needs[name] = {t for t in targets if t in candidates and t != name}
    ordered: list[str] = []
    placed: set[str] = set()
    while len(ordered) < len(candidates):
        ready = sorted(name for name in candidates if name not in placed and needs[name] <= placed)
        if not ready:
            raise BackupError(f"foreign keys form a cycle among {sorted(set(candidates) - placed)}")
        ordered.extend(ready)
        placed.update(ready)
    return [candidates[name] for name in ordered]


def _columns(model: type[models.Model]) -> list[Any]:
    return list(model._meta.concrete_fields)


def schema_version() -> dict[str, list[str]]:
    """The migrations applied to this database, by app: what a backup's rows fit."""
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


# --- values, written the same way on every database -------------------------------------


def value_encoder(field: Any) -> Callable[[Any], Any]:
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return lambda v: v.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if kind in ("DateField", "TimeField"):
        return lambda v: v.isoformat()
    if kind == "DecimalField":
        return lambda v: format(v, "f")
    if kind == "UUIDField":
        return str
    if kind == "BinaryField":
        return lambda v: base64.b64encode(bytes(v)).decode("ascii")
    if kind == "DurationField":
        return lambda v: v // dt.timedelta(microseconds=1)
    return lambda v: v


def value_decoder(field: Any) -> Callable[[Any], Any]:
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return dt.datetime.fromisoformat
    if kind == "DateField":
        return dt.date.fromisoformat
    if kind == "TimeField":
        return dt.time.fromisoformat
    if kind == "DecimalField":
        return Decimal
    if kind == "UUIDField":
        return uuid.UUID
    if kind == "BinaryField":
        return base64.b64decode
    if kind == "DurationField":
        return lambda v: dt.timedelta(microseconds=v)
    return lambda v: v


def _line(value: Any) -> bytes:
    return (
        json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
    ).encode("ascii")


# --- backup ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupSummary:
    tables: int
    rows: int
    sha256: str
    audit_events: int


def _lines() -> Iterator[tuple[str, bytes]]:
    """The backup's lines, each with the model it belongs to ("" for header and end)."""
    chosen = backed_up_models()
    yield "", _line({"format": FORMAT, "schema": schema_version(), "tables": len(chosen)})
    for model in chosen:
        fields = _columns(model)
        encoders = [value_encoder(f) for f in fields]
        rows = model._base_manager.order_by("pk")
        yield (
            label(model),
            _line(
                {
                    "table": label(model),
                    "columns": [f.attname for f in fields],
                    "rows": rows.count(),
                }
            ),
        )
        for row in rows.values_list(*[f.attname for f in fields]).iterator(chunk_size=READ_BATCH):
            yield (
                label(model),
                _line(
                    [None if v is None else enc(v) for enc, v in zip(encoders, row, strict=True)]
                ),
            )


@contextmanager
def _open_out(path: Path) -> Iterator[IO[bytes]]:
    with open_private(path, "wb") as raw:
        if path.suffix != ".gz":
            yield raw
            return
        # No name and no time in the gzip header, so the same backup gives the same bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed:
            yield packed  # type: ignore[misc]


def write_backup(path: Path) -> BackupSummary:
    """Write every backed-up table to ``path`` (mode 0600; gzip when it ends ``.gz``).

    Read in one transaction that sees one moment of the database (REPEATABLE READ on
    PostgreSQL; SQLite's transaction holds the write lock, so writers wait meanwhile).
    """
    digest = hashlib.sha256()
    rows = tables = audit_events = 0
    # Inside a caller's transaction (a test's), the backup reads what that transaction sees.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        with _open_out(path) as out:
            for model_label, line in _lines():
                digest.update(line)
                out.write(line)
                if line.startswith(b"{") and model_label:
                    tables += 1
                elif model_label:
                    rows += 1
                    audit_events += model_label == "audit.auditevent"
            out.write(_line({"end": FORMAT, "rows": rows, "sha256": digest.hexdigest()}))
    return BackupSummary(tables, rows, digest.hexdigest(), audit_events)


# --- restore -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreSummary:
    tables: int
    rows: int


def _open_in(path: Path) -> IO[bytes]:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else path.open("rb")  # type: ignore[return-value]


def _not_empty(chosen: Iterable[type[models.Model]]) -> list[str]:
    occupied = []
    for model in chosen:
        rows = model._base_manager.all()
        if model is AuditChainHead:
            # Migrate starts the chain: a head at event 0 is what a new database has.
            rows = rows.exclude(sequence=0, hash=GENESIS)
        if label(model) not in FILLED_BY_MIGRATE and rows.exists():
            occupied.append(label(model))
    return occupied


def _move_head_forward(rows: Iterable[tuple[Any, ...]], columns: list[str]) -> None:
    """Set the chain head migrate started to the backup's, by the one change its triggers
    allow (forward), as it may not be deleted; a new database with no head gets it inserted."""
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        pk = values.pop("id")
        if not AuditChainHead.objects.filter(pk=pk).update(**values):
            insert_rows(AuditChainHead, columns, [row])


class _Reader:
    """The backup's lines in order, each checked as JSON, the running SHA-256 kept."""

    def __init__(self, handle: IO[bytes], path: Path) -> None:
        self.handle, self.path, self.number = handle, path, 0
        self.digest = hashlib.sha256()

    def next(self, what: str) -> Any:
        line = self.handle.readline()
        self.number += 1
        if not line:
            raise BackupError(f"{self.path}: ends early, at line {self.number} ({what} expected)")
        try:
            value = json.loads(line)
        except ValueError:
            raise BackupError(
                f"{self.path}: line {self.number} is not JSON ({what} expected)"
            ) from None
        self.digest.update(line)
        return value


def _header(reader: _Reader) -> dict[str, Any]:
    header = reader.next("the header")
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{reader.path}: not a dtto backup ({FORMAT})")
    here = schema_version()
    if header.get("schema") != here:
        theirs = header.get("schema") or {}
        differing = sorted(
            app for app in set(theirs) | set(here) if theirs.get(app) != here.get(app)
        )
        raise BackupError(
            f"{reader.path}: made at other migrations than this database has (apps differing:"
            f" {', '.join(differing)}); restore with the dtto version that made it, into a"
            " database migrated with that version, then upgrade"
        )
    return header


def _table_rows(
    reader: _Reader, model: type[models.Model], columns: list[str], count: int
) -> Iterator[tuple[Any, ...]]:
    fields = _columns(model)
    decoders = [value_decoder(f) for f in fields]
    for _ in range(count):
        row = reader.next(f"a row of {label(model)}")
        if not isinstance(row, list) or len(row) != len(columns):
            raise BackupError(f"{reader.path}: line {reader.number} is not a row of {label(model)}")
        yield tuple(
            None if v is None else f.get_db_prep_save(dec(v), connection)
            for f, dec, v in zip(fields, decoders, row, strict=True)
        )


def restore_backup(path: Path) -> RestoreSummary:
    """Load the backup at ``path`` into this database, which must be empty (freshly migrated).

    All in one transaction: a backup that is damaged, cut short or made at other migrations
    changes nothing.
    """
    chosen = backed_up_models()
    rows = 0
    with transaction.atomic(), _open_in(path) as handle:
        reader = _Reader(handle, path)
        header = _header(reader)
        occupied = _not_empty(chosen)
        if occupied:
            raise BackupError(
                "this database is not empty (it has rows in "
                + ", ".join(occupied[:5])
                + (" and more" if len(occupied) > 5 else "")
                + "): restore only into a new database that `dtto migrate` has just made"
            )
        if header.get("tables") != len(chosen):
            raise BackupError(
                f"{path}: holds {header.get('tables')} tables, this dtto has {len(chosen)}"
            )
        # What migrate filled goes, so the backup's own reference data and ids take its place.
        for model in reversed(chosen):
            if label(model) in FILLED_BY_MIGRATE:
                model._base_manager.all()._raw_delete(connection.alias)
        for model in chosen:
            table = reader.next(f"the start of {label(model)}")
            columns = [f.attname for f in _columns(model)]
            if not isinstance(table, dict) or table.get("table") != label(model):
                raise BackupError(
                    f"{path}: line {reader.number}: expected the table {label(model)}"
                )
            if table.get("columns") != columns or not isinstance(table.get("rows"), int):
                raise BackupError(
                    f"{path}: line {reader.number}: the columns of {label(model)} differ"
                )
            loaded = _table_rows(reader, model, columns, table["rows"])
            if model is AuditChainHead:
                _move_head_forward(loaded, columns)
            else:
                insert_rows(model, columns, loaded)
            rows += table["rows"]
        expected = reader.digest.hexdigest()
        end = reader.next("the end line")
        if not isinstance(end, dict) or end.get("end") != FORMAT:
            raise BackupError(f"{path}: line {reader.number} is not the end of the backup")
        if end.get("sha256") != expected or end.get("rows") != rows:
            raise BackupError(f"{path}: damaged (its checksum does not match its contents)")
        if handle.read(1):
            raise BackupError(f"{path}: has more after its end line")
        _reset_sequences(chosen)
    # Content types are cached by id; the restored ones may have other ids than migrate's.
    ContentType.objects.clear_cache()
    return RestoreSummary(tables=len(chosen), rows=rows)


def _reset_sequences(chosen: list[type[models.Model]]) -> None:
    """Set each id sequence past the restored rows, so new records do not collide (PostgreSQL;
    SQLite's AUTOINCREMENT follows the largest id inserted by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), chosen)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

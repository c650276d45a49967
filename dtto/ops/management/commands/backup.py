"""Back up the whole database to one file, for `dtto restore`.

dtto backup FILE
    Write every table (users with their password hashes, roles and areas; reference data;
    every case record; review reports; the audit trail with its hash chain) to FILE as
    dtto-backup/1 JSON lines, readable by its owner only (mode 0600); gzip-compressed when
    FILE ends in .gz. The database is read as of one moment. Prints the file's SHA-256 and
    the audit trail's last event: note them with the backup. The backup is itself an audit
    event, written after the backup was read (so it is not in the file).
    See docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from dtto.audit.services import Actor, record_event
from dtto.lib.commands import DocstringCommand
from dtto.ops.backup import BackupError, write_backup


class Command(DocstringCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the backup file to write")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        path = Path(file)
        try:
            summary = write_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"FILE: cannot write {path}: {error.strerror}") from None
        record_event(
            Actor.system("dtto backup"),
            "ops.database.backed_up",
            target_type="file",
            target_id=path.name[:64],
            detail={
                "tables": summary.tables,
                "rows": summary.rows,
                "sha256": summary.sha256,
                "audit_events": summary.audit_events,
            },
        )
        self.stdout.write(
            f"{path}: {summary.tables} tables, {summary.rows} rows,"
            f" {summary.audit_events} audit events; sha256 {summary.sha256}"
        )

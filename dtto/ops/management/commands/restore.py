"""Restore a `dtto backup` file into a new, empty database.

dtto restore FILE
    Load every table from FILE (made by `dtto backup`, gzip or not) into this database,
    which must be new: made by `dtto migrate` at the same migrations as the backup, with no
    users, cases or audit events. A database that is not empty is refused, and so is a
    backup that is damaged, cut short or made at other migrations; either way nothing is
    changed. The audit trail comes back with its own numbers and hashes: `dtto audit
    verify` is run at the end and its result printed. Sequences are reset on PostgreSQL.
    See docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from dtto.audit.chain import verify_trail
from dtto.lib.commands import DocstringCommand
from dtto.ops.backup import BackupError, restore_backup


class Command(DocstringCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the backup file to read")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        path = Path(file)
        try:
            summary = restore_backup(path)
        except BackupError as error:
            raise CommandError(f"nothing restored: {error}") from None
        except OSError as error:
            raise CommandError(f"FILE: cannot read {path}: {error.strerror}") from None
        self.stdout.write(f"{path}: restored {summary.tables} tables, {summary.rows} rows")
        result = verify_trail()
        if not result.intact:
            raise CommandError(
                "restored, but the audit trail does not verify: "
                + (result.first_break or "triggers missing: " + ", ".join(result.missing_triggers)),
                returncode=1,
            )
        self.stdout.write(
            f"audit trail intact: {result.events} events;"
            f" last event {result.last_sequence}, hash {result.last_hash}"
        )

"""Import case files in the dtto-case/1 format (docs/case-format.md).

Each file is all-or-nothing: every case in it is checked first and nothing is written
unless all pass. A case whose reference is already recorded is left as it is, and said so.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from dtto.accounts.models import User
from dtto.audit.services import Actor
from dtto.cases.importing import import_case_document, read_case_file
from dtto.lib.commands import DocstringCommand
from dtto.standards.errors import RecordInvalid


class Command(DocstringCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--by", help="username to record as the importer (default: the command line)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the files and change nothing"
        )

    def handle(
        self, *args: Any, files: list[str], by: str | None, dry_run: bool, **options: Any
    ) -> None:
        actor: User | Actor = Actor.system("dtto import")
        if by:
            user = User.objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"--by: no user called {by!r}")
            actor = user
        failed = 0
        for path in files:
            try:
                result = import_case_document(read_case_file(path), by=actor, dry_run=dry_run)
            except RecordInvalid as exc:
                failed += 1
                self.stderr.write(
                    f"{path}: not imported; nothing changed. {len(exc.errors)} problem(s):"
                )
                for error in exc.errors:
                    self.stderr.write(f"  {error}")
                continue
            verb = "checked (dry run):" if dry_run else "done:"
            self.stdout.write(f"{path}: {verb} {result.summary()}")
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) not imported")

"""Evaluate case files against the National Standard and print the findings as JSON.

Reads one or more ``dtto-case/1`` files and prints one ``dtto-evaluation/1`` document (one
case per line): for each Order, the first appointments, every complete week's contact hours
and tests, the court reviews due, each unacceptable failure and the action taken, and the
termination. ``--as-of`` judges the cases as they stood on that day (default: today); events
dated after it are ignored. The rules are in docs/national-standard.md.

A case a user could not have recorded (a 5-month Order, an event after the termination, an
unknown event type or reason, a reference given twice...: docs/case-format.md, "What is
refused") is refused, not judged: the error names the file and the field, and nothing is
printed, as ``dtto import`` writes nothing from a file with one bad case. Until every case
was read, the evaluations wait in a temporary file (in ``$TMPDIR``, about 1.1 times the size
of the input), so memory stays flat whatever the size of the files.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dtto.caseformat import FORMAT
from dtto.lib.commands import DocstringCommand
from dtto.standards.batch import FileError, evaluate_files


def _as_of(value: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of: not a date (YYYY-MM-DD): {value!r}") from None


class _Writer:
    """Writes through the command's stdout without its automatic newline."""

    def __init__(self, command: BaseCommand) -> None:
        self.command = command

    def write(self, text: str) -> None:
        self.command.stdout.write(text, ending="")


class Command(DocstringCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help=f"{FORMAT} JSON files")
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day to judge (today)")
        parser.add_argument(
            "--evidence",
            action="store_true",
            help="include each finding's evidence (refs of the events it rests on)",
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="processes for large files (every CPU)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _as_of(options["as_of"]) if options["as_of"] else date.today()
        try:
            evaluate_files(
                options["files"],
                as_of,
                _Writer(self),
                evidence=options["evidence"],
                workers=options["workers"],
            )
        except FileError as error:
            raise CommandError(str(error)) from None

"""Apply the retention policy: erase the details of people whose records are past it.

dtto retention apply --dry-run [--today YYYY-MM-DD]
    List the cases whose person is due for erasure (every case of theirs ended more than
    the policy's years ago; dtto/standards/retention.py) and change nothing.

dtto retention apply [--today YYYY-MM-DD]
    Erase them, in one transaction: the name replaced, the date of birth reduced to its
    year and the ages at referral, the free text on the record cleared; codes, references
    and dated events kept, so reports give the same figures. One audit event per case.
    See docs/operations.md ("Retention").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from dtto.audit.services import Actor
from dtto.cases.retention import apply_retention
from dtto.lib.commands import DocstringCommand
from dtto.standards.retention import POLICY


def _today(value: str | None) -> dt.date:
    if value is None:
        return timezone.localdate()
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today: not a date (YYYY-MM-DD): {value[:20]!r}") from None


class Command(DocstringCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="apply", required=True)
        apply = actions.add_parser("apply", help="erase the details of people past the policy")
        apply.add_argument("--dry-run", action="store_true", help="list, change nothing")
        apply.add_argument("--today", metavar="YYYY-MM-DD", help="the day to judge by")

    def handle(
        self, *args: Any, action: str, dry_run: bool, today: str | None, **options: Any
    ) -> None:
        run = apply_retention(
            by=Actor.system("dtto retention"), today=_today(today), dry_run=dry_run
        )
        for case in run.due:
            self.stdout.write(
                f"{case.reference}\tended {case.ended_on}\tkept until {case.kept_until}"
            )
        verb = "erased" if run.applied else "would be erased (dry run: nothing changed)"
        if not run.due:
            verb = "nothing to erase"
        self.stdout.write(
            f"retention ({POLICY.years_after_end} years after the case ended):"
            f" {len(run.due)} case(s) of {run.people} person(s) {verb}"
            if run.due
            else f"retention ({POLICY.years_after_end} years after the case ended): {verb}"
        )

"""Export case records as a dtto-case/1 case file (docs/case-format.md).

Writes every case, or those of one area or with the given references, in reference order.
Exporting what was imported gives the same bytes again.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser

from dtto.accounts.models import Area
from dtto.cases.export import write_case_file
from dtto.cases.models import Case
from dtto.lib.commands import DocstringCommand
from dtto.lib.files import open_private


class Command(DocstringCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--area", help="only cases of this probation area (its code, e.g. dorset)"
        )
        parser.add_argument(
            "--reference", action="append", default=[], help="only this case (repeatable)"
        )
        parser.add_argument("--out", help="file to write (default: standard output)")

    def handle(
        self, *args: Any, area: str | None, reference: list[str], out: str | None, **options: Any
    ) -> None:
        cases = Case.objects.all()
        if area:
            if not Area.objects.filter(code=area).exists():
                raise CommandError(f"--area: unknown probation area {area!r}")
            cases = cases.filter(area__code=area)
        if reference:
            missing = set(reference) - set(
                Case.objects.filter(reference__in=reference).values_list("reference", flat=True)
            )
            if missing:
                raise CommandError(f"--reference: no case {', '.join(sorted(missing))}")
            cases = cases.filter(reference__in=reference)
        if out:
            with open_private(out, "w") as handle:
                count = write_case_file(cases, handle)
            self.stderr.write(f"{out}: {count} case(s) written")
        else:
            write_case_file(cases, sys.stdout)

"""Export case records as a dtto-case/1 case file (docs/case-format.md), or as NDTMS-style CSV.

Writes every case, or those of one area or with the given references, in reference order.
Exporting what was imported gives the same bytes again.

dtto export --ndtms [--provider CODE] [--as-of YYYY-MM-DD] --out FILE
    Instead, the treatment-data CSV in the style of the National Drug Treatment Monitoring
    System: one row per person per Order's treatment episode, with the criminal justice
    referral source, start, end and discharge reason (docs/ndtms-export.md). --provider
    keeps the Orders of one treatment provider, as that provider would submit them.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from dtto.accounts.models import Area, TreatmentProvider
from dtto.audit.services import Actor, record_seen
from dtto.caseformat import FORMAT as CASE_FORMAT
from dtto.cases.export import write_case_file
from dtto.cases.models import Case, Order
from dtto.cases.ndtms import write_ndtms_csv
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
        parser.add_argument(
            "--ndtms", action="store_true", help="write NDTMS-style treatment episodes as CSV"
        )
        parser.add_argument(
            "--provider", help="with --ndtms: only Orders of this treatment provider (its code)"
        )
        parser.add_argument(
            "--as-of", metavar="YYYY-MM-DD", help="with --ndtms: as known on this day (today)"
        )

    def handle(
        self, *args: Any, area: str | None, reference: list[str], out: str | None, **options: Any
    ) -> None:
        if not options["ndtms"] and (options["provider"] or options["as_of"]):
            raise CommandError("--provider and --as-of go with --ndtms")
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
        if options["ndtms"]:
            count = self._ndtms(cases, out, options["provider"], options["as_of"])
        elif out:
            with open_private(out, "w") as handle:
                count = write_case_file(cases, handle)
            self.stderr.write(f"{out}: {count} case(s) written")
        else:
            count = write_case_file(cases, sys.stdout)
        # Which cases left dtto, by whom and where: references, never the people in them.
        record_seen(
            Actor.system("dtto export"),
            "exports.export.made",
            target_type="export",
            target_id="ndtms" if options["ndtms"] else "case-file",
            shown={
                "format": "ndtms-csv" if options["ndtms"] else CASE_FORMAT,
                "area": area,
                "provider": options["provider"],
                "references": sorted(reference),
                "records": count,
                "out": out or "standard output",
            },
        )

    def _ndtms(
        self, cases: Any, out: str | None, provider: str | None, as_of_text: str | None
    ) -> int:
        orders = Order.objects.filter(case__in=cases)
        if provider:
            if not TreatmentProvider.objects.filter(code=provider).exists():
                raise CommandError(f"--provider: unknown treatment provider {provider!r}")
            orders = orders.filter(treatment_provider__code=provider)
        as_of = timezone.localdate()
        if as_of_text is not None:
            try:
                if len(as_of_text) != 10:
                    raise ValueError
                as_of = dt.date.fromisoformat(as_of_text)
            except ValueError:
                raise CommandError(
                    f"--as-of: not a date (YYYY-MM-DD): {as_of_text[:20]!r}"
                ) from None
        if out:
            with open_private(out, "w") as handle:
                count = write_ndtms_csv(orders, handle, as_of=as_of)
            self.stderr.write(f"{out}: {count} treatment episode(s) written")
            return count
        self.stdout.ending = ""  # csv ends each row itself
        return write_ndtms_csv(orders, self.stdout, as_of=as_of)  # type: ignore[arg-type]

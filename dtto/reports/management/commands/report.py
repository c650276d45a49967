"""Write the performance report for England and Wales, an area, a team or a court.

Examples:
  dtto report --format json
  dtto report --area dorset --from 2003-04-01 --to 2004-03-31 --format html --out dorset.html
  dtto report --court leicestershire-mc --format pdf --out sentencers.pdf   (one page)
  dtto report --provider CODE --format csv   (a treatment provider's report, as on its page)
  dtto report --as-of 2004-09-30   (counts what was recorded and final on that day)

Counts under 5 are suppressed unless --no-suppress (for internal analysis only).
"""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any, cast

from django.core.management.base import CommandError

from dtto.accounts.models import TreatmentProvider
from dtto.audit.services import Actor
from dtto.lib.commands import DocstringCommand
from dtto.lib.files import open_private
from dtto.reports import exports, measures
from dtto.reports.audit import report_seen
from dtto.reports.outcome_publish import publish_provider
from dtto.reports.outcome_sections import provider_sections
from dtto.reports.queries import Period, Scope, ScopeError
from dtto.reports.results import PublishedProvider, PublishedReport, PublishedSummary
from dtto.reports.sections import Section
from dtto.reports.statistics import publish


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


class Command(DocstringCommand):
    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--area", help="probation area code, e.g. dorset")
        where.add_argument("--team", help="team code")
        where.add_argument("--court", help="court code: writes the one-page summary for sentencers")
        where.add_argument(
            "--provider",
            help="treatment provider code: writes the provider's report (people referred,"
            " started, retained, referred on), as its page /reports/providers/CODE/ shows it",
        )
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")
        parser.add_argument(
            "--as-of",
            help="count only what was recorded and final on this day, YYYY-MM-DD (default today)",
        )
        parser.add_argument("--format", choices=exports.FORMATS, default="json")
        parser.add_argument("--out", help="file to write (default standard output; pdf needs it)")
        parser.add_argument(
            "--sample",
            type=int,
            metavar="N",
            help="also measure compliance on a random sample of N case files per area",
        )
        parser.add_argument("--seed", type=int, default=2003, help="seed for --sample")
        parser.add_argument(
            "--no-suppress", action="store_true", help="publish counts under 5 (internal use)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _date(options["as_of"]) if options["as_of"] else None
        period = Period(
            _date(options["start"]) if options["start"] else None,
            _date(options["end"]) if options["end"] else None,
        )
        if options["provider"]:
            self._provider(options, period, as_of)
            return
        try:
            data, title = self._data(options, period, as_of)
        except ScopeError as error:
            raise CommandError(str(error)) from None
        self._write(data, title, options)
        court, area, team = options["court"], options["area"], options["team"]
        scope = (
            Scope.court(court)
            if court
            else Scope.area(area)
            if area
            else Scope.team(team)
            if team
            else Scope.national()
        )
        report_seen(
            Actor.system("dtto report"),
            page="sentencers" if court else "report",
            scope=scope,
            period=period,
            as_of=as_of,
            fmt=options["format"],
        )

    def _provider(self, options: dict[str, Any], period: Period, as_of: dt.date | None) -> None:
        """The provider's report by the function its page uses (no second computation)."""
        code = options["provider"]
        found = TreatmentProvider.objects.select_related("area").filter(code=code).first()
        if found is None:
            raise CommandError(f"no treatment provider with code {code!r}")
        activity = measures.provider_activity(found, period, as_of=as_of)
        data: PublishedProvider = (
            cast(PublishedProvider, activity)
            if options["no_suppress"]
            else publish_provider(activity)
        )
        title = f"Orders treated by {found.name}"
        self._write(data, title, options, sections=provider_sections(data))
        report_seen(
            Actor.system("dtto report"),
            page=f"provider {found.code}",
            scope=Scope.area(found.area.code),
            period=period,
            as_of=as_of,
            fmt=options["format"],
        )

    def _data(
        self, options: dict[str, Any], period: Period, as_of: dt.date | None
    ) -> tuple[PublishedReport | PublishedSummary, str]:
        internal = options["no_suppress"]
        if options["court"]:
            summary = measures.sentencer_summary(options["court"], period, as_of=as_of)
            title = f"The Drug Treatment and Testing Order at {summary['court']['label']}"
            return publish(summary, internal=internal), title
        if options["area"]:
            scope = Scope.area(options["area"])
        elif options["team"]:
            scope = Scope.team(options["team"])
        else:
            scope = Scope.national()
        data = measures.report(
            scope, period, as_of=as_of, sample_per_area=options["sample"], seed=options["seed"]
        )
        title = f"Drug Treatment and Testing Orders: {scope.label()}"
        return publish(data, internal=internal), title

    def _write(
        self,
        data: PublishedReport | PublishedSummary | PublishedProvider,
        title: str,
        options: dict[str, Any],
        *,
        sections: list[Section] | None = None,
    ) -> None:
        fmt = options["format"]
        out = options["out"]
        if fmt == "pdf":
            from dtto.reports.pdf import to_pdf

            if not out:
                raise CommandError("--format pdf needs --out FILE")
            with open_private(out, "wb") as f:
                f.write(to_pdf(data, title, sections=sections))
            return
        if fmt == "json":
            text = exports.to_json(data)
        elif fmt == "csv":
            text = exports.to_csv(data)
        else:
            from dtto.reports.views import render_document

            text = render_document(data, title, sections=sections)
        if out:
            with open_private(out, "w") as f:
                f.write(text)
        else:
            self.stdout.write(text, ending="")

"""Draw the days people are called for drug tests, and verify the draws afterwards.

dtto tests draw [--week YYYY-MM-DD] [--dry-run]
    For every live Order, draw each Order week that overlaps the seven days from the given
    day (default: today) and has no draw yet: the National Standard's minimum number of tests
    for that week, on working days chosen by a keyed hash (DTTO_TEST_DRAW_KEY). A week is
    drawn once and never redrawn, so running it again changes nothing. Run it every day.
    It prints how many draws it made, never the days: they are not to be known in advance.

dtto tests verify-draw [--order REFERENCE] [--week YYYY-MM-DD]
    Recompute recorded draws (those of one Order, of the Order weeks containing a day, or
    all) from their inputs and the key, and compare. Exit 0 when every draw matches; exit 1
    naming each draw that does not (its days, its digest, its key or its inputs), or when
    the database triggers that keep draws unchanged are missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from dtto.cases.models import Case
from dtto.lib.commands import DocstringCommand
from dtto.scheduling import append_only
from dtto.scheduling.models import TestDraw
from dtto.scheduling.services import (
    draw_key,
    draw_week,
    live_orders_for_week,
    weeks_overlapping,
)
from dtto.scheduling.verification import verify_draws


def _day(option: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: not a date (YYYY-MM-DD): {value[:20]!r}") from None


def _today() -> dt.date:
    return timezone.localdate()


def _key() -> bytes:
    try:
        return draw_key()
    except ImproperlyConfigured as error:
        raise CommandError(str(error)) from None


class Command(DocstringCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="draw|verify-draw", required=True)
        make = actions.add_parser("draw", help="draw the week's test days for every live Order")
        make.add_argument("--week", metavar="YYYY-MM-DD", help="first of the seven days")
        make.add_argument(
            "--dry-run", action="store_true", help="say how many draws would be made; make none"
        )
        verify = actions.add_parser("verify-draw", help="recompute recorded draws and compare")
        verify.add_argument("--order", metavar="REFERENCE", help="only this Order's draws")
        verify.add_argument("--week", metavar="YYYY-MM-DD", help="only the weeks with this day")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "draw":
            self._draw(_day("--week", options["week"]), dry_run=options["dry_run"])
        else:
            self._verify(options["order"], _day("--week", options["week"]))

    def _draw(self, first_day: dt.date | None, *, dry_run: bool) -> None:
        _key()
        today = _today()
        first_day = first_day or today
        if dry_run:
            orders = list(live_orders_for_week(first_day))
            weeks = {(o.pk, w) for o in orders for w in weeks_overlapping(o, first_day)}
            drawn = set(TestDraw.objects.filter(order__in=orders).values_list("order_id", "week"))
            self.stdout.write(
                f"dry run: {len(weeks - drawn)} week(s) to draw, {len(weeks & drawn)} already "
                f"drawn, for {len(orders)} live Order(s) in the week from {first_day:%-d %B %Y}"
            )
            return
        run = draw_week(first_day, today=today)
        self.stdout.write(
            f"{len(run.made)} draw(s) made, {run.already_drawn} week(s) already drawn, for "
            f"{run.orders} live Order(s) in the week from {first_day:%-d %B %Y}"
        )
        for record in run.short:
            self.stderr.write(
                f"{record.order.case.reference} week {record.week}: only "
                f"{len(record.called_days)} working day(s) left to call, the Standard asks for "
                f"{record.tests_required}"
            )

    def _verify(self, reference: str | None, day: dt.date | None) -> None:
        key = _key()
        draws = TestDraw.objects.all()
        if reference is not None:
            if not Case.objects.filter(reference=reference, order__isnull=False).exists():
                raise CommandError(f"--order: no Order with the case reference {reference!r}")
            draws = draws.filter(order__case__reference=reference)
        if day is not None:
            draws = draws.filter(starts_on__range=(day - dt.timedelta(days=6), day))
        missing = append_only.missing_triggers(connection)
        checked, problems = verify_draws(draws, key)
        for problem in problems:
            self.stderr.write(f"DOES NOT MATCH: {problem}")
        if missing:
            self.stderr.write(
                "the database triggers that keep draws unchanged are missing: " + ", ".join(missing)
            )
        if problems or missing:
            bad = len({(p.reference, p.week) for p in problems})
            raise CommandError(f"{bad} of {checked} draw(s) do not match")
        self.stdout.write(f"{checked} draw(s) checked: every one matches its recomputation")

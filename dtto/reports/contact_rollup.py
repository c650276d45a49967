"""The contact hours' rollups: what the national and area contact hours read instead of every
attended appointment (docs/reports.md, "Contact hours by activity"; docs/performance.md).

Two tables, both kept by :func:`dtto.reports.summaries.refresh_summaries` in the transaction
that records the appointments:

- ``ContactHoursRollup``: hours and appointments by area, month the Orders were made, calendar
  month attended and activity. Sums, so a period of whole months adds up rows of this small
  table; rewritten for the (area, month made) pairs of the Orders whose share of it changed
  (told by the summary's ``contact_digest``), as the drug tests' rollup is for theirs.
- ``OrderActivityMonths``: for each Order and activity, the calendar months it had an
  attended appointment in, a bit a month. Orders are counted, not summed (an Order with
  contact in March and April is one Order), so the Orders of a period are those with a bit
  set in its months: a few rows an Order instead of every appointment.

The days of a period (or of its "as of" day) that cut a calendar month are read from the
appointments themselves (by their day index), so a report as of any day is exact.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from dtto.cases.models import Appointment
from dtto.lib.bulk import insert_rows, plain_rows
from dtto.lib.dates import add_months
from dtto.reports.models import ContactHoursRollup, OrderSummary
from dtto.reports.queries import month_expression, month_number, month_number_expression

# Attended, whether or not the person complied there: the time was spent on the Order.
ATTENDED = ("attended", "failed_to_comply")
# ``OrderActivityMonths.activity`` of the row that stands for any activity (the Orders with
# any contact in a period).
ANY_ACTIVITY = "*"
# Bits of ``OrderActivityMonths.months`` in use: a signed 64-bit integer, and ``1 << 62`` must
# still fit when a report builds the mask of a period (dtto.reports.measures.contact_hours).
MONTH_BITS = 62
# Above this many (area, month made) pairs a refresh rebuilds a whole rollup (this one and the
# drug tests') in one grouped pass: cheaper than hundreds of small ones.
ROLLUP_PAIRS_MAX = 200


def pair_filters(wanted: Iterable[tuple[int, str]], summary: str = "") -> tuple[Q, Q]:
    """For (area id, "YYYY-MM" month made) pairs, the filter of the rows made in them, reached
    through ``summary`` (a path to the Order's summary ending "__", or "" on OrderSummary),
    and the filter of their rows in a rollup keyed by area and month made."""
    made, rollup_rows = Q(), Q()
    for area_id, month in wanted:
        first = dt.date.fromisoformat(f"{month}-01")
        made |= Q(
            **{
                f"{summary}area_id": area_id,
                f"{summary}made_on__gte": first,
                f"{summary}made_on__lt": add_months(first, 1),
            }
        )
        rollup_rows |= Q(area_id=area_id, made_month=month)
    return made, rollup_rows


def attended() -> QuerySet[Appointment]:
    """Appointments whose hours were spent on the Order (no ordering: they are grouped)."""
    return Appointment.objects.filter(outcome__meaning__in=ATTENDED).order_by()


# --- OrderActivityMonths ----------------------------------------------------------------------


def order_contact(
    order_ids: Sequence[int], made: dict[int, dt.date]
) -> tuple[list[tuple[int, str, int, int]], dict[int, int]]:
    """These Orders' ``OrderActivityMonths`` rows (``summary_id``, activity, first month,
    months) and each one's contact digest (:func:`contact_digest`, only for Orders with
    contact), from their attended appointments; ``made`` gives each Order's day made, from
    whose month the bits count."""
    if not order_ids:
        return [], {}
    months: dict[tuple[int, str, int], int] = defaultdict(int)
    shares: dict[int, list[tuple[int, str, int, int]]] = defaultdict(list)
    for order_id, activity, month, hours, count in plain_rows(
        attended()
        .filter(order_id__in=list(order_ids))
        .annotate(month_number=month_number_expression("on"))
        .values_list("order_id", "activity", "month_number")
        .annotate(total=Sum("hours"), appointment_count=Count("pk"))
    ):
        # Hundredths: SQLite's driver sums to a float, PostgreSQL's to a Decimal.
        shares[order_id].append((month, activity, round(hours * 100), count))
        base = month_number(made[order_id])
        # Floor division: an appointment recorded before the month made (never accepted by
        # the checks, but not lost if present) falls in the row before.
        chunk = (month - base) // MONTH_BITS
        first = base + chunk * MONTH_BITS
        bit = 1 << (month - first)
        months[(order_id, activity, first)] |= bit
        months[(order_id, ANY_ACTIVITY, first)] |= bit
    rows = [
        (order_id, activity, first, bits) for (order_id, activity, first), bits in months.items()
    ]
    return rows, {order_id: contact_digest(share) for order_id, share in shares.items()}


# ``OrderSummary.contact_digest`` of an Order with no attended appointment.
NO_CONTACT = 0


def contact_digest(shares: Iterable[tuple[int, str, int, int]]) -> int:
    """A signed 64-bit digest of an Order's share of ``ContactHoursRollup``: its (calendar
    month, activity, hundredths of an hour, appointments) rows. Stored on the summary, so a
    re-judge knows whether the Order's share changed, and so whether its (area, month made)
    pair needs rebuilding, without keeping the share itself (decision 0015)."""
    text = repr(sorted(shares)).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big", signed=True)


ACTIVITY_MONTH_COLUMNS = ("summary_id", "activity", "first_month", "months")


# --- ContactHoursRollup -----------------------------------------------------------------------

ROLLUP_COLUMNS = ("area_id", "made_month", "month", "activity", "hours", "appointments")


def rebuild_contact_hours_rollup(pairs: Iterable[tuple[int, str]] | None = None) -> int:
    """Rewrite the rollup rows of these (area id, "YYYY-MM" month made) pairs from the
    attended appointments of the Orders in them; all of it when ``pairs`` is None or long.
    Returns the rows written."""
    stale = ContactHoursRollup.objects.all()
    appointments = attended()
    if pairs is not None:
        wanted = sorted(set(pairs))
        if not wanted:
            return 0
        if len(wanted) <= ROLLUP_PAIRS_MAX:
            orders, old = pair_filters(wanted)
            # The Orders first, then their appointments by the Order index: one query joining
            # the two let PostgreSQL choose a scan of every appointment.
            order_ids = list(OrderSummary.objects.filter(orders).values_list("order_id", flat=True))
            appointments = appointments.filter(order_id__in=order_ids)
            stale = stale.filter(old)
    stale._raw_delete(stale.db)
    rows = plain_rows(
        appointments.annotate(
            area=F("order__summary__area_id"),
            made_month=month_expression("order__summary__made_on"),
            month_number=month_number_expression("on"),
        )
        .values_list("area", "made_month", "month_number", "activity")
        .annotate(total=Sum("hours"), appointment_count=Count("pk"))
    )
    insert_rows(
        ContactHoursRollup,
        ROLLUP_COLUMNS,
        [(*key, _decimal_hours(total), count) for *key, total, count in rows],
    )
    return len(rows)


def _decimal_hours(total: Decimal | float) -> Decimal:
    """A sum of hours as the rollup keeps it: SQLite's driver gives a float, PostgreSQL's a
    Decimal; hours are recorded to the hundredth."""
    if isinstance(total, Decimal):
        return total
    return Decimal(repr(round(total, 2)))

"""How long a person's details are kept, and what is left of them afterwards (pure; no Django).

The policy (docs/operations.md, "Retention"): a case record keeps the person's details for
``YEARS_AFTER_END`` whole years after the case ended (the Order's last day in force, or,
with no Order, the referral or the assessment's completion, whichever is later). After that
the person's name and the free text on the record are erased, and the date of birth keeps
only its year and the person's age at each referral; codes, references and dated events
stay, so every report gives the same figures before and after.

Why six years: the Limitation Act 1980 (sections 2 and 5) allows six years to bring a claim
in tort or contract, including one over how the record was kept or used; six years also
covers the two-year reconviction follow-up the reports use (docs/reports.md) three times
over. A deployment bound by a longer schedule (for example HMPPS's records retention and
disposition schedule) changes ``YEARS_AFTER_END`` here, the one place it is set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

YEARS_AFTER_END = 6
SOURCE = "Limitation Act 1980, sections 2 and 5 (six years to bring a claim)"
ERASED_NAME = "(erased under the retention policy)"

# The free text a case record holds, by model: cleared on erasure. Codes, dates, hours,
# outcomes and references are kept: they are the figures.
FREE_TEXT = {
    "FormalWarning": ("reason",),
    "Breach": ("reason",),
    "CourtReview": ("sat", "notes"),
    "Suspension": ("reason",),
    "Termination": ("onward_referral_to",),
    "Conviction": ("offence",),
    "ReviewReport": (
        "tests_summary",
        "attendance_summary",
        "provider_view",
        "assessment",
        "proposal",
    ),
}


@dataclass(frozen=True)
class RetentionPolicy:
    years_after_end: int = YEARS_AFTER_END

    def kept_until(self, ended_on: dt.date) -> dt.date:
        """The last day the person's details are kept for a case that ended on ``ended_on``."""
        try:
            return ended_on.replace(year=ended_on.year + self.years_after_end)
        except ValueError:  # 29 February into a year with none
            return dt.date(ended_on.year + self.years_after_end, 2, 28)

    def due(self, ended_on: dt.date, today: dt.date) -> bool:
        return today > self.kept_until(ended_on)


POLICY = RetentionPolicy()


def case_ended_on(
    *, referred_on: dt.date, assessed_on: dt.date | None, order_last_day: dt.date | None
) -> dt.date:
    """The day a case ended: its Order's last day in force, else its referral or assessment."""
    if order_last_day is not None:
        return order_last_day
    return max(day for day in (referred_on, assessed_on) if day is not None)


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def pseudonymised_birth(born: dt.date, referrals: Iterable[dt.date]) -> dt.date:
    """A date of birth that keeps only the year and the age at each referral.

    The day and month become the first referral day-of-year on or after the real birthday
    (or 31 December when there is none): every age at referral, and so every age band in
    the reports, is unchanged, while the birthday itself is gone.
    """
    later = sorted(
        (day.month, day.day) for day in referrals if (day.month, day.day) >= (born.month, born.day)
    )
    month, day = later[0] if later else (12, 31)
    if (month, day) == (2, 29) and not _is_leap(born.year):
        day = 28  # the real birthday was on or before 28 February, so ages still agree
    return dt.date(born.year, month, day)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)

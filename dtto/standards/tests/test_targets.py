from __future__ import annotations

import pytest

from dtto.standards.targets import (
    COMPLETION_TARGETS,
    NATIONAL_COMMENCEMENT_TARGETS,
    CompletionTarget,
    completion_target_for,
)
from dtto.standards.tests.factories import d


@pytest.mark.parametrize(
    ("first_day", "last_day", "rate"),
    [
        ("2002-04-01", "2003-03-31", None),  # 2002-03: before any target (3.2)
        ("2003-04-01", "2004-03-31", None),  # 2003-04 ends the day before it took effect
        ("2004-01-01", "2004-12-31", None),  # straddles 1 April 2004: not in force throughout
        ("2004-04-01", "2005-03-31", 0.35),  # 2004-05: the first year of the target
        ("2004-04-01", "2004-04-01", 0.35),
        ("2005-04-01", None, 0.35),
    ],
)
def test_the_completion_target_judges_only_periods_it_was_in_force_throughout(
    first_day, last_day, rate
):
    target = completion_target_for(d(first_day), None if last_day is None else d(last_day))
    assert (None if target is None else target.rate) == rate


def test_an_open_start_has_no_completion_target():
    assert completion_target_for(None, d("2005-03-31")) is None


def test_the_latest_target_in_force_on_the_first_day_applies():
    targets = (
        *COMPLETION_TARGETS,
        CompletionTarget(effective_from=d("2006-04-01"), rate=0.4, source="invented"),
    )
    assert completion_target_for(d("2005-04-01"), d("2006-03-31"), targets).rate == 0.35
    assert completion_target_for(d("2006-04-01"), d("2007-03-31"), targets).rate == 0.4


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="period: ends"):
        completion_target_for(d("2004-05-01"), d("2004-04-30"))


def test_national_commencement_targets_are_the_sources():
    # 1.10: 12,000 higher-intensity a year by March 2005; lower intensity 1,000 in 2004-05,
    # 4,000 in 2005-06.
    assert {
        (t.intensity, t.financial_year, t.commencements) for t in NATIONAL_COMMENCEMENT_TARGETS
    } == {
        ("higher", 2004, 12_000),
        ("lower", 2004, 1_000),
        ("lower", 2005, 4_000),
    }

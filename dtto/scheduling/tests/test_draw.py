"""The draw itself, with no database: which days, how many, and that only the key decides.

Dates are worked by hand from the calendar: 2 November 2026 is a Monday; the bank holidays
of England and Wales in these weeks are Christmas Day (Friday 25 December 2026), Boxing Day
moved to Monday 28 December 2026, New Year's Day (Friday 1 January 2027), Good Friday
(26 March 2027) and Easter Monday (29 March 2027).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dtto.lib.dates import add_months
from dtto.scheduling.draw import DrawInputs, draw, inputs_for_week, key_id
from dtto.standards.rules import HIGHER_2001, LOWER_2003_12, RuleSet

KEY = b"a test key that is not the demo key"
OTHER_KEY = b"another test key"
MONDAY = dt.date(2026, 11, 2)
WEEKDAYS_FROM_MONDAY = {MONDAY + dt.timedelta(days=n) for n in range(5)}


def _inputs(
    week: int,
    *,
    made_on: dt.date = MONDAY,
    months: int = 12,
    rules: RuleSet = HIGHER_2001,
    drawn_on: dt.date | None = None,
    reference: str = "LEI-0001",
) -> DrawInputs:
    return inputs_for_week(
        order_reference=reference,
        made_on=made_on,
        natural_end_on=add_months(made_on, months),
        rules=rules,
        week=week,
        drawn_on=drawn_on or made_on - dt.timedelta(days=1),
    )


def test_first_week_calls_two_tests_on_weekdays_of_the_week():
    result = draw(KEY, _inputs(1))

    assert len(result.days) == 2
    assert set(result.days) <= WEEKDAYS_FROM_MONDAY
    assert result.days == tuple(sorted(set(result.days)))


@pytest.mark.parametrize(
    ("week", "starts_on", "required"),
    [
        (13, dt.date(2027, 1, 25), 2),  # the last week of phase 1: 2 November plus 12 weeks
        (14, dt.date(2027, 2, 1), 1),  # the first week after week 13
        (40, dt.date(2027, 8, 2), 1),
    ],
)
def test_weeks_one_to_thirteen_call_two_tests_and_later_weeks_one(week, starts_on, required):
    result = draw(KEY, _inputs(week))

    assert result.inputs.starts_on == starts_on
    assert len(result.days) == required
    assert all(starts_on <= d <= starts_on + dt.timedelta(days=4) for d in result.days)


def test_lower_intensity_orders_are_called_as_often_as_higher():
    # The December 2003 supplement states no testing rule: the 2001 frequencies stand.
    assert len(draw(KEY, _inputs(3, rules=LOWER_2003_12)).days) == 2
    assert len(draw(KEY, _inputs(20, rules=LOWER_2003_12)).days) == 1


def test_christmas_week_calls_only_the_three_working_days_left():
    # Made Friday 18 December 2026: week 2 is Friday 25 to Thursday 31 December, whose working
    # days are Tuesday 29, Wednesday 30 and Thursday 31 December only.
    result = draw(KEY, _inputs(2, made_on=dt.date(2026, 12, 18)))

    assert result.inputs.starts_on == dt.date(2026, 12, 25)
    assert len(result.days) == 2
    assert set(result.days) <= {dt.date(2026, 12, 29), dt.date(2026, 12, 30), dt.date(2026, 12, 31)}


def test_easter_week_never_calls_good_friday_or_easter_monday():
    # Made Friday 19 March 2027: week 2 is Friday 26 March (Good Friday) to Thursday 1 April.
    result = draw(KEY, _inputs(2, made_on=dt.date(2027, 3, 19)))

    assert len(result.days) == 2
    assert set(result.days) <= {dt.date(2027, 3, 30), dt.date(2027, 3, 31), dt.date(2027, 4, 1)}


def test_a_week_drawn_on_its_thursday_calls_thursday_and_friday():
    # Only two working days are left and the Standard asks for two: both are called.
    thursday = MONDAY + dt.timedelta(days=3)
    result = draw(KEY, _inputs(1, drawn_on=thursday))

    assert result.days == (thursday, thursday + dt.timedelta(days=1))
    assert not result.short


def test_a_week_drawn_on_its_friday_calls_friday_only_and_says_it_is_short():
    friday = MONDAY + dt.timedelta(days=4)
    result = draw(KEY, _inputs(1, drawn_on=friday))

    assert result.days == (friday,)
    assert result.short


def test_the_last_week_of_the_term_stops_on_the_orders_last_day():
    # Made Monday 2 November 2026 for 6 months: the term ends after Saturday 1 May 2027, so
    # week 26 (from Monday 26 April) runs to that Saturday, not to Sunday 2 May.
    inputs = _inputs(26, months=6)

    assert inputs.starts_on == dt.date(2027, 4, 26)
    assert inputs.ends_on == dt.date(2027, 5, 1)
    with pytest.raises(ValueError, match="starts after the Order's term ends"):
        _inputs(27, months=6)


def test_the_same_inputs_and_key_always_give_the_same_days():
    assert draw(KEY, _inputs(5)) == draw(KEY, _inputs(5))


def test_another_key_gives_other_days_and_another_digest():
    weeks = range(1, 27)
    with_key = [draw(KEY, _inputs(w)).days for w in weeks]
    with_other = [draw(OTHER_KEY, _inputs(w)).days for w in weeks]

    assert with_key != with_other
    assert draw(KEY, _inputs(1)).digest != draw(OTHER_KEY, _inputs(1)).digest
    assert key_id(KEY) != key_id(OTHER_KEY)


def test_another_order_in_the_same_week_gets_its_own_days():
    ours = [draw(KEY, _inputs(w)).days for w in range(1, 27)]
    theirs = [draw(KEY, _inputs(w, reference="LEI-0002")).days for w in range(1, 27)]

    assert ours != theirs


def test_an_inspector_recomputes_a_draw_with_nothing_but_hmac_sha256():
    # The recipe of docs/decisions/0009-keyed-test-draw.md, followed by hand: the message is
    # the inputs one to a line; each working day's score is HMAC-SHA256(key, message + "\n" +
    # day); the lowest scores are called.
    message = "\n".join(
        [
            "dtto-test-draw/1",
            "LEI-0001",
            "1",
            "2026-11-02",
            "2026-11-08",
            "2026-11-02",
            "higher-2001",
            "2",
        ]
    ).encode()
    scores = sorted(
        (hmac.new(KEY, message + b"\n" + d.isoformat().encode(), hashlib.sha256).digest(), d)
        for d in sorted(WEEKDAYS_FROM_MONDAY)
    )
    expected_days = tuple(sorted(d for _, d in scores[:2]))

    result = draw(KEY, _inputs(1, drawn_on=MONDAY))

    assert result.days == expected_days
    assert result.digest == hmac.new(KEY, message, hashlib.sha256).hexdigest()


BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2001, 2040))


@settings(max_examples=300, deadline=None)
@given(
    made_on=st.dates(dt.date(2001, 1, 1), dt.date(2035, 12, 31)),
    months=st.integers(6, 36),
    lower=st.booleans(),
    key=st.binary(min_size=1, max_size=40),
    data=st.data(),
)
def test_every_full_week_drawn_before_it_begins_meets_the_weekly_minimum(
    made_on, months, lower, key, data
):
    full_weeks = (add_months(made_on, months) - made_on).days // 7
    week = data.draw(st.integers(1, full_weeks), label="week")
    inputs = _inputs(
        week, made_on=made_on, months=months, rules=LOWER_2003_12 if lower else HIGHER_2001
    )

    result = draw(key, inputs)

    minimum = 2 if week <= 13 else 1  # Figure 4 of the source, for both intensities
    assert len(set(result.days)) == len(result.days) == minimum
    assert all(
        inputs.starts_on <= d <= inputs.starts_on + dt.timedelta(days=6) for d in result.days
    )
    assert not any(d.weekday() >= 5 or d in BANK_HOLIDAYS for d in result.days)

"""The retention policy's dates, worked out by hand from the rule (dtto/standards/retention.py)."""

from __future__ import annotations

import datetime as dt

from dtto.standards.retention import POLICY, case_ended_on, pseudonymised_birth


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def test_details_are_kept_six_whole_years_after_the_case_ended() -> None:
    assert POLICY.years_after_end == 6
    assert POLICY.kept_until(dt.date(2004, 3, 31)) == dt.date(2010, 3, 31)
    assert not POLICY.due(dt.date(2004, 3, 31), today=dt.date(2010, 3, 31))
    assert POLICY.due(dt.date(2004, 3, 31), today=dt.date(2010, 4, 1))


def test_an_end_on_29_february_is_kept_until_28_february() -> None:
    assert POLICY.kept_until(dt.date(2004, 2, 29)) == dt.date(2010, 2, 28)


def test_a_case_ends_with_its_order_or_else_its_referral_or_assessment() -> None:
    referred, assessed, last = dt.date(2003, 1, 6), dt.date(2003, 1, 20), dt.date(2004, 2, 2)
    assert case_ended_on(referred_on=referred, assessed_on=assessed, order_last_day=last) == last
    assert (
        case_ended_on(referred_on=referred, assessed_on=assessed, order_last_day=None) == assessed
    )
    assert case_ended_on(referred_on=referred, assessed_on=None, order_last_day=None) == referred


def test_birthday_after_the_referral_day_becomes_31_december() -> None:
    # Born 15 June 1970, referred 10 January 2003: 32 then (birthday not yet come).
    assert pseudonymised_birth(dt.date(1970, 6, 15), [dt.date(2003, 1, 10)]) == dt.date(
        1970, 12, 31
    )
    assert _age(dt.date(1970, 12, 31), dt.date(2003, 1, 10)) == 32


def test_birthday_before_the_referral_day_becomes_the_referral_day() -> None:
    # Born 5 January 1970, referred 10 January 2003: 33 then.
    assert pseudonymised_birth(dt.date(1970, 1, 5), [dt.date(2003, 1, 10)]) == dt.date(1970, 1, 10)
    assert _age(dt.date(1970, 1, 10), dt.date(2003, 1, 10)) == 33


def test_ages_at_every_referral_are_kept() -> None:
    born = dt.date(1981, 4, 20)
    referrals = [dt.date(1999, 4, 19), dt.date(2001, 4, 20), dt.date(2003, 11, 2)]
    # The first referral day-of-year on or after 20 April is 20 April itself.
    assert pseudonymised_birth(born, referrals) == dt.date(1981, 4, 20)
    other = [dt.date(1999, 3, 1), dt.date(2003, 5, 30)]
    assert pseudonymised_birth(born, other) == dt.date(1981, 5, 30)
    assert [_age(dt.date(1981, 5, 30), day) for day in other] == [17, 22]
    assert [_age(born, day) for day in other] == [17, 22]


def test_a_referral_on_29_february_for_someone_born_in_a_common_year() -> None:
    # Born 10 February 1983 (not a leap year), referred 29 February 2004: 21.
    assert pseudonymised_birth(dt.date(1983, 2, 10), [dt.date(2004, 2, 29)]) == dt.date(1983, 2, 28)
    assert _age(dt.date(1983, 2, 28), dt.date(2004, 2, 29)) == 21

"""The pure checks every path in shares: plain values in, field-named errors out, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dtto.standards.errors import Checker
from dtto.standards.validation import (
    OrderWindow,
    StaffMember,
    check_case_manager,
    check_code,
    check_reference,
    check_suspension,
    check_termination,
    check_text,
    coerce_date,
    coerce_hours,
    coerce_length,
)

# An Order made 2003-02-03 for 12 months: natural end 2004-02-03, last day 2004-02-02.
WINDOW = OrderWindow(date(2003, 2, 3), 12, None, date(2004, 6, 30))


def errors(check: Checker) -> list[str]:
    return [str(e) for e in check.errors]


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (12, Decimal("12.00")),  # the most one appointment may count
        (0.01, Decimal("0.01")),  # the least: one hundredth of an hour
        ("1.5", Decimal("1.50")),  # as typed into a form
        (2.25, Decimal("2.25")),
    ],
)
def test_hours_from_a_hundredth_to_twelve_are_taken(hours: object, expected: Decimal) -> None:
    check = Checker()
    assert coerce_hours(check, "hours", hours) == expected
    assert check.ok


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (12.01, "hours: Enter at most 12 hours for one appointment"),
        (0, "hours: Enter hours more than 0, like 2.5"),
        (-1, "hours: Enter hours more than 0, like 2.5"),
        (1.005, "hours: Enter the hours to at most two decimal places, like 1.25"),
        (True, "hours: Enter the hours as a number, like 2.5"),
        (float("nan"), "hours: Enter the hours as a number, like 2.5"),
    ],
)
def test_hours_outside_the_rule_are_refused(hours: object, message: str) -> None:
    check = Checker()
    assert coerce_hours(check, "hours", hours) is None
    assert errors(check) == [message]


def test_a_case_file_gives_hours_and_length_as_numbers_not_text() -> None:
    check = Checker()
    assert coerce_hours(check, "hours", "2", text_allowed=False) is None
    assert coerce_length(check, "length_months", "12", text_allowed=False) is None
    assert errors(check) == [
        "hours: Enter the hours as a number, like 2.5",
        "length_months: Enter the length as a whole number of months, like 12",
    ]


@pytest.mark.parametrize(("months", "taken"), [(5, False), (6, True), (36, True), (37, False)])
def test_an_order_lasts_six_to_thirty_six_months(months: int, taken: bool) -> None:
    check = Checker()
    assert (coerce_length(check, "length_months", months) == months) is taken
    assert check.ok is taken


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2003, 2, 2), "on: must be on or after 3 February 2003, when the Order was made"),
        (date(2004, 2, 3), "on: must be on or before 2 February 2004, the last day of the Order"),
    ],
)
def test_an_event_outside_the_order_is_refused(day: date, message: str) -> None:
    check = Checker()
    WINDOW.check_day(check, "on", day)
    assert errors(check) == [message]


def test_the_first_and_last_days_of_the_order_are_within_it() -> None:
    check = Checker()
    WINDOW.check_day(check, "on", date(2003, 2, 3))
    WINDOW.check_day(check, "on", date(2004, 2, 2))
    assert check.ok


def test_judged_as_of_no_day_nothing_is_in_the_future() -> None:
    # dtto evaluate passes no today: it ignores later events itself.
    check = Checker()
    OrderWindow(date(2003, 2, 3), 12, None, None).check_day(check, "on", date(2004, 1, 1))
    window_today = OrderWindow(date(2003, 2, 3), 12, None, date(2003, 6, 30))
    window_today.check_day(check, "on", date(2004, 1, 1))
    assert errors(check) == ["on: must be today or in the past"]


def test_onward_care_before_the_order_is_refused_and_the_reason_must_be_known() -> None:
    check = Checker()
    reason = check_termination(
        check,
        WINDOW,
        on=date(2004, 2, 2),
        reason="bored",
        reasons={"completed": None},
        onward_referral_on=date(2003, 1, 20),
        custody_handover_on=None,
    )
    assert reason is None
    assert errors(check) == [
        "reason: unknown code 'bored' in the termination_reason list",
        "onward_referral_on: must be on or after 3 February 2003, when the Order was made",
    ]


def test_a_retired_code_serves_only_days_before_its_retirement() -> None:
    known = {"AAOT": date(2004, 1, 1)}
    check = Checker()
    assert check_code(check, "outcome", "attendance_outcome", "AAOT", known, on=date(2003, 12, 31))
    assert check.ok
    assert (
        check_code(check, "outcome", "attendance_outcome", "AAOT", known, on=date(2004, 1, 1))
        is None
    )
    assert errors(check) == [
        "outcome: code 'AAOT' was retired on 1 January 2004 and cannot be used for 1 January 2004"
    ]


@pytest.mark.parametrize(
    ("member", "taken"),
    [
        (StaffMember("Cam", True, "case_manager", "dorset"), True),
        (StaffMember("Kit", True, "case_manager", "kent"), False),  # another area
        (StaffMember("Tam", True, "treatment_worker", "dorset"), False),  # not a case manager
        (StaffMember("Lee", False, "case_manager", "dorset"), False),  # no longer active
    ],
)
def test_the_case_manager_is_an_active_case_manager_of_the_area(
    member: StaffMember, taken: bool
) -> None:
    check = Checker()
    check_case_manager(
        check,
        "case_manager",
        member,
        given=member.name,
        case_area="dorset",
        case_manager_role="case_manager",
        case_area_name="Dorset",
    )
    expected = (
        [] if taken else [f"case_manager: {member.name} is not an active case manager in Dorset"]
    )
    assert errors(check) == expected


def test_a_reference_in_use_or_outside_the_pattern_is_refused() -> None:
    check = Checker()
    assert check_reference(check, "reference", " R-1 ") == "R-1"
    assert check_reference(check, "reference", "R-1", in_use={"R-1"}) is None
    assert check_reference(check, "reference", "R 1") is None
    assert check_reference(check, "reference", "R" * 41) is None
    assert [e.message for e in check.errors] == [
        "R-1 is already in use",
        "must start with a letter or number and only include letters, numbers, full stops,"
        " slashes, hyphens and underscores",
        "must be at most 40 characters",
    ]


def test_tabs_and_line_breaks_are_kept_in_free_text() -> None:
    check = Checker()
    assert check_text(check, "notes", "missed\tkeywork\r\non Monday ") == (
        "missed\tkeywork\r\non Monday"
    )
    assert check.ok


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\x00b", "notes: must not contain a NUL character"),
        ("\ud800", "notes: is not valid Unicode text (an unpaired surrogate)"),
        (["x"], "notes: must be text, got a list"),
        ({"name": "x"}, "notes: must be text, got an object"),
        ("a\x07b", "notes: must not contain control characters, found U+0007 at character 2"),
        ("\x1b[31m", "notes: must not contain control characters, found U+001B at character 1"),
        ("ab\x7f", "notes: must not contain control characters, found U+007F at character 3"),
        ("a\x85", "notes: must not contain control characters, found U+0085 at character 2"),
    ],
)
def test_text_no_database_or_utf8_output_can_hold_is_refused(text: object, message: str) -> None:
    check = Checker()
    assert check_text(check, "notes", text) == ""
    assert errors(check) == [message]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9999-12-31", "on: must be in the years 1900 to 2099"),
        ("2003-02-30", "on: must be a real date, got '2003-02-30'"),
        ("3/2/2003", "on: must be a date in the form YYYY-MM-DD, got '3/2/2003'"),
        ("x" * 100, "on: must be a date in the form YYYY-MM-DD, got '" + "x" * 56 + "..."),
    ],
)
def test_dates_outside_the_years_recorded_or_malformed_are_refused(
    value: str, message: str
) -> None:
    check = Checker()
    assert coerce_date(check, "on", value) is None
    assert errors(check) == [message]


def test_a_suspension_without_a_reason_is_refused_even_after_another_events_reason() -> None:
    # One checker collects a whole file's errors, so an earlier event's "reason" error must
    # not hide this one's.
    check = Checker("cases[0]")
    check.child("events[0]").add("reason", "unknown code 'x' in the termination_reason list")
    check_suspension(
        check.child("events[1]"), WINDOW, date(2003, 7, 1), date(2003, 7, 14), reason="  "
    )
    assert errors(check)[1:] == [
        "cases[0].events[1].reason: is required: why the Standard is suspended"
    ]

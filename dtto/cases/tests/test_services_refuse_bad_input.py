"""Every kind of bad input gets an error naming the field, and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from dtto.audit.models import AuditEvent
from dtto.cases import services
from dtto.cases.models import (
    Appointment,
    Breach,
    Case,
    DrugTest,
    DrugTestResult,
    Order,
    Person,
    Termination,
)
from dtto.cases.tests.factories import (
    TEST_ACTOR,
    TODAY,
    assessed_suitable,
    make_case,
    make_order,
)
from dtto.standards.errors import RecordInvalid

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            AuditEvent,
            Person,
            Case,
            Order,
            Appointment,
            DrugTest,
            DrugTestResult,
            Breach,
            Termination,
        )
    }


def assert_refused(change: Callable[[], Any], field: str, words: str) -> RecordInvalid:
    before = counts()
    with pytest.raises(RecordInvalid) as caught:
        change()
    fields = {e.field: e.message for e in caught.value.errors}
    assert field in fields, f"expected an error on {field}, got {fields}"
    assert words in fields[field]
    assert counts() == before, "a refused change must change nothing"
    return caught.value


@pytest.mark.parametrize(
    ("length", "words"),
    [
        (
            5,
            "Enter a length from 6 to 36 months: an Order lasts at least 6 months and at most 3 years",
        ),
        (37, "from 6 to 36 months"),
        (0, "from 6 to 36 months"),
        ("twelve", "whole number"),
    ],
)
def test_order_length_outside_six_to_thirty_six_months_is_refused(
    length: object, words: str
) -> None:
    case = assessed_suitable(make_case())
    assert_refused(lambda: make_order(case, length_months=length), "length_months", words)


def test_order_of_six_and_thirty_six_months_is_accepted() -> None:
    assert make_order(length_months=6).natural_end_on == dt.date(2003, 8, 3)
    assert make_order(length_months=36).natural_end_on == dt.date(2006, 2, 3)


def test_person_born_after_the_order_is_refused() -> None:
    case = assessed_suitable(make_case(date_of_birth=dt.date(1990, 1, 1)))
    case.person.date_of_birth = dt.date(
        2003, 3, 1
    )  # as if mistyped at referral and since corrected
    assert_refused(
        lambda: make_order(case),
        "made_on",
        "must be after 1 March 2003, the person's date of birth",
    )


def test_person_born_after_the_referral_is_refused() -> None:
    assert_refused(
        lambda: make_case(date_of_birth=dt.date(2004, 1, 1)),
        "date_of_birth",
        "the date of the referral",
    )


def test_event_before_the_order_was_made_is_refused() -> None:
    order = make_order()
    assert_refused(
        lambda: services.record_appointment(
            order,
            by=TEST_ACTOR,
            on=dt.date(2003, 2, 2),
            hours=2,
            with_whom="probation",
            outcome="ATTC",
            today=TODAY,
        ),
        "on",
        "must be on or after 3 February 2003, when the Order was made",
    )


def test_event_after_the_order_ended_is_refused() -> None:
    order = make_order(length_months=6)
    assert_refused(
        lambda: services.give_warning(order, by=TEST_ACTOR, on=dt.date(2003, 8, 3), today=TODAY),
        "on",
        "must be on or before 2 August 2003, the last day of the Order",
    )


def test_event_after_termination_is_refused() -> None:
    order = make_order()
    services.terminate_order(
        order, by=TEST_ACTOR, on=dt.date(2003, 5, 1), reason="revoked_non_compliance", today=TODAY
    )
    assert_refused(
        lambda: services.record_test(
            order, by=TEST_ACTOR, on=dt.date(2003, 5, 2), outcome="refused", today=TODAY
        ),
        "on",
        "must be on or before 1 May 2003, when the Order was terminated",
    )


def test_event_in_the_future_is_refused() -> None:
    order = make_order(made_on=dt.date(2004, 6, 1))
    assert_refused(
        lambda: services.record_test(
            order, by=TEST_ACTOR, on=TODAY + dt.timedelta(days=1), outcome="refused", today=TODAY
        ),
        "on",
        "must be today or in the past",
    )


def test_appointment_may_be_arranged_ahead_but_its_outcome_not_recorded_ahead() -> None:
    order = make_order(made_on=dt.date(2004, 6, 1))
    ahead = services.record_appointment(
        order,
        by=TEST_ACTOR,
        on=TODAY + dt.timedelta(days=2),
        hours=2,
        with_whom="treatment",
        today=TODAY,
    )
    assert ahead.outcome is None
    assert_refused(
        lambda: services.record_attendance(ahead, by=TEST_ACTOR, outcome="ATTC", today=TODAY),
        "outcome",
        "has not happened yet",
    )


def test_second_termination_is_refused() -> None:
    order = make_order()
    services.terminate_order(
        order, by=TEST_ACTOR, on=dt.date(2004, 2, 2), reason="completed", today=TODAY
    )
    assert_refused(
        lambda: services.terminate_order(
            order, by=TEST_ACTOR, on=dt.date(2004, 2, 2), reason="other", today=TODAY
        ),
        "on",
        "already terminated on 2 February 2004",
    )


def test_termination_before_events_already_recorded_is_refused() -> None:
    order = make_order()
    services.give_warning(order, by=TEST_ACTOR, on=dt.date(2003, 6, 1), today=TODAY)
    assert_refused(
        lambda: services.terminate_order(
            order, by=TEST_ACTOR, on=dt.date(2003, 5, 1), reason="other", today=TODAY
        ),
        "on",
        "must be on or after 1 June 2003, the day of the latest event recorded on the Order",
    )


def test_breach_decision_dated_before_the_breach_is_refused() -> None:
    order = make_order()
    breach = services.instigate_breach(order, by=TEST_ACTOR, on=dt.date(2003, 3, 1), today=TODAY)
    assert_refused(
        lambda: services.decide_breach(
            breach, by=TEST_ACTOR, on=dt.date(2003, 2, 28), outcome="revoked", today=TODAY
        ),
        "decided_on",
        "must be on or after 1 March 2003, when the breach was instigated",
    )
    breach.refresh_from_db()
    assert breach.decided_on is None and breach.outcome.code == "pending"


def test_breach_decided_twice_is_refused() -> None:
    order = make_order()
    breach = services.instigate_breach(order, by=TEST_ACTOR, on=dt.date(2003, 3, 1), today=TODAY)
    services.decide_breach(
        breach, by=TEST_ACTOR, on=dt.date(2003, 3, 20), outcome="continued", today=TODAY
    )
    assert_refused(
        lambda: services.decide_breach(
            breach, by=TEST_ACTOR, on=dt.date(2003, 3, 21), outcome="revoked", today=TODAY
        ),
        "decided_on",
        "already decided on 20 March 2003",
    )


def test_unknown_attendance_code_is_refused() -> None:
    order = make_order()
    assert_refused(
        lambda: services.record_appointment(
            order,
            by=TEST_ACTOR,
            on=dt.date(2003, 2, 4),
            hours=2,
            with_whom="probation",
            outcome="XXXX",
            today=TODAY,
        ),
        "outcome",
        "unknown code 'XXXX' in the attendance_outcome list",
    )


def test_unknown_substance_is_refused() -> None:
    order = make_order()
    assert_refused(
        lambda: services.record_test(
            order,
            by=TEST_ACTOR,
            on=dt.date(2003, 2, 4),
            outcome="sample",
            results={"ketamine": "positive"},
            today=TODAY,
        ),
        "results.ketamine",
        "unknown code 'ketamine' in the substance list",
    )


def test_unknown_ethnicity_is_refused() -> None:
    assert_refused(
        lambda: make_case(ethnicity="Z9"), "ethnicity", "unknown code 'Z9' in the ethnicity list"
    )


@pytest.mark.parametrize(
    "bad_date", ["2003-02-30", "03/02/2003", "yesterday", "2003-2-4", 20030204]
)
def test_malformed_dates_are_refused(bad_date: object) -> None:
    order = make_order()
    assert_refused(
        lambda: services.give_warning(order, by=TEST_ACTOR, on=bad_date, today=TODAY),  # type: ignore[arg-type]
        "on",
        "date",
    )


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        ("two", "Enter the hours as a number"),
        ("-1", "more than 0"),
        ("0", "more than 0"),
        ("13", "at most 12"),
        ("1.234", "two decimal"),
        ("NaN", "Enter the hours as a number"),
        (None, "Enter the hours as a number"),
    ],
)
def test_malformed_or_impossible_hours_are_refused(hours: object, words: str) -> None:
    order = make_order()
    assert_refused(
        lambda: services.record_appointment(
            order,
            by=TEST_ACTOR,
            on=dt.date(2003, 2, 4),
            hours=hours,  # type: ignore[arg-type]
            with_whom="probation",
            today=TODAY,
        ),
        "hours",
        words,
    )


def test_result_for_a_refused_test_is_refused() -> None:
    order = make_order()
    assert_refused(
        lambda: services.record_test(
            order,
            by=TEST_ACTOR,
            on=dt.date(2003, 2, 4),
            outcome="refused",
            results={"opiates": "positive"},
            today=TODAY,
        ),
        "results",
        "Results are recorded only when a sample was given",
    )


def test_suspension_ending_before_it_starts_is_refused() -> None:
    order = make_order()
    assert_refused(
        lambda: services.suspend_standard(
            order,
            by=TEST_ACTOR,
            starts_on="2003-07-14",
            ends_on="2003-07-01",
            reason="detox",
            today=TODAY,
        ),
        "to",
        "when the suspension starts",
    )


def test_every_problem_with_a_form_is_reported_at_once() -> None:
    order = make_order()
    error = assert_refused(
        lambda: services.record_appointment(
            order, by=TEST_ACTOR, on="2003-02-31", hours="lots", with_whom="nobody", today=TODAY
        ),
        "on",
        "must be a real date",
    )
    assert set(error.by_field()) == {"on", "hours", "with_whom"}


def test_a_referral_with_nul_characters_is_refused_naming_each_field_before_any_lookup() -> None:
    # PostgreSQL refuses a NUL in a query; the check comes first, so nothing reaches it.
    with pytest.raises(RecordInvalid) as raised:
        services.register_referral(
            by=TEST_ACTOR,
            reference="R\x00",
            area="leicester\x00shire",
            name="Sam\x00",
            date_of_birth=dt.date(1980, 1, 1),
            sex="M",
            ethnicity="W1",
            referred_on=dt.date(2003, 1, 6),
            referral_source="court",
            today=TODAY,
        )
    assert set(raised.value.by_field()) == {"reference", "area", "name"}
    assert raised.value.by_field()["area"] == ["must not contain a NUL character"]

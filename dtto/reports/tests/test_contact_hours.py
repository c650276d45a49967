"""Contact hours by activity (3.21-3.24): hours attended, the share of each activity, and
what is withheld. Worked by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dtto.reports import exports, measures
from dtto.reports import statistics as st
from dtto.reports.labels import Labels
from dtto.reports.measures import contact_hours
from dtto.reports.queries import Period, Scope
from dtto.reports.sections import NOT_PUBLISHED, report_sections
from dtto.reports.tests.factories import case, load

pytestmark = pytest.mark.django_db

YEAR_2003 = Period(dt.date(2003, 1, 1), dt.date(2003, 12, 31))


def contact(
    on: str, hours: float, activity: str | None, outcome: str = "attended"
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "appointment",
        "on": on,
        "hours": hours,
        "with": "treatment" if activity == "treatment" else "probation",
        "outcome": outcome,
    }
    if activity is not None:
        event["activity"] = activity
    return event


def _cases() -> None:
    every = [contact("2003-02-04", 2.0, "treatment"), contact("2003-02-05", 1.5, "offence_focused")]
    load(
        # Five Orders with 2 hours of treatment and 1.5 of offence-focused work each.
        case(
            events=[
                *every,
                contact("2003-02-06", 3.0, "lifestyle"),
                # Missed: no time spent, not counted.
                contact("2003-02-07", 2.0, "treatment", outcome="unacceptable_absence"),
                # Cancelled by the service: not counted either.
                contact("2003-02-10", 2.0, "treatment", outcome="cancelled_by_service"),
                # Attended, no activity recorded: counted as not recorded.
                contact("2003-02-11", 1.0, None),
                # After the period: not counted.
                contact("2004-01-10", 4.0, "treatment"),
            ]
        ),
        # Attended but failed to comply: the hour was still spent on the Order.
        case(events=[*every, contact("2003-02-12", 1.0, "treatment", outcome="failed_to_comply")]),
        case(events=every),
        case(events=every),
        case(events=every),
        # Another area: not in Dorset's figures.
        case(area="kent", events=[contact("2003-02-04", 6.0, "treatment")]),
    )


def test_hours_attended_are_split_by_activity_with_each_share_of_the_whole() -> None:
    _cases()
    result = contact_hours(Scope.area("dorset"), YEAR_2003)
    # Treatment 5 x 2 + 1 = 11; offence-focused 5 x 1.5 = 7.5; lifestyle 3; not recorded 1.
    assert result["hours"] == 22.5
    assert result["appointments"] == 13
    assert result["orders"] == 5
    by = result["by_activity"]
    assert by["treatment"] == {
        "hours": 11.0,
        "share": pytest.approx(11 / 22.5),
        "appointments": 6,
        "orders": 5,
    }
    assert by["offence_focused"]["hours"] == 7.5
    assert by["offence_focused"]["share"] == pytest.approx(1 / 3)
    assert by["lifestyle"]["hours"] == 3.0
    assert by["lifestyle"]["orders"] == 1
    assert by["not_recorded"] == {
        "hours": 1.0,
        "share": pytest.approx(1 / 22.5),
        "appointments": 1,
        "orders": 1,
    }


def test_national_scope_counts_every_area() -> None:
    _cases()
    result = contact_hours(Scope.national(), YEAR_2003)
    assert result["hours"] == 28.5
    assert result["orders"] == 6
    assert result["by_activity"]["treatment"]["hours"] == 17.0


def test_only_appointments_on_or_before_the_as_of_day_count() -> None:
    _cases()
    # By 4 February 2003 only the five Dorset treatment contacts of that day had happened.
    result = contact_hours(Scope.area("dorset"), YEAR_2003, as_of=dt.date(2003, 2, 4))
    assert result["hours"] == 10.0
    assert result["by_activity"]["treatment"]["share"] == 1.0
    assert result["by_activity"]["offence_focused"] == {
        "hours": 0.0,
        "share": 0.0,
        "appointments": 0,
        "orders": 0,
    }


def test_no_contact_gives_no_share() -> None:
    result = contact_hours(Scope.national(), YEAR_2003)
    assert result["hours"] == 0.0
    assert result["by_activity"]["treatment"]["share"] is None


def test_an_activity_of_fewer_than_5_orders_is_withheld_and_the_rest_published() -> None:
    _cases()
    published = st.publish(measures.report(Scope.area("dorset"), YEAR_2003))["contact_hours"]
    assert published["hours"] == 22.5
    assert published["orders"] == 5
    assert published["by_activity"]["treatment"]["share"] == pytest.approx(11 / 22.5)
    for withheld in ("lifestyle", "not_recorded"):
        assert published["by_activity"][withheld] == {
            "hours": None,
            "share": None,
            "appointments": None,
            "orders": None,
            "suppressed": True,
        }


def test_a_total_of_fewer_than_5_orders_withholds_every_share() -> None:
    load(*(case(events=[contact("2003-02-04", 2.0, "treatment")] * 3) for _ in range(2)))
    published = st.publish(measures.report(Scope.national(), YEAR_2003))["contact_hours"]
    assert published["hours"] is None
    assert published["appointments"] is None
    assert published["orders"] is None
    assert published["by_activity"]["treatment"]["suppressed"] is True
    # Nobody had offence-focused work: a zero identifies nobody, but its share would give
    # the withheld total away (here it is 0 of an unknown total, still withheld with it).
    assert published["by_activity"]["offence_focused"]["hours"] == 0.0
    assert published["by_activity"]["offence_focused"]["share"] is None


def test_the_section_names_each_activity_in_words_and_the_csvs_carry_the_figures() -> None:
    _cases()
    data = st.publish(measures.report(Scope.area("dorset"), YEAR_2003))
    sections = report_sections(data, Labels.load())
    ids = [s.id for s in sections]
    # Beside the compliance measures, whose weekly contact it splits by activity.
    assert ids.index("contact-hours") == ids.index("compliance") + 1
    section = sections[ids.index("contact-hours")]
    rows = {row[0]: row for row in section.rows}
    assert rows["Treatment"][1:] == ["11.0", "48.9%", "6", "5"]
    assert rows["Offence-focused work"][2] == "33.3%"
    assert rows["Lifestyle (education, employment, housing)"][1:] == [NOT_PUBLISHED] * 4
    assert rows["Not recorded"][1] == NOT_PUBLISHED
    tidy = exports.section_csv(data, section).splitlines()
    assert tidy[0].endswith("activity,activity_label,hours,share,appointments,orders,withheld")
    assert any(",treatment,Treatment,11.0," in line for line in tidy)
    flat = exports.to_csv(data).splitlines()
    assert "contact_hours.by_activity.offence_focused.hours,7.5" in flat
    assert "contact_hours.by_activity.lifestyle.hours," in flat

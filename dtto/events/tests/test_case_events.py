"""Each service publishes exactly its event, in its transaction, with references and codes only.

Expected events are written out by hand from the catalogue (docs/events.md) and the values
given to the service; none is read back from the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from dtto.cases import services
from dtto.cases.importing import import_case_document
from dtto.cases.models import Appointment, Breach, Order
from dtto.cases.tests.factories import TEST_ACTOR, TODAY, make_case
from dtto.events.tests.helpers import last_sequence, published_since

pytestmark = pytest.mark.django_db

NAME = "Quentin Zebedee-Ashworth"
BORN = dt.date(1978, 5, 1)
MADE = dt.date(2003, 2, 3)
REFERENCE = "EVT-0001"
# Free text given to the services; none of it may reach the feed.
WARNING_REASON = "Missed keywork at the Xylophone Street clinic"
BREACH_REASON = "Second failure: absent from the Quokka group"
SAT = ["Judge Plughwhistle", "Mrs Ambergris JP"]
NOTES = "Discussed housing at Wobbleford hostel"
ONWARD_TO = "Phoenix Futures, Gallowtree Gate"
FIXTURE = Path(__file__).parents[2] / "cases" / "tests" / "fixtures" / "two-cases.json"


@pytest.fixture
def order() -> Order:
    case = make_case(reference=REFERENCE, name=NAME, date_of_birth=BORN)
    services.record_assessment(case, by=TEST_ACTOR, outcome="suitable", today=TODAY)
    return services.make_order(
        case,
        by=TEST_ACTOR,
        today=TODAY,
        made_on=MADE,
        length_months=12,
        intensity="higher",
        court="leicestershire-mc",
        team="leicestershire-dtto",
        treatment_provider="leicestershire-treatment",
    )


def about(order: Order, record_type: str, record_id: int) -> dict[str, Any]:
    return {
        "case_reference": REFERENCE,
        "order_id": order.pk,
        "record": {"type": record_type, "id": record_id},
    }


def appointment(order: Order, day: dt.date, outcome: str | None) -> Appointment:
    return services.record_appointment(
        order, by=TEST_ACTOR, today=TODAY, on=day, hours="2.5", with_whom="treatment",
        kind="keywork", outcome=outcome,
    )  # fmt: skip


def test_making_an_order_publishes_order_made_with_codes_and_no_person(order: Order) -> None:
    assert published_since(0) == [
        {
            "sequence": 1,
            "type": "order.made",
            "occurred_on": "2003-02-03",
            **about(order, "order", order.pk),
            "payload": {
                "intensity": "higher",
                "length_months": 12,
                # Made 3 February 2003 for 12 months: the first day after is 3 February 2004.
                "natural_end_on": "2004-02-03",
                "area": "leicestershire",
                "court": "leicestershire-mc",
                "team": "leicestershire-dtto",
                "treatment_provider": "leicestershire-treatment",
            },
        }
    ]


def test_an_appointment_attended_publishes_only_appointment_recorded(order: Order) -> None:
    mark = last_sequence()
    attended = appointment(order, dt.date(2003, 2, 4), "ATTC")
    assert published_since(mark) == [
        {
            "sequence": mark + 1,
            "type": "appointment.recorded",
            "occurred_on": "2003-02-04",
            **about(order, "appointment", attended.pk),
            "payload": {
                "change": "arranged",
                "with_whom": "treatment",
                "hours": "2.5",
                "kind": "keywork",
                "outcome": "ATTC",
                "activity": None,
            },
        }
    ]


def test_an_appointment_publishes_what_the_contact_was_for(order: Order) -> None:
    mark = last_sequence()
    services.record_appointment(
        order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 2, 4), hours="1.5",
        with_whom="probation", activity="offence_focused",
    )  # fmt: skip
    [published] = published_since(mark)
    assert published["payload"] == {
        "change": "arranged",
        "with_whom": "probation",
        "hours": "1.5",
        "kind": None,
        "outcome": None,
        "activity": "offence_focused",
    }


def test_an_unacceptable_absence_also_publishes_failure_recorded(order: Order) -> None:
    mark = last_sequence()
    missed = appointment(order, dt.date(2003, 2, 5), "UAAB")
    assert [(e["type"], e["occurred_on"], e["record"], e["payload"]) for e in published_since(mark)] == [
        ("appointment.recorded", "2003-02-05", {"type": "appointment", "id": missed.pk},
         {"change": "arranged", "with_whom": "treatment", "hours": "2.5", "kind": "keywork",
          "outcome": "UAAB", "activity": None}),
        ("failure.recorded", "2003-02-05", {"type": "appointment", "id": missed.pk},
         {"reason": "UAAB"}),
    ]  # fmt: skip


def test_a_second_failure_on_the_same_day_is_not_a_second_failure(order: Order) -> None:
    # Figure 21: missing one or more appointments on one day is one unacceptable failure,
    # and a refusal on a day already failed adds no other.
    day = dt.date(2003, 2, 6)
    appointment(order, day, "UAAB")
    mark = last_sequence()
    appointment(order, day, "AFTC")
    services.record_test(order, by=TEST_ACTOR, today=TODAY, on=day, outcome="refused")
    assert [e["type"] for e in published_since(mark)] == [
        "appointment.recorded",
        "drug-test.recorded",
    ]


def test_an_outcome_recorded_later_publishes_the_change_and_a_new_failure_once(
    order: Order,
) -> None:
    arranged = appointment(order, dt.date(2003, 2, 7), None)
    mark = last_sequence()
    services.record_attendance(arranged, by=TEST_ACTOR, today=TODAY, outcome="UAAB")
    # Corrected to "attended, failed to comply": still the same failure day, no new failure.
    services.record_attendance(arranged, by=TEST_ACTOR, today=TODAY, outcome="AFTC")
    published = published_since(mark)
    assert [(e["type"], e["payload"].get("change"), e["payload"].get("outcome")) for e in published] == [
        ("appointment.recorded", "outcome_recorded", "UAAB"),
        ("failure.recorded", None, None),
        ("appointment.recorded", "outcome_recorded", "AFTC"),
    ]  # fmt: skip
    assert published[1]["payload"] == {"reason": "UAAB"}


def test_a_drug_test_publishes_its_outcome_but_never_its_results(order: Order) -> None:
    mark = last_sequence()
    test = services.record_test(
        order,
        by=TEST_ACTOR,
        today=TODAY,
        on=dt.date(2003, 2, 4),
        outcome="sample",
        results={"opiates": "positive", "cocaine": "negative"},
    )
    services.confirm_test_result(
        test.results.get(substance__code="opiates"), by=TEST_ACTOR, confirmed=True
    )
    assert published_since(mark) == [
        {
            "sequence": mark + 1,
            "type": "drug-test.recorded",
            "occurred_on": "2003-02-04",
            **about(order, "drug_test", test.pk),
            "payload": {"change": "recorded", "outcome": "sample"},
        },
        {
            "sequence": mark + 2,
            "type": "drug-test.recorded",
            "occurred_on": "2003-02-04",
            **about(order, "drug_test", test.pk),
            "payload": {"change": "result_confirmed", "outcome": "sample"},
        },
    ]


def test_a_refused_test_publishes_a_failure(order: Order) -> None:
    mark = last_sequence()
    test = services.record_test(
        order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 2, 10), outcome="refused"
    )
    assert [(e["type"], e["record"], e["payload"]) for e in published_since(mark)] == [
        ("drug-test.recorded", {"type": "drug_test", "id": test.pk},
         {"change": "recorded", "outcome": "refused"}),
        ("failure.recorded", {"type": "drug_test", "id": test.pk}, {"reason": "refused"}),
    ]  # fmt: skip


def test_enforcement_publishes_warning_breach_and_decision_without_reasons(order: Order) -> None:
    mark = last_sequence()
    warning = services.give_warning(
        order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 2, 12), reason=WARNING_REASON
    )
    breach = services.instigate_breach(
        order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 3, 3), reason=BREACH_REASON
    )
    services.decide_breach(
        breach, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 3, 20), outcome="continued"
    )
    assert published_since(mark) == [
        {
            "sequence": mark + 1,
            "type": "warning.given",
            "occurred_on": "2003-02-12",
            **about(order, "formal_warning", warning.pk),
            "payload": {},
        },
        {
            "sequence": mark + 2,
            "type": "breach.instigated",
            "occurred_on": "2003-03-03",
            **about(order, "breach", breach.pk),
            "payload": {},
        },
        {
            "sequence": mark + 3,
            "type": "breach.decided",
            "occurred_on": "2003-03-20",
            **about(order, "breach", breach.pk),
            "payload": {"outcome": "continued", "instigated_on": "2003-03-03"},
        },
    ]


def test_a_review_publishes_review_held_without_who_sat_or_notes(order: Order) -> None:
    mark = last_sequence()
    review = services.record_review(
        order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 3, 3), hearing=True, sat=SAT,
        notes=NOTES,
    )  # fmt: skip
    assert published_since(mark) == [
        {
            "sequence": mark + 1,
            "type": "review.held",
            "occurred_on": "2003-03-03",
            **about(order, "court_review", review.pk),
            "payload": {"hearing": True},
        }
    ]


def test_termination_with_onward_referral_publishes_both_events_in_order(order: Order) -> None:
    mark = last_sequence()
    termination = services.terminate_order(
        order,
        by=TEST_ACTOR,
        today=TODAY,
        on=dt.date(2003, 9, 1),
        reason="early_good_progress",
        onward_referral_on=dt.date(2003, 9, 3),
        onward_referral_to=ONWARD_TO,
    )
    assert published_since(mark) == [
        {
            "sequence": mark + 1,
            "type": "order.terminated",
            "occurred_on": "2003-09-01",
            **about(order, "termination", termination.pk),
            "payload": {"reason": "early_good_progress", "custody_handover_on": None},
        },
        {
            "sequence": mark + 2,
            "type": "onward-care.referred",
            "occurred_on": "2003-09-03",
            **about(order, "termination", termination.pk),
            "payload": {"terminated_on": "2003-09-01"},
        },
    ]


def test_termination_into_custody_without_onward_referral_publishes_one_event(
    order: Order,
) -> None:
    mark = last_sequence()
    services.terminate_order(
        order,
        by=TEST_ACTOR,
        today=TODAY,
        on=dt.date(2003, 9, 1),
        reason="revoked_conviction",
        custody_handover_on=dt.date(2003, 9, 2),
    )
    published = published_since(mark)
    assert [(e["type"], e["payload"]) for e in published] == [
        (
            "order.terminated",
            {"reason": "revoked_conviction", "custody_handover_on": "2003-09-02"},
        )
    ]


def test_changes_outside_the_catalogue_publish_nothing(order: Order) -> None:
    # A conviction, a contact level, a suspension, a breach hearing and a warrant are on the
    # audit trail only: the list of events does not name them.
    breach = services.instigate_breach(
        order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 3, 3), reason=BREACH_REASON
    )
    mark = last_sequence()
    services.record_breach_hearing(breach, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 3, 10))
    services.record_warrant(
        Breach.objects.get(pk=breach.pk), by=TEST_ACTOR, today=TODAY, issued_on="2003-03-10"
    )
    services.record_conviction(order.case, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 5, 1))
    services.change_contact_level(
        order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 5, 5), level="reduced"
    )
    assert published_since(mark) == []


def test_nothing_personal_or_free_text_reaches_the_feed(order: Order) -> None:
    appointment(order, dt.date(2003, 2, 5), "UAAB")
    services.record_test(
        order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 2, 4), outcome="sample",
        results={"opiates": "positive"},
    )  # fmt: skip
    services.give_warning(
        order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 2, 12), reason=WARNING_REASON
    )
    breach = services.instigate_breach(
        order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 3, 3), reason=BREACH_REASON
    )
    services.decide_breach(
        breach, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 3, 20), outcome="continued"
    )
    services.record_review(
        order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 3, 4), hearing=True, sat=SAT,
        notes=NOTES,
    )  # fmt: skip
    services.terminate_order(
        order, by=TEST_ACTOR, today=TODAY, on=dt.date(2003, 9, 1), reason="completed",
        onward_referral_on=dt.date(2003, 9, 3), onward_referral_to=ONWARD_TO,
    )  # fmt: skip
    feed = json.dumps(published_since(0))
    assert len(published_since(0)) == 10
    for personal in (
        NAME, *NAME.split(), "1978-05-01", WARNING_REASON, BREACH_REASON, *SAT, NOTES,
        ONWARD_TO, "opiates", "positive",
    ):  # fmt: skip
        assert personal not in feed
    for event in published_since(0):
        # The person appears only as the case reference; no field names a person's details.
        assert not {"name", "date_of_birth", "sex", "ethnicity", "reason_text"} & set(
            event["payload"]
        )


def test_an_import_publishes_one_batch_event_with_counts() -> None:
    document = json.loads(FIXTURE.read_text())
    records = sum(len(case.get("events", [])) for case in document["cases"])
    import_case_document(document, by=TEST_ACTOR, today=dt.date(2026, 1, 1))
    assert published_since(0) == [
        {
            "sequence": 1,
            "type": "cases.imported",
            "occurred_on": None,
            "case_reference": None,
            "order_id": None,
            "record": None,
            # The fixture has two cases, one with an Order and thirteen dated records.
            "payload": {"cases": 2, "orders": 1, "records": records},
        }
    ]
    assert records == 13
    # Importing the same file again records nothing, and publishes nothing.
    import_case_document(document, by=TEST_ACTOR, today=dt.date(2026, 1, 1))
    assert last_sequence() == 1

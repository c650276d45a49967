"""Issue 14's new facts: recorded through the services, refused with the field named, audited,
and carried through the case file (dtto-case/1.1) and back."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest

from dtto.accounts.models import Area, AreaSpending, Role
from dtto.accounts.services import record_spending
from dtto.audit.models import AuditEvent
from dtto.caseformat import READ_FORMATS
from dtto.cases import reporting_services, services
from dtto.cases.export import write_case_file
from dtto.cases.importing import import_case_document
from dtto.cases.models import Appointment, Assessment, Case, CourtFeedback, Seriousness, Termination
from dtto.cases.tests.factories import TEST_ACTOR, TODAY, make_case, make_order
from dtto.cases.tests.web import ACTOR, make_running_case, make_user
from dtto.standards.errors import RecordInvalid
from dtto.standards.timeline import (
    AFTERCARE_INTENSITIES,
    AFTERCARE_SETTINGS,
    CONTACT_ACTIVITIES,
    SERIOUSNESS_BANDS,
)
from dtto.standards.validation import COURT_FEEDBACK, SPENDING_HEADINGS

pytestmark = pytest.mark.django_db


def refused(call, field: str, words: str) -> None:
    with pytest.raises(RecordInvalid) as raised:
        call()
    assert words in " ".join(raised.value.by_field()[field])


def test_the_models_choices_are_the_standards_words() -> None:
    from dtto.cases.models import Activity, AftercareIntensity, AftercareSetting

    assert tuple(Activity.values) == CONTACT_ACTIVITIES
    assert tuple(AftercareSetting.values) == AFTERCARE_SETTINGS
    assert tuple(AftercareIntensity.values) == AFTERCARE_INTENSITIES
    assert tuple(Seriousness.values) == SERIOUSNESS_BANDS
    assert tuple(CourtFeedback.values) == COURT_FEEDBACK
    assert tuple(AreaSpending.Heading.values) == SPENDING_HEADINGS


# --- Convictions before the referral, with a seriousness band ---------------------------------


def test_a_conviction_before_the_referral_is_recorded_with_its_band() -> None:
    case = make_case()  # referred 6 January 2003
    conviction = services.record_conviction(
        case,
        by=TEST_ACTOR,
        on=dt.date(2002, 5, 1),
        offence_on=dt.date(2002, 3, 1),
        seriousness="either_way",
        today=TODAY,
    )
    assert (conviction.on, conviction.seriousness) == (dt.date(2002, 5, 1), "either_way")
    assert AuditEvent.objects.filter(action="cases.conviction.recorded").count() == 1


def test_an_unknown_seriousness_band_is_refused_and_nothing_recorded() -> None:
    case = make_case()
    refused(
        lambda: services.record_conviction(
            case, by=TEST_ACTOR, on=dt.date(2003, 5, 1), seriousness="grave", today=TODAY
        ),
        "seriousness",
        "must be one of summary, either_way, indictable_only",
    )
    assert not case.convictions.exists()


# --- The pre-sentence report and the health assessment ---------------------------------------


def test_the_pre_sentence_report_dates_are_kept_with_the_assessment() -> None:
    case = make_case()
    assessment = services.record_assessment(
        case,
        by=TEST_ACTOR,
        outcome="suitable",
        started_on=dt.date(2003, 1, 8),
        completed_on=dt.date(2003, 1, 20),
        recommended_intensity="higher",
        psr_requested_on=dt.date(2003, 1, 6),
        adjourned_on=dt.date(2003, 1, 6),
        psr_delivered_on=dt.date(2003, 1, 27),
        today=TODAY,
    )
    assert (assessment.psr_requested_on, assessment.adjourned_on, assessment.psr_delivered_on) == (
        dt.date(2003, 1, 6),
        dt.date(2003, 1, 6),
        dt.date(2003, 1, 27),
    )


def test_a_report_delivered_before_it_was_requested_is_refused() -> None:
    case = make_case()
    refused(
        lambda: services.record_assessment(
            case,
            by=TEST_ACTOR,
            outcome="suitable",
            psr_requested_on=dt.date(2003, 1, 20),
            psr_delivered_on=dt.date(2003, 1, 10),
            today=TODAY,
        ),
        "psr_delivered_on",
        "must be on or after 20 January 2003, when the report was requested",
    )
    assert not Assessment.objects.filter(case=case).exists()


def test_a_health_assessment_is_recorded_only_for_unsuitability_on_mental_health_grounds() -> None:
    case = make_case()
    assessment = services.record_assessment(
        case,
        by=TEST_ACTOR,
        outcome="unsuitable",
        reason="mental_health",
        health_assessment_recommended=True,
        today=TODAY,
    )
    assert assessment.health_assessment_recommended is True
    other = make_case()
    refused(
        lambda: services.record_assessment(
            other,
            by=TEST_ACTOR,
            outcome="unsuitable",
            reason="not_motivated",
            health_assessment_recommended=True,
            today=TODAY,
        ),
        "health_assessment_recommended",
        "only given when the person was found unsuitable on mental-health grounds",
    )


# --- What a contact was for ------------------------------------------------------------------


def test_an_appointment_records_its_activity_and_refuses_an_unknown_one() -> None:
    order = make_order()
    appointment = services.record_appointment(
        order,
        by=TEST_ACTOR,
        on=dt.date(2003, 2, 4),
        hours="2",
        with_whom="probation",
        activity="offence_focused",
        today=TODAY,
    )
    assert appointment.activity == "offence_focused"
    refused(
        lambda: services.record_appointment(
            order,
            by=TEST_ACTOR,
            on=dt.date(2003, 2, 5),
            hours="2",
            with_whom="probation",
            activity="gardening",
            today=TODAY,
        ),
        "activity",
        "must be one of treatment, offence_focused, lifestyle",
    )
    assert Appointment.objects.filter(order=order).count() == 1


# --- Treatment after the Order, and the handover received ------------------------------------


def _ended(**extra) -> Termination:
    order = make_order()
    return services.terminate_order(
        order, by=TEST_ACTOR, on=dt.date(2004, 2, 2), reason="completed", today=TODAY, **extra
    )


def test_treatment_started_after_the_order_is_recorded_and_audited_before_and_after() -> None:
    termination = _ended()
    services.record_aftercare(
        termination.order,
        by=TEST_ACTOR,
        treatment_started_on="2004-02-16",
        treatment_setting="community",
        treatment_intensity="structured",
        today=TODAY,
    )
    termination.refresh_from_db()
    assert termination.treatment_started_on == dt.date(2004, 2, 16)
    assert (termination.treatment_setting, termination.treatment_intensity) == (
        "community",
        "structured",
    )
    event = AuditEvent.objects.get(action="cases.aftercare.recorded")
    assert (event.before or {})["treatment_started_on"] is None
    assert (event.after or {})["treatment_started_on"] == "2004-02-16"


def test_treatment_cannot_start_before_the_order_ended_nor_have_a_setting_without_a_start() -> None:
    termination = _ended()
    refused(
        lambda: services.record_aftercare(
            termination.order, by=TEST_ACTOR, treatment_started_on="2004-01-30", today=TODAY
        ),
        "treatment_started_on",
        "must be on or after 2 February 2004, when the Order ended",
    )
    refused(
        lambda: services.record_aftercare(
            termination.order, by=TEST_ACTOR, treatment_setting="residential", today=TODAY
        ),
        "treatment_setting",
        "only given when treatment started",
    )
    termination.refresh_from_db()
    assert termination.treatment_started_on is None and termination.treatment_setting == ""


def test_a_handover_is_received_only_after_it_was_sent() -> None:
    termination = _ended(custody_handover_on="2004-02-02")
    refused(
        lambda: services.record_aftercare(
            termination.order,
            by=TEST_ACTOR,
            custody_handover_received_on="2004-02-01",
            today=TODAY,
        ),
        "custody_handover_received_on",
        "must be on or after 2 February 2004, when the record was handed over",
    )
    services.record_aftercare(
        termination.order, by=TEST_ACTOR, custody_handover_received_on="2004-02-05", today=TODAY
    )
    termination.refresh_from_db()
    assert termination.custody_handover_received_on == dt.date(2004, 2, 5)


def test_aftercare_on_an_order_still_running_is_refused() -> None:
    order = make_order()
    refused(
        lambda: services.record_aftercare(
            order, by=TEST_ACTOR, treatment_started_on="2004-02-16", today=TODAY
        ),
        "treatment_started_on",
        "the Order has not ended",
    )


# --- Spending -------------------------------------------------------------------------------


def test_spending_is_recorded_by_heading_and_a_second_figure_replaces_the_first() -> None:
    area = Area.objects.get(code="dorset")
    record_spending(
        area, by=TEST_ACTOR, financial_year=2002, heading="treatment", amount="250000.50"
    )
    record_spending(area, by=TEST_ACTOR, financial_year="2002", heading="treatment", amount=260000)
    row = AreaSpending.objects.get(area=area, financial_year=2002, heading="treatment")
    assert row.amount == Decimal("260000.00")
    events = AuditEvent.objects.filter(action="accounts.spending.recorded").order_by("pk")
    assert [e.before for e in events] == [None, {"amount": "250000.50"}]


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"amount": "lots"}, "amount", "Enter the amount in pounds, like 125000.50"),
        ({"amount": "-5"}, "amount", "must not be negative"),
        ({"amount": "1.234"}, "amount", "two decimal places"),
        ({"heading": "lunch"}, "heading", "must be one of supervision, treatment"),
        ({"financial_year": "two thousand"}, "financial_year", "must be a year such as 2003"),
    ],
)
def test_bad_spending_is_refused_naming_the_field(values, field, words) -> None:
    area = Area.objects.get(code="dorset")
    given = {"financial_year": 2002, "heading": "treatment", "amount": "1"} | values
    refused(lambda: record_spending(area, by=TEST_ACTOR, **given), field, words)
    assert not AreaSpending.objects.exists()


# --- The court's feedback on a review report -------------------------------------------------


def test_the_court_that_made_the_order_gives_feedback_on_a_sent_report_only() -> None:
    cm = make_user("cm", Role.CASE_MANAGER)
    court = make_user("court", Role.COURT_USER)
    running = make_running_case(cm)
    report = running.report
    refused(
        lambda: reporting_services.record_court_feedback(report, by=court, feedback="useful"),
        "feedback",
        "Only the court that made the Order gives its view of the report",
    )
    report = reporting_services.edit_review_report(report, by=ACTOR, assessment="Engaging.")
    report = reporting_services.send_review_report(report, by=ACTOR)
    refused(
        lambda: reporting_services.record_court_feedback(report, by=cm, feedback="useful"),
        "feedback",
        "Only the court that made the Order gives its view of the report",
    )
    refused(
        lambda: reporting_services.record_court_feedback(report, by=court, feedback="brilliant"),
        "feedback",
        "must be one of useful, partly_useful, not_useful",
    )
    reporting_services.record_court_feedback(
        report, by=court, feedback="partly_useful", notes="More on housing, please."
    )
    report.refresh_from_db()
    assert (report.court_feedback, report.court_feedback_notes) == (
        "partly_useful",
        "More on housing, please.",
    )
    assert AuditEvent.objects.filter(action="cases.review_report.court_feedback").count() == 1


# --- The case file, version 1.1 --------------------------------------------------------------


def _one_case_document(fmt: str, **termination_extra) -> dict:
    return {
        "format": fmt,
        "cases": [
            {
                "reference": "V11-1",
                "area": "leicestershire",
                "person": {
                    "name": "Jo Example",
                    "date_of_birth": "1975-04-02",
                    "sex": "F",
                    "ethnicity": "W1",
                },
                "referral": {"on": "2003-01-10", "source": "court"},
                "assessment": {
                    "outcome": "suitable",
                    "recommended_intensity": "higher",
                    "psr_requested_on": "2003-01-10",
                    "adjourned_on": "2003-01-10",
                    "psr_delivered_on": "2003-01-31",
                },
                "order": {"made_on": "2003-02-03", "length_months": 12, "intensity": "higher"},
                "events": [
                    {"type": "conviction", "on": "2002-06-01", "seriousness": "summary"},
                    {
                        "type": "appointment",
                        "on": "2003-02-04",
                        "hours": 2.0,
                        "with": "treatment",
                        "outcome": "attended",
                        "activity": "treatment",
                    },
                    {
                        "type": "termination",
                        "on": "2004-02-02",
                        "reason": "completed",
                        "treatment_started_on": "2004-02-10",
                        "treatment_setting": "residential",
                        "treatment_intensity": "structured",
                        **termination_extra,
                    },
                ],
            }
        ],
    }


@pytest.mark.parametrize("fmt", READ_FORMATS)
def test_a_file_of_either_minor_version_imports_the_new_facts_and_exports_as_1_1(fmt) -> None:
    result = import_case_document(_one_case_document(fmt), by=TEST_ACTOR, today=TODAY)
    assert result.created == ["V11-1"]
    out = io.StringIO()
    write_case_file(Case.objects.filter(reference="V11-1"), out)
    document = json.loads(out.getvalue())
    assert document["format"] == "dtto-case/1.1"
    case = document["cases"][0]
    assert case["assessment"]["psr_delivered_on"] == "2003-01-31"
    assert case["assessment"]["health_assessment_recommended"] is None
    kinds = {e["type"]: e for e in case["events"]}
    assert kinds["conviction"]["on"] == "2002-06-01"
    assert kinds["conviction"]["seriousness"] == "summary"
    assert kinds["appointment"]["activity"] == "treatment"
    assert kinds["termination"]["treatment_setting"] == "residential"
    assert kinds["termination"]["custody_handover_received_on"] is None


def test_a_file_with_a_handover_received_but_never_sent_is_refused_with_its_place() -> None:
    document = _one_case_document("dtto-case/1.1", custody_handover_received_on="2004-02-03")
    with pytest.raises(RecordInvalid) as raised:
        import_case_document(document, by=TEST_ACTOR, today=TODAY)
    assert raised.value.by_field()["cases[0].events[2].custody_handover_received_on"] == [
        "is only given when the treatment record was handed over (custody_handover_on)"
    ]
    assert not Case.objects.filter(reference="V11-1").exists()


def test_the_demo_reference_data_loads_spending_by_heading() -> None:
    from dtto.accounts.services import load_targets_and_budgets

    reference = {
        "targets": {},
        "budgets": {},
        "spending": {"dorset": {"2003-04": {"treatment": 96000, "enforcement": 4000}}},
        "custody_day_cost": 100,
    }
    assert load_targets_and_budgets(reference, by=TEST_ACTOR) == 2
    rows = AreaSpending.objects.filter(area__code="dorset", financial_year=2003)
    assert {r.heading: r.amount for r in rows} == {
        "treatment": Decimal("96000"),
        "enforcement": Decimal("4000"),
    }


def test_the_simulators_spending_is_the_budget_at_96_percent_plus_4_percent_enforcement() -> None:
    from dtto.simulate.national import reference_data

    reference = reference_data()
    area, years = next(iter(reference["budgets"].items()))
    year, budget = next(iter(years.items()))
    spent = reference["spending"][area][year]
    money = sum(budget.values())
    assert spent["treatment"] == round(budget["treatment"] * 0.96)
    assert abs(spent["enforcement"] - money * 0.04) <= 2  # each heading rounded to a pound

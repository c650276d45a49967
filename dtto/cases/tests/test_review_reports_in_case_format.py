"""Review reports and the court's feedback in the case format (dtto-case/1.1, `review_report`):
export writes every stored field, import reads them back unchanged through the checks the
report's pages use, and a file breaking them is refused as a whole, naming the field, by
import and `dtto evaluate` alike. Expected values are worked out by hand from
docs/case-format.md."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dtto.audit.models import AuditEvent
from dtto.audit.services import Actor
from dtto.caseformat import CaseFileError, dump_document
from dtto.cases import reporting_services
from dtto.cases.export import export_case_document
from dtto.cases.importing import import_case_document
from dtto.cases.models import Case, Code, ReviewReport
from dtto.cases.tests.web import ACTOR, make_personas, make_running_case
from dtto.standards.casefile import timelines_from_document
from dtto.standards.errors import RecordInvalid
from dtto.standards.validation import REPORT_SECTIONS, REPORT_STATUSES

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "two-cases.json"
TODAY = dt.date(2026, 1, 1)

# EXAMPLE-1's Order is made on 3 February 2003 (higher intensity): its first reviews are due
# a month and two months on, on 3 March and 3 April 2003 (Figure 4).
SENT = {
    "type": "review_report",
    "review_due": "2003-03-03",
    "period_from": "2003-02-03",
    "period_to": "2003-02-28",
    "status": "sent",
    "tests_summary": "Three tests: one positive for opiates.",
    "attendance_summary": "Two of three appointments kept.",
    "provider_view": "Engaging in keywork.",
    "assessment": "Motivated, but missed keywork twice.",
    "proposal": "Continue the Order.",
    "sent_on": "2003-02-28",
    "court_feedback": {"feedback": "partly_useful", "on": "2003-03-10", "notes": "More on housing"},
}
DRAFT = {
    "type": "review_report",
    "review_due": "2003-04-03",
    "period_from": "2003-03-04",
    "period_to": "2003-03-31",
    "status": "draft",
    "tests_summary": None,
    "attendance_summary": None,
    "provider_view": None,
    "assessment": None,
    "proposal": None,
    "sent_on": None,
    "court_feedback": None,
}


def with_reports(*reports: dict[str, Any]) -> dict[str, Any]:
    """The fixture's EXAMPLE-1 (a dtto-case/1 case) as a 1.1 file carrying these reports."""
    document: dict[str, Any] = json.loads(FIXTURE.read_text())
    case = document["cases"][0]
    document = {"format": "dtto-case/1.1", "cases": [case]}
    case["events"] = case["events"] + [copy.deepcopy(r) for r in reports]
    return document


def import_(document: dict[str, Any]) -> Any:
    return import_case_document(document, by=Actor.system("test"), today=TODAY)


def exported() -> dict[str, Any]:
    return export_case_document(Case.objects.all())


def reports_in(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for c in document["cases"] for e in c["events"] if e["type"] == "review_report"]


def wipe_case_records() -> None:
    from django.apps import apps

    for model in reversed(list(apps.get_app_config("cases").get_models())):
        if model is not Code:
            model._default_manager.all().delete()


def test_the_formats_statuses_and_sections_are_the_models() -> None:
    assert tuple(ReviewReport.Status.values) == REPORT_STATUSES
    assert all(hasattr(ReviewReport, name) for name in REPORT_SECTIONS)


def test_a_sent_report_with_feedback_and_a_draft_are_stored_and_exported_unchanged() -> None:
    import_(with_reports(DRAFT, SENT))
    sent = ReviewReport.objects.get(review_due=dt.date(2003, 3, 3))
    assert (sent.status, sent.sent_on, sent.period_from, sent.period_to) == (
        "sent",
        dt.date(2003, 2, 28),
        dt.date(2003, 2, 3),
        dt.date(2003, 2, 28),
    )
    assert (sent.provider_view, sent.assessment, sent.proposal) == (
        "Engaging in keywork.",
        "Motivated, but missed keywork twice.",
        "Continue the Order.",
    )
    assert (sent.court_feedback, sent.court_feedback_notes, sent.court_feedback_on) == (
        "partly_useful",
        "More on housing",
        dt.date(2003, 3, 10),
    )
    draft = ReviewReport.objects.get(review_due=dt.date(2003, 4, 3))
    assert (draft.status, draft.sent_on, draft.court_feedback, draft.assessment) == (
        "draft",
        None,
        "",
        "",
    )
    # Export writes them by due date, each in the same-day order: on 3 March 2003 the report
    # comes just before that day's review.
    document = exported()
    assert reports_in(document) == [SENT, DRAFT]
    types = [
        (e.get("on") or e.get("review_due"), e["type"]) for e in document["cases"][0]["events"]
    ]
    assert types.index(("2003-03-03", "review_report")) + 1 == types.index(("2003-03-03", "review"))
    # And the export imports back to the same bytes.
    first = dump_document(document)
    wipe_case_records()
    import_(json.loads(first))
    assert dump_document(exported()) == first


def test_a_report_sent_and_answered_through_the_pages_survives_export_and_import() -> None:
    users = make_personas()
    running = make_running_case(users["case_manager"])
    report = reporting_services.edit_review_report(
        running.report, by=ACTOR, assessment="Engaging.", proposal="Continue."
    )
    reporting_services.add_provider_view(report, by=users["treatment_worker"], provider_view="Fine")
    report = reporting_services.send_review_report(report, by=ACTOR, today=running.today)
    reporting_services.record_court_feedback(
        report, by=users["court_user"], feedback="useful", notes="Clear", today=running.today
    )
    stored = ReviewReport.objects.values().get()
    first = dump_document(exported())
    wipe_case_records()
    import_case_document(json.loads(first), by=Actor.system("test"))
    assert dump_document(exported()) == first
    again = ReviewReport.objects.values().get()
    ignored = ("id", "order_id", "drafted_at", "version")
    assert {k: v for k, v in again.items() if k not in ignored} == {
        k: v for k, v in stored.items() if k not in ignored
    }
    assert (again["court_feedback"], again["court_feedback_notes"]) == ("useful", "Clear")
    assert again["provider_view"] == "Fine" and again["status"] == "sent"


# Where a report lands in EXAMPLE-1's events: after its 13.
REPORT_PLACE = "cases[0].events[13]"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            # Feedback on a report never sent to the court.
            {**DRAFT, "court_feedback": {"feedback": "useful", "on": "2003-04-10", "notes": None}},
            "court_feedback.feedback",
            "the report has not been sent to the court yet",
        ),
        (
            {**SENT, "court_feedback": {"feedback": "useful", "on": "2003-02-27", "notes": None}},
            "court_feedback.on",
            "must be on or after 28 February 2003, when the report was sent",
        ),
        (
            {**SENT, "court_feedback": {"feedback": "great", "on": "2003-03-10", "notes": None}},
            "court_feedback.feedback",
            "must be one of useful, partly_useful, not_useful, got 'great'",
        ),
        (
            {**SENT, "assessment": None, "court_feedback": None},
            "assessment",
            "is required before sending the report:"
            " the case manager's assessment of attitude and response",
        ),
        (
            {**SENT, "sent_on": None, "court_feedback": None},
            "sent_on",
            "is required for a report sent to the court",
        ),
        (
            # Reviews are due on the 3rd (a month, two, three, four, then every three months
            # after 3 February 2003): the 4th is not a due date.
            {**DRAFT, "review_due": "2003-03-04"},
            "review_due",
            "no review is due on 4 March 2003 for this Order",
        ),
        (
            {**DRAFT, "review_due": "2003-08-03"},
            "review_due",
            "no review is due on 3 August 2003 for this Order",
        ),
        (
            {**DRAFT, "review_due": "2004-02-03"},
            "review_due",
            "must be on or before 2 February 2004, when the Order was terminated",
        ),
    ],
)
def test_a_bad_report_is_refused_naming_its_field_and_nothing_changes(
    change: dict[str, Any], field: str, message: str
) -> None:
    document = with_reports(change)
    audit = AuditEvent.objects.count()
    with pytest.raises(RecordInvalid) as refused:
        import_(document)
    place = f"{REPORT_PLACE}.{field}"
    assert [(e.field, e.message) for e in refused.value.errors] == [(place, message)]
    assert (Case.objects.count(), ReviewReport.objects.count()) == (0, 0)
    assert AuditEvent.objects.count() == audit
    # dtto evaluate refuses the file with the same message on the same field.
    with pytest.raises(CaseFileError) as judged:
        timelines_from_document(document)
    assert str(judged.value) == f"{place}: {message}"


def test_two_reports_for_one_review_are_refused() -> None:
    with pytest.raises(RecordInvalid) as refused:
        import_(with_reports(SENT, {**DRAFT, "review_due": "2003-03-03"}))
    assert [(e.field, e.message) for e in refused.value.errors] == [
        (
            "cases[0].events[14].review_due",
            "a report for the review due 3 March 2003 is already given",
        )
    ]
    assert ReviewReport.objects.count() == 0


def test_a_dtto_case_1_file_without_reports_is_still_read() -> None:
    document = json.loads(FIXTURE.read_text())
    assert document["format"] == "dtto-case/1"
    assert len(timelines_from_document(document)) == 1
    result = import_(document)
    assert result.created == ["EXAMPLE-1", "EXAMPLE-2"]
    assert ReviewReport.objects.count() == 0
    assert reports_in(exported()) == []


def test_dtto_evaluate_judges_a_file_carrying_reports() -> None:
    (timeline,) = timelines_from_document(with_reports(SENT, DRAFT))
    assert timeline.reference == "EXAMPLE-1"
    assert [r.on for r in timeline.reviews] == [dt.date(2003, 3, 3)]


def test_reopening_a_sent_report_withdraws_the_courts_view_of_it() -> None:
    # A report's feedback is on the report as last sent, so every stored report can be
    # exported and imported (docs/case-format.md, review_report).
    users = make_personas()
    running = make_running_case(users["case_manager"])
    report = reporting_services.edit_review_report(running.report, by=ACTOR, assessment="Ok")
    report = reporting_services.send_review_report(report, by=ACTOR, today=running.today)
    reporting_services.record_court_feedback(
        report, by=users["court_user"], feedback="not_useful", today=running.today
    )
    # The case manager is told before reopening.
    client = Client()
    client.force_login(users["case_manager"])
    url = reverse(
        "cases:review-report-reopen",
        kwargs={"reference": running.case.reference, "due": running.report.review_due},
    )
    assert "view of it is withdrawn with it" in client.get(url).content.decode()
    reporting_services.reopen_review_report(report, by=ACTOR, reason="Wrong dates")
    report.refresh_from_db()
    assert (report.status, report.court_feedback, report.court_feedback_on) == ("draft", "", None)
    reopened = AuditEvent.objects.get(action="cases.review_report.reopened")
    assert (reopened.before or {}).get("court_feedback") == "not_useful"

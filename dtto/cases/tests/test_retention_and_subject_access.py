"""Retention erases a person's details and leaves the figures; subject access gives them all.

One small case is built through the services, with every kind of record and free text on
each; what the bundle must hold and what retention must clear are listed here by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from dtto.audit.models import AuditEvent
from dtto.cases import reporting_services, services
from dtto.cases.models import (
    Breach,
    Case,
    Conviction,
    CourtReview,
    FormalWarning,
    Person,
    ReviewReport,
    Termination,
)
from dtto.cases.tests.factories import TEST_ACTOR, make_case, make_order
from dtto.reports.measures import report
from dtto.reports.queries import Period, Scope
from dtto.reports.summaries import refresh_referrals, refresh_summaries
from dtto.standards.retention import ERASED_NAME

pytestmark = pytest.mark.django_db

TODAY = dt.date(2004, 6, 30)
# The case ends 1 September 2003; six years on is 1 September 2009.
ERASE_ON = dt.date(2009, 9, 2)


def _built_case() -> dict[str, Any]:
    """Jane's case, with a record of every kind; and the ids of what was made."""
    case = make_case(
        reference="SAR-1", name="Jane Example", date_of_birth=dt.date(1975, 4, 2), area="dorset"
    )
    order = make_order(case, made_on=dt.date(2003, 2, 3))
    by: dict[str, Any] = {"by": TEST_ACTOR, "today": TODAY}
    appointment = services.record_appointment(
        order, on=dt.date(2003, 2, 4), hours="2", with_whom="probation", outcome="ATTC", **by
    )
    test = services.record_test(
        order,
        on=dt.date(2003, 2, 4),
        outcome="sample",
        results={"opiates": "positive", "cocaine": "negative"},
        **by,
    )
    warning = services.give_warning(
        order,
        on=dt.date(2003, 3, 3),
        reason="Missed two appointments; said her mother was ill",
        **by,
    )
    breach = services.instigate_breach(
        order, on=dt.date(2003, 4, 1), reason="A third missed appointment", **by
    )
    review = services.record_review(
        order,
        on=dt.date(2003, 3, 3),
        hearing=True,
        sat=["HH Judge Example"],
        notes="Jane said she is living with her sister",
        **by,
    )
    report_ = reporting_services.draft_review_report(
        order, by=TEST_ACTOR, review_due=dt.date(2003, 3, 3), today=dt.date(2003, 3, 1)
    )
    reporting_services.edit_review_report(
        report_, by=TEST_ACTOR, assessment="Jane is engaging; her partner is supportive"
    )
    termination = services.terminate_order(
        order,
        on=dt.date(2003, 9, 1),
        reason="completed",
        onward_referral_on=dt.date(2003, 9, 1),
        onward_referral_to="Jane's GP, Dr Example",
        **by,
    )
    conviction = services.record_conviction(
        case, on=dt.date(2004, 1, 5), offence="Shoplifting at Example Stores", **by
    )
    return {
        "person": case.person_id,
        "case": case.pk,
        "order": order.pk,
        "appointment": appointment.pk,
        "test": test.pk,
        "warning": warning.pk,
        "breach": breach.pk,
        "review": review.pk,
        "report": report_.pk,
        "termination": termination.pk,
        "conviction": conviction.pk,
    }


def _ids(bundle: dict[str, Any], table: str) -> list[int]:
    return [row["id"] for row in bundle["records"].get(table, [])]


def test_subject_access_bundle_holds_every_record_of_the_case(tmp_path: Path) -> None:
    made = _built_case()
    make_case(reference="OTHER-1", name="Someone Else")  # not Jane's: must not appear
    out = tmp_path / "sar.json"
    call_command("subject-access", "--case", "SAR-1", "--out", str(out), stderr=StringIO())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    bundle = json.loads(out.read_text())

    assert bundle["case_references"] == ["SAR-1"]
    assert bundle["records"]["cases.person"][0]["name"] == "Jane Example"
    assert bundle["records"]["cases.person"][0]["date_of_birth"] == "1975-04-02"
    assert _ids(bundle, "cases.person") == [made["person"]]
    assert _ids(bundle, "cases.case") == [made["case"]]
    assert _ids(bundle, "cases.order") == [made["order"]]
    assert _ids(bundle, "cases.appointment") == [made["appointment"]]
    assert _ids(bundle, "cases.drugtest") == [made["test"]]
    assert len(bundle["records"]["cases.drugtestresult"]) == 2  # opiates and cocaine
    assert _ids(bundle, "cases.formalwarning") == [made["warning"]]
    assert _ids(bundle, "cases.breach") == [made["breach"]]
    assert _ids(bundle, "cases.courtreview") == [made["review"]]
    assert _ids(bundle, "cases.reviewreport") == [made["report"]]
    assert _ids(bundle, "cases.termination") == [made["termination"]]
    assert _ids(bundle, "cases.conviction") == [made["conviction"]]
    # The reports' summary of the Order is held about her too.
    assert [row["order_id"] for row in bundle["records"]["reports.ordersummary"]] == [made["order"]]
    assert "OTHER-1" not in json.dumps(bundle)
    assert "Someone Else" not in json.dumps(bundle)

    # The readable case file, and the audit events: one per service called above.
    assert [c["reference"] for c in bundle["case_file"]["cases"]] == ["SAR-1"]
    actions = [event["action"] for event in bundle["audit_events"]]
    assert actions == [
        "cases.case.referred",
        "cases.assessment.recorded",  # an Order follows an assessment (decision 0013)
        "cases.order.made",
        "cases.appointment.recorded",
        "cases.test.recorded",
        "cases.warning.given",
        "cases.breach.instigated",
        "cases.review.recorded",
        "cases.review_report.drafted",
        "cases.review_report.edited",
        "cases.order.terminated",
        "cases.conviction.recorded",
    ]
    assert all(event["case_reference"] == "SAR-1" for event in bundle["audit_events"])
    # The request itself is audited.
    assert AuditEvent.objects.filter(
        action="cases.person.subject_access_exported", case_reference="SAR-1"
    ).exists()


def test_subject_access_for_an_unknown_case_is_refused() -> None:
    with pytest.raises(CommandError, match="--case: no case 'NOPE-1'"):
        call_command("subject-access", "--case", "NOPE-1", "--out", os.devnull)


def _state() -> list[Any]:
    return [
        list(Person.objects.order_by("pk").values()),
        list(Case.objects.order_by("pk").values()),
        list(FormalWarning.objects.order_by("pk").values()),
        list(ReviewReport.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    ]


def test_dry_run_lists_the_case_and_changes_nothing() -> None:
    _built_case()
    before = _state()
    out = _run("--dry-run", "--today", ERASE_ON.isoformat())
    assert "SAR-1\tended 2003-09-01\tkept until 2009-09-01" in out
    assert "1 case(s) of 1 person(s) would be erased (dry run: nothing changed)" in out
    assert _state() == before


def test_nothing_is_due_on_the_last_day_kept() -> None:
    _built_case()
    before = _state()
    assert "nothing to erase" in _run("--today", "2009-09-01")
    assert _state() == before


def _run(*argv: str) -> str:
    out = StringIO()
    call_command("retention", "apply", *argv, stdout=out)
    return out.getvalue()


def _whole_report() -> str:
    return json.dumps(
        report(Scope.national(), Period(), as_of=ERASE_ON), sort_keys=True, default=str
    )


def test_retention_erases_the_details_and_every_report_figure_stays() -> None:
    made = _built_case()
    recent = make_order(
        make_case(reference="RECENT-1", name="Still Kept"), made_on=dt.date(2004, 5, 4)
    )
    before = _whole_report()

    out = _run("--today", ERASE_ON.isoformat())
    assert "1 case(s) of 1 person(s) erased" in out

    person = Person.objects.get(pk=made["person"])
    assert person.name == ERASED_NAME
    # Born 2 April 1975, referred 6 January 2003 (the factory's day): no referral day falls
    # on or after 2 April, so the birthday becomes 31 December 1975; she was 27 and still is.
    assert person.date_of_birth == dt.date(1975, 12, 31)
    assert FormalWarning.objects.get(pk=made["warning"]).reason == ""
    assert Breach.objects.get(pk=made["breach"]).reason == ""
    review = CourtReview.objects.get(pk=made["review"])
    assert (review.sat, review.notes, review.hearing) == ("", "", True)
    assert ReviewReport.objects.get(pk=made["report"]).assessment == ""
    termination = Termination.objects.get(pk=made["termination"])
    assert termination.onward_referral_to == ""
    assert termination.on == dt.date(2003, 9, 1)  # dated events stay
    assert Conviction.objects.get(pk=made["conviction"]).offence == ""
    assert Case.objects.get(pk=made["case"]).reference == "SAR-1"
    # The recent case is untouched.
    assert recent.case.person.name == "Still Kept"
    assert Person.objects.get(pk=recent.case.person_id).name == "Still Kept"

    # Nothing of the old details is left in the case's records.
    sar = Case.objects.get(pk=made["case"])
    from dtto.cases.subject_access import held_records

    held = json.dumps(held_records(sar.person))
    for detail in ("Jane", "mother", "sister", "Example", "Shoplifting", "1975-04-02"):
        assert detail not in held, detail

    # The same report, even with every summary rebuilt from the erased records.
    assert _whole_report() == before
    refresh_referrals([made["case"], recent.case_id])
    refresh_summaries([made["order"], recent.pk])
    assert _whole_report() == before

    events = AuditEvent.objects.filter(action="cases.person.erased")
    assert [(e.case_reference, e.target_id) for e in events] == [("SAR-1", str(made["person"]))]
    assert "Jane" not in json.dumps(events.get().detail)
    # Run again: she is erased already, so nothing more happens.
    assert "nothing to erase" in _run("--today", ERASE_ON.isoformat())

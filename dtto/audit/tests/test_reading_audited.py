"""Reading is audited: every page that shows a person's details, every report page and
download, and every export by command writes one event saying who saw what (a case's
reference, or a report's scope and period), never a person's details."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from dtto.accounts.models import Court, Role, User
from dtto.accounts.tests.signing_in import sign_in_as
from dtto.audit.models import AuditEvent
from dtto.audit.services import SEEN_ACTIONS, record_seen
from dtto.cases.tests.web import PERSON, make_running_case, make_user

pytestmark = pytest.mark.django_db

PERIOD = "from-day=1&from-month=4&from-year=2004&to-day=31&to-month=3&to-year=2005"
SHOWN_PERIOD = {"from": "2004-04-01", "to": "2005-03-31", "as_of": None}


@pytest.fixture
def cm() -> User:
    user = make_user("cm", Role.CASE_MANAGER)
    make_running_case(user, reference="WEB-0001")
    return user


def _client(user: User) -> Client:
    return sign_in_as(Client(), user)


def _only(action: str) -> AuditEvent:
    [event] = AuditEvent.objects.filter(action=action)
    return event


def _no_personal_details() -> None:
    for event in AuditEvent.objects.filter(action__in=SEEN_ACTIONS):
        text = json.dumps([event.detail, event.target_id, event.before, event.after])
        assert PERSON not in text and "Testperson" not in text


def test_the_case_page_records_the_case_viewed(cm: User) -> None:
    assert _client(cm).get("/cases/WEB-0001/").status_code == 200
    event = _only("cases.person.viewed")
    assert (event.actor_label, event.case_reference, event.detail) == (
        "cm",
        "WEB-0001",
        {"page": "case"},
    )
    _no_personal_details()


def test_the_case_list_records_the_references_it_showed(cm: User) -> None:
    make_running_case(cm, reference="WEB-0002")
    assert _client(cm).get("/cases/").status_code == 200
    event = _only("cases.list.viewed")
    assert (event.target_id, event.detail) == (
        "all",
        {"searched": False, "page": 1, "references": ["WEB-0001", "WEB-0002"]},
    )


def test_a_search_records_that_there_was_one_but_not_what_was_typed(cm: User) -> None:
    response = _client(cm).get("/cases/", {"q": "Testperson"})
    assert response.status_code == 200
    event = _only("cases.list.viewed")
    assert (event.target_id, event.detail["searched"], event.detail["references"]) == (
        "search",
        True,
        ["WEB-0001"],
    )
    _no_personal_details()


def test_the_case_managers_queue_records_the_cases_it_listed(cm: User) -> None:
    assert _client(cm).get("/").status_code == 200
    event = _only("cases.queue.viewed")
    assert event.target_id == "case_manager"
    assert event.detail["references"] == ["WEB-0001"]
    _no_personal_details()


def test_the_team_queue_records_the_cases_it_listed(cm: User) -> None:
    manager = make_user("am", Role.AREA_MANAGER)
    assert _client(manager).get("/team/").status_code == 200
    event = _only("cases.queue.viewed")
    assert (event.actor_label, event.target_id) == ("am", "team")
    assert event.detail["references"] == ["WEB-0001"]


@pytest.mark.parametrize(
    ("url", "action", "shown"),
    [
        ("/reports/", "reports.report.viewed", {"report": "headline"}),
        ("/reports/sections/terminations/", "reports.report.viewed", {"report": "terminations"}),
        ("/reports/areas/", "reports.report.viewed", {"report": "areas"}),
        ("/reports/?format=csv", "exports.export.made", {"report": "headline", "format": "csv"}),
        ("/reports/?format=json", "exports.export.made", {"report": "headline", "format": "json"}),
        ("/reports/?format=pdf", "exports.export.made", {"report": "report", "format": "pdf"}),
        (
            "/reports/sections/terminations/?format=csv",
            "exports.export.made",
            {"report": "terminations", "format": "csv"},
        ),
        ("/reports/areas/?format=csv", "exports.export.made", {"report": "areas", "format": "csv"}),
    ],
)
def test_each_national_report_page_and_download_records_its_scope_and_period(
    url: str, action: str, shown: dict[str, str]
) -> None:
    analyst = make_user("analyst", Role.NATIONAL_ANALYST, None)
    joiner = "&" if "?" in url else "?"
    assert _client(analyst).get(f"{url}{joiner}{PERIOD}").status_code == 200
    event = _only(action)
    assert event.actor_label == "analyst"
    assert (event.target_type, event.target_id) == ("report", "national:england-and-wales")
    assert event.detail == {"scope": "national", "code": None, **SHOWN_PERIOD, **shown}


def test_an_area_report_records_the_area() -> None:
    manager = make_user("am", Role.AREA_MANAGER)
    assert _client(manager).get(f"/reports/?{PERIOD}").status_code == 200
    event = _only("reports.report.viewed")
    assert (event.detail["scope"], event.detail["code"]) == ("area", "leicestershire")


def test_the_summary_for_sentencers_and_its_pdf_record_the_court() -> None:
    court = Court.objects.filter(area__code="leicestershire").order_by("code").first()
    assert court is not None
    user = make_user("court", Role.COURT_USER)
    client = _client(user)
    assert client.get(f"/reports/courts/{court.code}/?{PERIOD}").status_code == 200
    assert client.get(f"/reports/courts/{court.code}/?format=pdf&{PERIOD}").status_code == 200
    viewed, exported = _only("reports.report.viewed"), _only("exports.export.made")
    for event in (viewed, exported):
        assert (event.detail["scope"], event.detail["code"], event.detail["report"]) == (
            "court",
            court.code,
            "sentencers",
        )
    assert exported.detail["format"] == "pdf"


def test_a_page_with_a_mistake_in_its_period_shows_no_figures_and_records_none() -> None:
    analyst = make_user("analyst", Role.NATIONAL_ANALYST, None)
    assert _client(analyst).get("/reports/?year=1066").status_code == 200
    assert not AuditEvent.objects.filter(action__in=SEEN_ACTIONS).exists()


def test_dtto_export_records_what_left_and_where(cm: User, tmp_path: Path) -> None:
    out = tmp_path / "cases.json"
    call_command("export", "--reference", "WEB-0001", "--out", str(out))
    event = _only("exports.export.made")
    assert (event.actor_label, event.target_id) == ("dtto export", "case-file")
    assert event.detail == {
        "format": "dtto-case/1.1",  # what dtto export writes (docs/case-format.md)
        "area": None,
        "provider": None,
        "references": ["WEB-0001"],
        "records": 1,
        "out": str(out),
    }
    call_command("export", "--ndtms", "--area", "leicestershire", "--out", str(tmp_path / "n.csv"))
    ndtms = AuditEvent.objects.filter(action="exports.export.made").order_by("-sequence").first()
    assert ndtms is not None
    assert (ndtms.target_id, ndtms.detail["format"], ndtms.detail["area"]) == (
        "ndtms",
        "ndtms-csv",
        "leicestershire",
    )
    _no_personal_details()


def test_dtto_report_records_the_scope_period_and_format(tmp_path: Path) -> None:
    call_command(
        "report",
        "--area",
        "dorset",
        "--from",
        "2004-04-01",
        "--to",
        "2005-03-31",
        "--format",
        "csv",
        "--out",
        str(tmp_path / "r.csv"),
    )
    event = _only("exports.export.made")
    assert event.actor_label == "dtto report"
    assert event.detail == {
        "report": "report",
        "scope": "area",
        "code": "dorset",
        **SHOWN_PERIOD,
        "format": "csv",
    }


def test_only_reading_actions_go_through_record_seen() -> None:
    with pytest.raises(ValueError, match="not a reading event"):
        record_seen(
            make_user("cm", Role.CASE_MANAGER),
            "cases.order.terminated",
            target_type="order",
            target_id=1,
            shown={},
        )

"""Partners (issue 14): the Drug Action Team commissioner's access, a treatment provider's
activity report, and the courts' views of review reports, on hand-worked data."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from dtto.accounts.models import TreatmentProvider
from dtto.accounts.tests.signing_in import sign_in_as
from dtto.cases import reporting_services
from dtto.cases.tests.web import ACTOR, PERSONAS, make_personas, make_running_case
from dtto.reports.measures import court_feedback, provider_activity
from dtto.reports.outcome_publish import publish_provider
from dtto.reports.queries import Period, Scope
from dtto.reports.tests.factories import case, ended, load

pytestmark = pytest.mark.django_db

# page -> expected status for (case manager, treatment worker, court user, area manager,
# national analyst, administrator, outsider from another area, commissioner); the personas
# work in Leicestershire but the outsider (Kent).
PAGES: list[tuple[str, tuple[int, ...]]] = [
    ("/reports/", (403, 403, 200, 200, 200, 403, 403, 200)),
    ("/reports/providers/", (403, 200, 403, 200, 200, 403, 403, 200)),
    ("/reports/providers/leicestershire-treatment/", (404, 200, 404, 200, 200, 404, 404, 200)),
    ("/reports/providers/kent-treatment/", (404, 404, 404, 404, 200, 404, 404, 404)),
]


@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[u for u, _ in PAGES])
def test_each_role_reads_exactly_the_partner_pages_it_should(url, expected):
    users = make_personas()
    got = []
    for persona in PERSONAS:
        client = Client()
        sign_in_as(client, users[persona])
        got.append(client.get(url).status_code)
    assert dict(zip(PERSONAS, got, strict=True)) == dict(zip(PERSONAS, expected, strict=True))


def test_the_commissioner_never_opens_a_case_but_reads_the_area_report():
    users = make_personas()
    running = make_running_case(users["case_manager"])
    client = Client()
    sign_in_as(client, users["commissioner"])
    assert client.get(f"/cases/{running.case.reference}/").status_code == 404
    home = client.get("/").content.decode()
    assert "Drug Action Team commissioner" in home
    assert "/reports/providers/" in home


def treated(
    *,
    made: str = "2003-02-03",
    events: list[dict[str, Any]] | None = None,
    provider: str = "dorset-treatment",
    area: str = "dorset",
) -> dict[str, Any]:
    out = case(area=area, made=made, referred=made, events=events)
    out["order"]["treatment_provider"] = provider
    return out


def treatment(on: str) -> dict[str, Any]:
    return {
        "type": "appointment",
        "on": on,
        "hours": 2.0,
        "with": "treatment",
        "outcome": "attended",
    }


def test_a_providers_report_counts_referred_started_retained_and_onward():
    # Today is 30 June 2006.
    load(
        # Started; ended 2 February 2004 (a year on: retained at 3 months), referred on.
        treated(
            events=[
                treatment("2003-02-04"),
                {**ended("2004-02-02", "completed"), "onward_referral_on": "2004-02-02"},
            ]
        ),
        # Never attended treatment; revoked after 26 days: not retained, not referred on.
        treated(events=[ended("2003-03-01", "revoked_non_compliance")]),
        # Started; never terminated: retained.
        treated(events=[treatment("2003-02-05")]),
        # Made 1 May 2006: started, but not yet 91 days on, so not judged for retention.
        treated(made="2006-05-01", events=[treatment("2006-05-02")]),
        # Another provider's: not counted.
        treated(area="kent", provider="kent-treatment", events=[treatment("2003-02-04")]),
    )
    provider = TreatmentProvider.objects.get(code="dorset-treatment")
    result = provider_activity(provider, Period())
    assert result["referred"] == 4
    assert (result["started"]["numerator"], result["started"]["denominator"]) == (3, 4)
    retained = result["retained_3_months"]
    assert (retained["numerator"], retained["denominator"]) == (2, 3)
    assert (result["onward"]["numerator"], result["onward"]["denominator"]) == (1, 2)
    published = publish_provider(result)
    # 4 referred is under 5: withheld, and every rate resting on it.
    assert published["referred"] is None
    assert published["started"]["rate"] is None


def test_courts_views_of_review_reports_are_summarised():
    users = make_personas()
    running = make_running_case(users["case_manager"])
    report = reporting_services.edit_review_report(running.report, by=ACTOR, assessment="Fine.")
    report = reporting_services.send_review_report(report, by=ACTOR)
    reporting_services.record_court_feedback(report, by=users["court_user"], feedback="useful")
    summary = court_feedback(Scope.area("leicestershire"), Period())
    assert summary["reports_sent"] == 1
    assert (summary["feedback_given"]["numerator"], summary["feedback_given"]["denominator"]) == (
        1,
        1,
    )
    assert summary["by_feedback"] == {"useful": 1, "partly_useful": 0, "not_useful": 0}
    assert summary["useful"]["rate"] == 1.0
    assert court_feedback(Scope.area("kent"), Period())["reports_sent"] == 0


def _six_treated() -> None:
    # Six Orders with Dorset's provider, made 3 February 2003: five attended treatment, one
    # did not; none has ended.
    load(
        *(treated(events=[treatment("2003-02-04")]) for _ in range(5)),
        treated(events=[]),
    )


def test_dtto_report_writes_a_providers_report_as_its_page_computes_it(tmp_path):
    _six_treated()
    out = tmp_path / "provider.json"
    call_command("report", "--provider", "dorset-treatment", "--format", "json", "--out", str(out))
    written = json.loads(out.read_text())
    provider = TreatmentProvider.objects.get(code="dorset-treatment")
    assert written == json.loads(
        json.dumps(publish_provider(provider_activity(provider, Period())))
    )
    assert written["referred"] == 6
    assert (written["started"]["numerator"], written["started"]["denominator"]) == (5, 6)
    # The other formats: the flat CSV, and the page's section as HTML and PDF.
    csv_out = tmp_path / "provider.csv"
    call_command(
        "report", "--provider", "dorset-treatment", "--format", "csv", "--out", str(csv_out)
    )
    assert "started.numerator,5" in csv_out.read_text().splitlines()
    html_out = tmp_path / "provider.html"
    call_command(
        "report", "--provider", "dorset-treatment", "--format", "html", "--out", str(html_out)
    )
    assert "Attended a treatment appointment" in html_out.read_text()
    pdf_out = tmp_path / "provider.pdf"
    call_command(
        "report", "--provider", "dorset-treatment", "--format", "pdf", "--out", str(pdf_out)
    )
    assert pdf_out.read_bytes().startswith(b"%PDF")


def test_dtto_report_withholds_a_small_providers_counts_and_refuses_an_unknown_code(tmp_path):
    load(treated(events=[treatment("2003-02-04")]))
    out = tmp_path / "provider.json"
    call_command("report", "--provider", "dorset-treatment", "--format", "json", "--out", str(out))
    assert json.loads(out.read_text())["referred"] is None
    with pytest.raises(CommandError, match="no treatment provider with code 'nowhere'"):
        call_command("report", "--provider", "nowhere", "--format", "json")

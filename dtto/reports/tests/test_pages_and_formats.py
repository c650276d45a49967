from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from reportlab.graphics.shapes import Drawing

from dtto.accounts.models import Area, Court, Role, User
from dtto.reports.measures import report
from dtto.reports.pdf import chart_drawing
from dtto.reports.queries import Period, Scope
from dtto.reports.sections import report_sections
from dtto.reports.statistics import publish
from dtto.reports.tests.factories import breach, case, ended, load


def _data() -> None:
    load(
        *[case(events=[ended("2004-02-02", "completed")]) for _ in range(6)],
        *[case(events=[breach("2003-05-01"), ended("2003-06-01", "other")]) for _ in range(9)],
        *[case(area="kent", events=[ended("2003-06-01", "other")]) for _ in range(5)],
    )


def _user(role: str, area: str | None = None) -> User:
    return User.objects.create_user(
        username=f"{role}-{area}",
        password="x",
        role=role,
        area=None if area is None else Area.objects.get(code=area),
    )


@pytest.mark.django_db
def test_html_document_has_a_table_beside_every_chart(tmp_path):
    _data()
    out = tmp_path / "r.html"
    call_command("report", "--format", "html", "--out", str(out))
    text = out.read_text()
    assert "<svg" in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert text.count("<svg") <= text.count("<table")
    assert "Successful completion by area" in text


# A page object in a PDF (not the /Pages tree that lists them).
PAGE = re.compile(rb"/Type /Page(?!s)")


@pytest.mark.django_db
def test_pdf_report_draws_the_charts_beside_their_tables(tmp_path):
    _data()
    sections = report_sections(publish(report(Scope.national(), Period())))
    drawn = {s.id for s in sections if isinstance(chart_drawing(s.figure), Drawing)}
    assert {"referrals", "terminations", "compliance", "retention", "reach-sex"} <= drawn
    out = tmp_path / "r.pdf"
    call_command("report", "--format", "pdf", "--out", str(out))
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(PAGE.findall(pdf)) > 1


@pytest.mark.django_db
def test_the_summary_for_sentencers_is_exactly_one_page(tmp_path):
    _data()
    court = Court.objects.filter(area__code="dorset").first()
    assert court is not None, "the reference data has courts in Dorset"
    one = tmp_path / "court.pdf"
    call_command("report", "--court", court.code, "--format", "pdf", "--out", str(one))
    pdf = one.read_bytes()
    assert len(PAGE.findall(pdf)) == 1
    assert b"/Count 1" in pdf


@pytest.mark.django_db
def test_area_manager_sees_own_area_and_analyst_sees_national():
    _data()
    manager = Client()
    manager.force_login(_user(Role.AREA_MANAGER, "dorset"))
    page = manager.get("/reports/")
    assert page.status_code == 200
    assert "Dorset" in page.content.decode()
    assert manager.get("/reports/?area=kent").status_code == 404
    analyst = Client()
    analyst.force_login(_user(Role.NATIONAL_ANALYST))
    page = analyst.get("/reports/")
    assert page.status_code == 200
    assert "England and Wales" in page.content.decode()
    assert analyst.get("/reports/?format=json").json()["terminations"]["total"] == 20


@pytest.mark.django_db
def test_case_manager_has_no_reports():
    client = Client()
    client.force_login(_user(Role.CASE_MANAGER, "dorset"))
    assert client.get("/reports/").status_code == 403


@pytest.mark.django_db
def test_court_page_for_sentencers():
    _data()
    court = Court.objects.filter(area__code="dorset").first()
    assert court is not None, "the reference data has Dorset's courts"
    client = Client()
    client.force_login(_user(Role.COURT_USER, "dorset"))
    page = client.get(f"/reports/courts/{court.code}/")
    assert page.status_code == 200
    assert "How the Order is working" in page.content.decode()


def test_csv_export_is_text():
    from dtto.reports.exports import to_csv

    assert to_csv({"a": {"b": 1}}) == "measure,value\na.b,1\n"

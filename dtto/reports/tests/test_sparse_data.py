"""Every page and format renders on sparse data: small groups, empty reference groups,
no terminations, an area with no Orders, a period with nothing in it.

The demo's national dashboard was a 500: a group with 1-4 terminations had its successful
completion rate suppressed whole, which turned its relative rate into None, and the page
read ``None["ratio"]``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from dtto.accounts.models import Area, Court, Role, User
from dtto.reports import measures
from dtto.reports.queries import Period, Scope
from dtto.reports.sections import NOT_PUBLISHED, report_sections
from dtto.reports.statistics import publish
from dtto.reports.tests.factories import case, ended, load

# Words a page must never show: a Python value leaking through a template or an f-string.
LEAKS = re.compile(r">[^<]*\b(None|nan|NaN|inf)\b[^<]*<")


def _client(role: str, area: str | None = None) -> Client:
    user = User.objects.create_user(
        username=f"{role}-{area or 'national'}",
        password="x",
        role=role,
        area=None if area is None else Area.objects.get(code=area),
    )
    client = Client()
    client.force_login(user)
    return client


def _ok(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, url
    text = page.content.decode()
    assert not LEAKS.search(text), (url, LEAKS.search(text))
    return text


def _no_reference_groups_and_few_completions() -> None:
    """Only young women of one ethnic group (every reference group empty); in Dorset three
    terminations, none successful (a group with no successful completions, under 5)."""
    young_women: dict[str, Any] = {"sex": "F", "ethnicity": "A1", "born": "1983-06-01"}
    load(
        *[case(**young_women, events=[ended("2003-06-01", "other")]) for _ in range(3)],
        *[case(**young_women) for _ in range(6)],
        *[
            case(**young_women, assessment="unsuitable", reason="not_motivated", made=None)
            for _ in range(2)
        ],
        case(area="kent", sex="M", ethnicity="B1", events=[ended("2004-02-02", "completed")]),
    )


@pytest.mark.django_db
def test_dashboard_and_area_page_render_when_a_group_has_few_or_no_successful_completions():
    _no_reference_groups_and_few_completions()
    analyst = _client(Role.NATIONAL_ANALYST)
    text = _ok(analyst, "/reports/")
    assert "Who is reached" in text and NOT_PUBLISHED in text
    _ok(analyst, "/reports/?area=dorset")
    _ok(analyst, "/reports/?area=kent")
    manager = _client(Role.AREA_MANAGER, "dorset")
    _ok(manager, "/reports/")


@pytest.mark.django_db
def test_a_suppressed_rate_keeps_its_relative_rate_as_a_withheld_dict_not_none():
    _no_reference_groups_and_few_completions()
    published = publish(measures.report(Scope.national(), Period()))
    women = published["reach"]["dimensions"]["sex"]["F"]
    # No successful completion of 3 terminations: the rate, and the ratio on it, are withheld.
    assert women["successful"]["suppressed"] is True
    assert women["successful"]["relative_rate"]["suppressed"] is True
    assert women["successful"]["relative_rate"]["ratio"] is None
    # Men, the reference group, are one referral in Kent: their small counts withhold
    # every ratio measured against it.
    assert women["commenced"]["relative_rate"]["suppressed"] is True


@pytest.mark.django_db
def test_relative_rate_is_a_dash_when_the_reference_group_is_empty():
    _no_reference_groups_and_few_completions()
    data = measures.report(Scope.area("dorset"), Period())
    women = data["reach"]["dimensions"]["sex"]["F"]
    assert women["commenced"]["relative_rate"]["ratio"] is None
    reach_rows = {s.id: s.rows for s in report_sections(publish(data)) if s.id.startswith("reach-")}
    assert reach_rows["reach-sex"][0][4] == "\N{EN DASH}"


@pytest.mark.django_db
def test_pages_render_with_only_running_orders():
    load(*[case(made="2006-01-01", referred="2006-01-01") for _ in range(7)])
    analyst = _client(Role.NATIONAL_ANALYST)
    text = _ok(analyst, "/reports/")
    assert "Time on the Order" in text
    data = analyst.get("/reports/?format=json").json()
    assert data["terminations"]["total"] == 0
    assert data["terminations"]["successful_rate"] is None
    assert data["areas"]["overall_rate"] is None
    assert data["retention"]["groups"]["all"]["median_days"] is None
    _ok(analyst, "/reports/?area=dorset")


@pytest.mark.django_db
def test_pages_render_for_an_area_with_no_orders_and_an_empty_period():
    _no_reference_groups_and_few_completions()
    analyst = _client(Role.NATIONAL_ANALYST)
    _ok(analyst, "/reports/?area=cumbria")
    _ok(analyst, "/reports/?from=2007-01-01")
    text = _ok(analyst, "/reports/sections/compliance/?from=2007-01-01")
    assert "No Orders in scope and period to judge." in text
    _ok(analyst, "/reports/?from=2003-06-01&to=2003-06-01")
    court = Court.objects.filter(area__code="cumbria").first()
    if court is not None:
        _ok(analyst, f"/reports/courts/{court.code}/")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["html", "pdf", "csv", "json"])
@pytest.mark.parametrize("where", [[], ["--area", "dorset"], ["--area", "cumbria"]])
def test_every_format_writes_on_sparse_data(tmp_path, fmt, where):
    _no_reference_groups_and_few_completions()
    out = tmp_path / f"report.{fmt}"
    call_command("report", *where, "--format", fmt, "--out", str(out))
    assert out.stat().st_size > 0
    if fmt == "html":
        assert not LEAKS.search(out.read_text())

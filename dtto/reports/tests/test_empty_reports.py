"""Every page and format renders a report with no Orders at all, and one with only referrals.

The demo's dashboard was a 500 (``None["ratio"]``): suppression turned a relative rate into
None and the page indexed it. Results are typed now (``reports/results.py``), so a withheld
part keeps its shape; these tests walk the emptiest inputs through every renderer.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

from dtto.accounts.models import Court, Role, User
from dtto.reports.sections import DASH
from dtto.reports.tests.factories import case, load
from dtto.reports.tests.test_sparse_data import LEAKS

FORMATS = ("json", "csv", "html", "pdf")


def _analyst() -> Client:
    user = User.objects.create_user(
        username="analyst", password="x", role=Role.NATIONAL_ANALYST, area=None
    )
    client = Client()
    client.force_login(user)
    return client


def _court() -> str:
    court = Court.objects.filter(area__code="dorset").order_by("code").first()
    assert court is not None, "the reference data has courts in Dorset"
    return court.code


def _only_referrals() -> None:
    """Seven referrals in Dorset, none sentenced: 3 found suitable, 2 unsuitable, 2 awaiting."""
    load(
        *[case(made=None) for _ in range(3)],
        *[case(made=None, assessment="unsuitable", reason="not_motivated") for _ in range(2)],
        *[case(made=None, assessment=None) for _ in range(2)],
    )


def _every_format_and_page_renders(tmp_path) -> dict:
    court = _court()
    for where in ([], ["--area", "dorset"], ["--court", court]):
        for fmt in FORMATS:
            out = tmp_path / f"report-{len(where)}.{fmt}"
            call_command("report", *where, "--format", fmt, "--out", str(out))
            assert out.stat().st_size > 0, (where, fmt)
            if fmt == "html":
                assert not LEAKS.search(out.read_text()), where
    client = _analyst()
    for url in ("/reports/", "/reports/?area=dorset", f"/reports/courts/{court}/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert not LEAKS.search(page.content.decode()), url
    for fmt in ("json", "csv"):
        assert client.get(f"/reports/?format={fmt}").status_code == 200
    return json.loads((tmp_path / "report-0.json").read_text())


@pytest.mark.django_db
def test_a_report_with_no_orders_at_all_renders_in_every_format(tmp_path):
    data = _every_format_and_page_renders(tmp_path)
    assert data["commencements"]["total"] == 0
    assert data["terminations"]["successful_rate"] is None
    assert data["referrals"]["referred"] == 0
    assert data["retention"]["groups"] == {}
    assert data["reach"]["dimensions"]["sex"] == {}


@pytest.mark.django_db
def test_a_report_with_only_referrals_renders_in_every_format(tmp_path):
    _only_referrals()
    data = _every_format_and_page_renders(tmp_path)
    f = data["referrals"]
    assert f["referred"] == 7
    # 3 suitable, 2 unsuitable, 2 awaiting: each under 5, so withheld; none sentenced.
    assert f["suitable_not_sentenced"] is None
    assert f["unsuitable"]["total"] is None
    assert f["awaiting_assessment"] is None
    assert f["sentenced"] == 0
    assert f["days_referral_to_order"]["n"] == 0
    assert data["commencements"]["total"] == 0
    men = data["reach"]["dimensions"]["sex"]["M"]
    # 7 referred, none commenced: a rate of 0 of 7, and no ratio against the reference
    # group (men themselves, with no one commenced).
    assert men["referred"]["count"] == 7
    assert men["commenced"]["rate"] == 0.0
    assert men["commenced"]["relative_rate"]["ratio"] is None
    assert men["successful"]["rate"] is None  # nobody ended: nothing to divide by


@pytest.mark.django_db
def test_an_empty_court_page_shows_dashes_not_errors():
    court = _court()
    page = _analyst().get(f"/reports/courts/{court}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f'<td class="govuk-table__cell">{DASH}</td>' in text

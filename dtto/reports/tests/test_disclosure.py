"""Disclosure control: no published cell, in any format, reveals a count of 1 to 4 people or
Orders, or a rate, share, interval or verdict computed from one.

The data are built by hand so that every withheld figure is known in advance:
- Kent: 21 Orders (higher intensity, men), all ended: 7 completed, 14 ended for another
  reason, 3 of those after a breach.
- Dorset: 4 Orders (lower intensity) made at one court, all completed the full term
  (made 2003-02-03, ended 2004-02-02: 365 days on the Order); 3 of the 4 people are women.
So: 25 commencements, 4 of them lower intensity; 11 of 25 terminations successful (44%);
3 breaches instigated (12 per 100 commencements); 3 women referred out of 25 (a share of 12%).
Dorset's completion rate 4/4 against 44% overall: standard error sqrt(0.44 x 0.56 / 4) =
0.248, z = (1 - 0.44) / 0.248 = 2.26, beyond the 95% limit (1.96) and inside the 99.8% limit
(3.09): "above_95" if it were judged. Kent: z = (7/21 - 0.44) / sqrt(0.2464 / 21) = -0.98,
"within".
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import zlib
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from dtto.accounts.models import Court, Role, User
from dtto.reports import measures
from dtto.reports.queries import Period, Scope
from dtto.reports.sections import DISCLOSURE_NOTE, NOT_PUBLISHED
from dtto.reports.tests.factories import breach, case, ended, load

WITHHELD = NOT_PUBLISHED


def _dorset_court() -> str:
    court = Court.objects.filter(area__code="dorset").order_by("code").first()
    assert court is not None, "the reference data has courts in Dorset"
    return court.code


def _data() -> str:
    """Load the hand-built cases; return the code of the Dorset court."""
    court = _dorset_court()
    completed = ended("2004-02-02", "completed")
    load(
        *[case(area="kent", events=[completed]) for _ in range(7)],
        *[case(area="kent", events=[ended("2003-06-01", "other")]) for _ in range(11)],
        *[
            case(area="kent", events=[breach("2003-05-01"), ended("2003-06-01", "other")])
            for _ in range(3)
        ],
        *[case(sex="F", intensity="lower", court=court, events=[completed]) for _ in range(3)],
        case(sex="M", intensity="lower", court=court, events=[completed]),
    )
    return court


def _report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def _analyst() -> Client:
    user = User.objects.create_user(
        username="analyst", password="x", role=Role.NATIONAL_ANALYST, area=None
    )
    client = Client()
    client.force_login(user)
    return client


def _area(data: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(a for a in data["areas"]["areas"] if a["area"] == code)
    return found


def _table(page: str, section_id: str) -> dict[str, list[str]]:
    """The rows of a section's table, keyed by their first cell, each cell as plain text."""
    found = re.search(rf'<section[^>]*id="{section_id}".*?</section>', page, re.S)
    assert found is not None, section_id
    rows: dict[str, list[str]] = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(0), re.S):
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def _pdf_strings(pdf: bytes) -> list[str]:
    """The strings the PDF draws, in drawing order: reportlab writes each page's content as
    an ASCII85- and Flate-encoded stream whose text is shown by ``(...) Tj``."""
    out: list[str] = []
    streams = re.findall(
        rb"/Filter \[ /ASCII85Decode /FlateDecode \] /Length \d+\s*>>\s*stream\r?\n(.*?)~>",
        pdf,
        re.S,
    )
    assert streams, "no content streams found"
    for raw in streams:
        content = zlib.decompress(base64.a85decode(raw.strip())).decode("latin-1")
        for text in re.findall(r"\(((?:[^()\\]|\\.)*)\) Tj", content):
            out.append(re.sub(r"\\(.)", r"\1", text))
    return out


def _after(strings: list[str], label: str, n: int) -> list[str]:
    """The n strings drawn right after the first one equal to ``label`` (a table's row)."""
    i = strings.index(label)
    return strings[i + 1 : i + 1 + n]


@pytest.mark.django_db
def test_internal_figures_are_those_worked_out_by_hand():
    """The unsuppressed figures, so that each check below could fail."""
    _data()
    data = measures.report(Scope.national(), Period())
    assert data["commencements"]["by_intensity"] == {"higher": 21, "lower": 4}
    assert data["terminations"]["successful_rate"] == pytest.approx(0.44)
    assert data["breaches"]["per_100_commencements"] == pytest.approx(12.0)
    assert "areas" in data
    dorset = next(a for a in data["areas"]["areas"] if a["area"] == "dorset")
    assert dorset["funnel"] == "above_95"
    assert dorset["compliance_index"] is not None
    assert data["reach"]["dimensions"]["sex"]["F"]["share"]["referred"] == pytest.approx(0.12)
    lower = data["retention_by_intensity"]["groups"]["lower"]
    assert lower["n"] == 4 and lower["median_days"] == 365 and lower["curve"]


@pytest.mark.django_db
def test_json_withholds_small_counts_and_everything_computed_from_them():
    _data()
    data = json.loads(_report("--format", "json"))
    assert data["commencements"]["by_intensity"] == {"higher": 21, "lower": None}
    assert data["terminations"]["successful_rate"] == pytest.approx(0.44)
    b = data["breaches"]
    assert b["instigated"] is None and b["per_100_commencements"] is None
    dorset = _area(data, "dorset")
    assert dorset["successful_completion"] == {
        "numerator": None,
        "denominator": None,
        "rate": None,
        "ci_low": None,
        "ci_high": None,
        "suppressed": True,
    }
    # Not judged against the limits, and no compliance index resting on 4 cases.
    assert dorset["funnel"] is None
    assert dorset["compliance_index"] is None
    assert _area(data, "kent")["funnel"] == "within"
    women = data["reach"]["dimensions"]["sex"]["F"]
    assert women["referred"]["count"] is None
    assert women["share"] == dict.fromkeys(
        ("referred", "assessed", "suitable", "commenced", "terminated", "successful")
    )
    assert women["commenced"]["suppressed"] is True
    assert women["commenced"]["relative_rate"]["ratio"] is None
    men = data["reach"]["dimensions"]["sex"]["M"]
    assert men["share"]["referred"] == pytest.approx(22 / 25)
    lower = data["retention_by_intensity"]["groups"]["lower"]
    assert lower["n"] is None and lower["suppressed"] is True
    assert lower["median_days"] is None and lower["curve"] == []
    assert set(lower["still_on"].values()) == {None}
    assert data["retention_by_intensity"]["groups"]["higher"]["n"] == 21


# Integer fields that are not counts of people or Orders (read off dtto/reports/results.py).
NOT_COUNTS = {"financial_year", "month", "target", "window_days", "n_areas", "median"}
NOT_COUNTS |= {"quartile_1", "quartile_3", "median_days", "order_days", "seed", "sample_size"}
NOT_COUNTS |= {"year"}  # offending.rate_after[].year: which year after commencement
NOT_PEOPLE = {"funnel_limits", "curve", "order_ids", "correlation_with_completion"}


def _small_counts(value: Any, path: str = "") -> list[str]:
    """Every place in a published document where a count of 1 to 4 shows."""
    if isinstance(value, dict):
        return [
            p
            for k, v in value.items()
            if k not in NOT_PEOPLE and k not in NOT_COUNTS
            for p in _small_counts(v, f"{path}.{k}")
        ]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _small_counts(v, f"{path}[{i}]")]
    small = isinstance(value, int) and not isinstance(value, bool) and 0 < value < 5
    return [path] if small else []


@pytest.mark.django_db
def test_no_count_under_five_anywhere_in_the_published_json_of_any_scope():
    court = _data()
    everywhere = (
        [],
        ["--area", "dorset"],
        ["--area", "kent"],
        ["--court", court],
        ["--from", "2003-06-01", "--to", "2003-06-30"],
    )
    for where in everywhere:
        assert _small_counts(json.loads(_report(*where, "--format", "json"))) == [], where
    # The same walk finds them in the internal figures: it is not blind.
    internal = json.loads(_report("--area", "dorset", "--format", "json", "--no-suppress"))
    assert ".commencements.total" in _small_counts(internal)


@pytest.mark.django_db
def test_csv_cells_of_withheld_figures_are_empty():
    _data()
    rows = dict(csv.reader(io.StringIO(_report("--format", "csv"))))
    assert rows["areas.areas[dorset].successful_completion.rate"] == ""
    assert rows["areas.areas[dorset].funnel"] == ""
    assert rows["areas.areas[kent].funnel"] == "within"
    assert rows["reach.dimensions.sex.F.share.referred"] == ""
    assert rows["breaches.per_100_commencements"] == ""
    assert rows["retention_by_intensity.groups.lower.median_days"] == ""
    assert rows["commencements.by_intensity.lower"] == ""
    assert rows["commencements.by_intensity.higher"] == "21"
    internal = dict(csv.reader(io.StringIO(_report("--format", "csv", "--no-suppress"))))
    assert internal["areas.areas[dorset].funnel"] == "above_95"


def _check_html(page: str) -> None:
    areas = _table(page, "areas")
    assert areas["Dorset"] == [WITHHELD] * 5  # counts, rate, interval and no position
    assert areas["Kent"][-1] == "Within the limits"
    reach = _table(page, "reach-sex")
    assert reach["Female"] == [WITHHELD] * 8
    enforcement = _table(page, "enforcement")
    assert enforcement["Breaches instigated"] == [WITHHELD]
    assert enforcement["Breaches per 100 commencements"] == [WITHHELD]
    retention = _table(page, "retention")
    # 4 Orders, 4 ended, none running (0 is published: it identifies nobody).
    assert retention["Lower intensity"] == [WITHHELD, WITHHELD, "0"] + [WITHHELD] * 4
    assert "Above the 95% limit" not in page
    assert DISCLOSURE_NOTE in page


@pytest.mark.django_db
def test_html_document_and_dashboard_page_show_fewer_than_5_and_no_verdict():
    _data()
    _check_html(_report("--format", "html"))
    analyst = _analyst()
    pages = [
        analyst.get(f"/reports/sections/{section}/")
        for section in ("areas", "reach-sex", "enforcement", "retention")
    ]
    assert [p.status_code for p in pages] == [200] * 4
    _check_html("".join(p.content.decode() for p in pages))
    # Unsuppressed, Dorset's verdict is there to be found.
    assert "Above the 95% limit" in _report("--format", "html", "--no-suppress")


@pytest.mark.django_db
def test_pdf_draws_fewer_than_5_for_withheld_cells_and_no_verdict(tmp_path):
    _data()
    out = tmp_path / "r.pdf"
    call_command("report", "--format", "pdf", "--out", str(out))
    strings = _pdf_strings(out.read_bytes())
    assert _after(strings, "Dorset", 5) == [WITHHELD] * 5
    assert _after(strings, "Breaches per 100 commencements", 1) == [WITHHELD]
    assert _after(strings, "Kent", 5)[-1] == "Within the limits"
    assert "Above the 95% limit" not in strings
    call_command("report", "--format", "pdf", "--out", str(out), "--no-suppress")
    internal = _pdf_strings(out.read_bytes())
    assert _after(internal, "Dorset", 5) == [
        "4",
        "4",
        "100.0%",
        "51.0% to 100.0%",
        "Above the 95% limit",
    ]


@pytest.mark.django_db
def test_court_summary_withholds_time_on_the_order_of_four_orders(tmp_path):
    court = _data()
    internal = measures.sentencer_summary(court, Period())
    assert internal["commencements"] == 4
    assert internal["still_on_at_6_months"] == 1.0
    assert internal["median_days_on_order"] == 365
    data = json.loads(_report("--court", court, "--format", "json"))
    assert data["commencements"] is None
    assert data["on_order"] == {"orders": None, "ended": None}
    assert data["still_on_at_6_months"] is None
    assert data["median_days_on_order"] is None
    assert data["terminations"]["successful_completion"]["suppressed"] is True
    page = _analyst().get(f"/reports/courts/{court}/")
    rows = _table(page.content.decode(), "sentencers")
    assert rows["Orders made"] == [WITHHELD]
    assert rows["Still on the Order after 6 months"] == [WITHHELD]
    assert rows["Median days on the Order"] == [WITHHELD]
    assert rows["Completed successfully"] == [f"{WITHHELD} ({WITHHELD}, {WITHHELD})"]
    out = tmp_path / "court.pdf"
    call_command("report", "--court", court, "--format", "pdf", "--out", str(out))
    strings = _pdf_strings(out.read_bytes())
    assert _after(strings, "Median days on the Order", 1) == [WITHHELD]


@pytest.mark.django_db
def test_area_report_withholds_the_waits_of_four_people():
    _data()
    internal = measures.referral_funnel(Scope.area("dorset"), Period())
    # Referred 2003-01-02, Order made 2003-02-03: 32 days each.
    assert internal["days_referral_to_order"]["median"] == 32
    data = json.loads(_report("--area", "dorset", "--format", "json"))
    waits = data["referrals"]["days_referral_to_order"]
    assert waits == {"n": None, "median": None, "quartile_1": None, "quartile_3": None}
    assert data["terminations"]["meets_target"] is None
    assert "median 32" not in _report("--area", "dorset", "--format", "html")


def _chart(page: str, section_id: str) -> str:
    found = re.search(rf'<section[^>]*id="{section_id}".*?(<svg.*?</svg>)', page, re.S)
    assert found is not None, section_id
    return found.group(1)


@pytest.mark.django_db
def test_a_chart_says_whether_a_missing_bar_is_withheld_or_has_nothing_to_divide_by():
    _data()
    page = _report("--format", "html")
    # Women's share sentenced rests on 3 referrals: withheld.
    assert f">{WITHHELD}</text>" in _chart(page, "reach-sex")
    # No failure needed enforcement (0 judged): nothing to divide by, nothing withheld.
    compliance = _chart(page, "compliance")
    assert ">no figure</text>" in compliance and WITHHELD not in compliance

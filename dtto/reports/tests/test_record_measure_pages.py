"""The sections of the measures from the existing record (docs/decisions/0016) have their own
pages, CSV downloads and places in the JSON, and stay inside their scope."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

from dtto.accounts.models import Role, User
from dtto.reports.measures import continuity, reviews
from dtto.reports.queries import Period, Scope
from dtto.reports.tests.factories import case, ended, load

NEW_SECTIONS = (
    "revocation",
    "drug-use-clear-majority",
    "reach-main_drug",
    "reach-accommodation",
    "reach-mental_health_need",
    "reviews-bench",
    "continuity",
)


def _data() -> None:
    review = {"type": "review", "on": "2003-03-03", "hearing": True, "sat": ["HHJ Ames"]}
    load(
        *[
            case(events=[review, {**review, "on": "2003-04-03"}, ended("2004-02-02", "completed")])
            for _ in range(6)
        ],
        *[case(events=[ended("2003-06-01", "revoked_non_compliance")]) for _ in range(6)],
    )


@pytest.mark.django_db
def test_each_new_section_has_a_page_and_a_csv(client: Client):
    _data()
    user = User.objects.create_user(username="analyst", password="x", role=Role.NATIONAL_ANALYST)
    client.force_login(user)
    for section in NEW_SECTIONS:
        page = client.get(f"/reports/sections/{section}/")
        assert page.status_code == 200, section
        assert f'id="{section}"' in page.content.decode()
        download = client.get(f"/reports/sections/{section}/?format=csv")
        assert download.status_code == 200, section
        assert download["Content-Type"].startswith("text/csv")


@pytest.mark.django_db
def test_the_json_report_carries_the_new_measures_under_their_names(capsys):
    _data()
    call_command("report", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    # 12 Orders: 6 revoked on day 119 (3 February to 1 June), 6 completed on day 365.
    revoked = data["retention"]["revocation"]["revoked_by"]
    assert revoked["3_months"]["incidence"] == 0.0
    assert revoked["6_months"]["incidence"] == pytest.approx(0.5)
    assert data["reviews"]["same_bench"]["rate"] == 1.0  # 6 of 6 later reviews
    assert data["continuity"]["onward_referred"]["denominator"] == 12
    assert "clear_majority_by_month" in data["drug_use"]
    assert set(data["reach"]["dimensions"]) == {
        "age_band",
        "sex",
        "ethnic_group",
        "main_drug",
        "accommodation",
        "mental_health_need",
    }


@pytest.mark.django_db
def test_reviews_and_continuity_count_only_the_orders_in_scope():
    _data()
    assert reviews(Scope.area("kent"), Period())["same_bench"]["reviews"] == 0
    assert continuity(Scope.area("kent"), Period())["onward_referred"]["denominator"] == 0
    assert reviews(Scope.area("dorset"), Period())["same_bench"]["reviews"] == 12
    assert continuity(Scope.area("dorset"), Period())["custody_handover"]["denominator"] == 12

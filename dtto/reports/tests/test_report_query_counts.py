"""The national dashboard makes a fixed number of queries, however many Orders it counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dtto.accounts.models import Role, User
from dtto.reports.tests.factories import breach, case, drug_test, ended, load

pytestmark = pytest.mark.django_db

# The session, the user and the signed-in session's record (has it been ended?) with the
# user's area (none for a national analyst); the
# report's grouped scans (commencements, area targets, area codes, referral funnel, days from
# referral to Order, terminations, breaches instigated and decided, compliance findings,
# retention, drug tests by rollup and by Order month, who is reached, the latest budget year,
# the area comparison, budgets: 16; then issue 14's: revocation with completion
# competing, opiate clear majority by month, who is reached by main drug, accommodation and
# mental health need at referral and at the Order (2), same-bench reviews, continuity of
# care, treatment started after the Order, offending before and after with reconviction
# (one pass over the Orders and their convictions), revoked on
# conviction, assessment timing, courts' feedback, recorded spending and the year's activity
# of the areas that recorded it, contact hours by activity (whole months from their rollup,
# and the days the period cuts from the appointments: 2), and each area's Order length and
# intensity against the recommendation: 16); the page around it (area codes, code lists, the
# scope pickers' areas, teams and courts, the areas, whether there is a treatment provider
# to link to: 7); the view audited (savepoint, chain head locked and read in one statement, the
# event, head updated, release: 5). The session is not saved: nothing in it changed, and it
# was saved less than a minute ago.
DASHBOARD = 3 + 16 + 16 + 7 + 5


def dashboard_queries(user: User) -> int:
    client = Client()
    client.force_login(user)
    client.get("/reports/")  # the first request may fill the process's caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/reports/")
    assert response.status_code == 200
    return len(captured)


def test_the_national_dashboard_makes_the_same_queries_for_one_order_or_many() -> None:
    analyst = User.objects.create_user("analyst", role=Role.NATIONAL_ANALYST)
    load(case(events=[drug_test("2003-02-04", opiates="positive")]))
    assert dashboard_queries(analyst) == DASHBOARD
    load(
        *(
            case(
                area=area,
                made=f"2003-0{month}-03",
                events=[
                    drug_test(f"2003-0{month}-04", opiates="negative", cocaine="positive"),
                    breach(f"2003-0{month}-20", "revoked", f"2003-0{month}-27"),
                    ended(f"2003-0{month}-27", "revoked_non_compliance"),
                ],
            )
            for area in ("dorset", "kent", "leicestershire")
            for month in (3, 4, 5)
        ),
        case(made=None, assessment="unsuitable", reason="not_motivated"),
    )
    assert dashboard_queries(analyst) == DASHBOARD

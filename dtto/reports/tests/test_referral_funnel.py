from __future__ import annotations

import datetime as dt

import pytest

from dtto.reports.measures import referral_funnel
from dtto.reports.queries import Period, Scope
from dtto.reports.tests.factories import case, load


@pytest.mark.django_db
def test_figure_9_funnel_with_reasons_and_time_to_order():
    load(
        case(assessment="not_assessed", reason="did_not_attend", made=None),
        case(assessment="not_assessed", reason="in_custody", made=None),
        *[case(assessment="unsuitable", reason="violence_risk", made=None) for _ in range(2)],
        case(assessment="unsuitable", reason="not_motivated", made=None),
        case(assessment="suitable", made=None),
        case(referred="2003-01-02", made="2003-02-03"),  # 32 days
        case(referred="2003-01-10", made="2003-02-03"),  # 24 days
        case(referred="2003-01-10", made="2003-02-05"),  # 26 days
    )
    f = referral_funnel(Scope.national(), Period())
    assert f["referred"] == 9
    assert f["not_assessed"] == {"total": 2, "by_reason": {"did_not_attend": 1, "in_custody": 1}}
    assert f["unsuitable"]["by_reason"] == {"violence_risk": 2, "not_motivated": 1}
    assert f["suitable_not_sentenced"] == 1
    assert f["sentenced"] == 3
    assert f["not_found_suitable"]["rate"] == pytest.approx(5 / 9)
    assert f["days_referral_to_order"]["median"] == 26
    assert f["days_referral_to_order"]["n"] == 3


@pytest.mark.django_db
def test_referral_summaries_follow_the_services_and_the_import_writes_one_for_every_case():
    from dtto.cases import services
    from dtto.cases.tests.factories import TEST_ACTOR, make_case, make_order
    from dtto.reports.models import ReferralSummary

    referral = make_case()
    assert ReferralSummary.objects.get(pk=referral.pk).outcome == ""
    services.record_assessment(
        referral,
        by=TEST_ACTOR,
        outcome="unsuitable",
        reason="not_motivated",
        started_on="2003-01-07",
        completed_on="2003-01-08",
        today=dt.date(2004, 6, 30),
    )
    summary = ReferralSummary.objects.get(pk=referral.pk)
    # The outcome is known from the day the assessment was completed.
    assert (summary.outcome, summary.reason, summary.assessed_day, summary.made_day) == (
        "unsuitable",
        "not_motivated",
        dt.date(2003, 1, 8).toordinal(),
        None,
    )
    sentenced = make_order()
    assert ReferralSummary.objects.get(pk=sentenced.case_id).made_day == (
        sentenced.made_on.toordinal()
    )
    # The importer writes in bulk; a referral that never reached an Order is summarised too,
    # before any report runs.
    load(case(assessment="not_assessed", reason="did_not_attend", made=None))
    assert ReferralSummary.objects.count() == 3
    f = referral_funnel(Scope.national(), Period())
    assert f["referred"] == 3
    assert f["unsuitable"]["by_reason"] == {"not_motivated": 1}
    assert f["not_assessed"]["by_reason"] == {"did_not_attend": 1}
    assert f["sentenced"] == 1

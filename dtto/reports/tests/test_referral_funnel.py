from __future__ import annotations

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

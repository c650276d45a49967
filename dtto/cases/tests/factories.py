"""Small builders for case records in tests, going through the services like a user would."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from dtto.audit.services import Actor
from dtto.cases import services
from dtto.cases.models import Assessment, Case, Order

TEST_ACTOR = Actor.system("test")
TODAY = dt.date(2004, 6, 30)
_numbers = itertools.count(1)


def make_case(**overrides: Any) -> Case:
    values: dict[str, Any] = {
        "reference": f"T-{next(_numbers):05d}",
        "area": "leicestershire",
        "name": "Sam Test",
        "date_of_birth": dt.date(1978, 5, 1),
        "sex": "M",
        "ethnicity": "W1",
        "referred_on": dt.date(2003, 1, 6),
        "referral_source": "court",
    }
    values.update(overrides)
    return services.register_referral(by=TEST_ACTOR, today=TODAY, **values)


def assessed_suitable(case: Case, on: dt.date | None = None) -> Case:
    """The case assessed and found suitable (an Order needs that, or to say why not)."""
    if not Assessment.objects.filter(case=case).exists():
        services.record_assessment(
            case, by=TEST_ACTOR, outcome="suitable", completed_on=on or case.referred_on, today=on
        )
    return case


def make_order(case: Case | None = None, **overrides: Any) -> Order:
    case = case or make_case()
    if not overrides.get("against_assessment_advice"):
        assessed_suitable(case)
    values: dict[str, Any] = {
        "made_on": dt.date(2003, 2, 3),
        "length_months": 12,
        "intensity": "higher",
    }
    values.update(overrides)
    return services.make_order(case, by=TEST_ACTOR, today=TODAY, **values)

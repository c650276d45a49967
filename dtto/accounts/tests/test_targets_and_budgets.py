"""Loading areas' targets and budgets: replaces a year's figures, refuses unknown areas."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dtto.accounts.models import AreaBudget, AreaTarget
from dtto.accounts.services import load_targets_and_budgets
from dtto.audit.models import AuditEvent
from dtto.audit.services import Actor

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("test")


def reference(higher: int) -> dict[str, object]:
    return {
        "targets": {"dorset": {"2002-03": {"higher": higher, "lower": 0}}},
        "budgets": {"dorset": {"2002-03": {"supervision": 100, "treatment": 590, "testing": 60}}},
        "custody_day_cost": 100,
    }


def test_loading_twice_replaces_the_year_and_is_audited() -> None:
    load_targets_and_budgets(reference(120), by=ACTOR)
    load_targets_and_budgets(reference(150), by=ACTOR)
    target = AreaTarget.objects.get(area__code="dorset", financial_year=2002, intensity="higher")
    assert target.commencements == 150
    budget = AreaBudget.objects.get(area__code="dorset", financial_year=2002)
    assert budget.total == Decimal("750") and budget.custody_day_cost == Decimal("100")
    assert AuditEvent.objects.filter(action="accounts.targets_and_budgets.loaded").count() == 2


def test_unknown_area_is_refused_and_nothing_is_loaded() -> None:
    bad = reference(120)
    bad["targets"] = {"dorset": {"2002-03": {"higher": 1}}, "atlantis": {"2002-03": {"higher": 1}}}
    with pytest.raises(ValueError, match=r"unknown probation area.*atlantis"):
        load_targets_and_budgets(bad, by=ACTOR)
    assert not AreaTarget.objects.exists()

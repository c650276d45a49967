"""`dtto demo` prepares a working demo: logins, a national data set, a live caseload."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from dtto.accounts.models import AreaBudget, AreaTarget, Role, User
from dtto.accounts.services import DEMO_LOGINS, DEMO_PASSWORD
from dtto.cases.models import Case, Order

pytestmark = pytest.mark.django_db


def test_demo_creates_a_login_per_role_data_and_a_live_caseload() -> None:
    out = io.StringIO()
    call_command("demo", "--no-serve", "--orders", "40", "--seed", "3", stdout=out)
    printed = out.getvalue()
    assert {login.role for login in DEMO_LOGINS} == set(Role.values)
    for login in DEMO_LOGINS:
        assert login.username in printed
        assert User.objects.get(username=login.username).check_password(DEMO_PASSWORD)
    assert Order.objects.filter(case__reference__startswith="SIM-").count() >= 30
    assert AreaTarget.objects.filter(area__code="dorset").exists()
    assert AreaBudget.objects.filter(area__code="dorset", financial_year=2002).exists()
    # Targets are scaled to the simulated data set's size, not the nation's 6,000 a year.
    national_2002 = sum(
        AreaTarget.objects.filter(financial_year=2002, intensity="higher").values_list(
            "commencements", flat=True
        )
    )
    assert national_2002 < 100
    history = Order.objects.filter(case__reference__startswith="SIM-")
    assert not history.filter(terminated_on=None).exists(), "the national history has ended"
    running = Order.objects.filter(case__reference__startswith="DEMO-", terminated_on=None)
    assert running.count() == 6
    assert set(running.values_list("case_manager__username", flat=True)) == {"demo-case-manager"}


def test_running_the_demo_again_keeps_what_is_there() -> None:
    call_command("demo", "--no-serve", "--orders", "30", "--seed", "3", stdout=io.StringIO())
    cases = Case.objects.count()
    out = io.StringIO()
    call_command("demo", "--no-serve", "--orders", "30", "--seed", "3", stdout=out)
    assert Case.objects.count() == cases
    assert "already loaded" in out.getvalue()

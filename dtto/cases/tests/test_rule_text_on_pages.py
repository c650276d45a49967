"""Pages state the National Standard's numbers from the rule sets, never from their own text:
change a rule set and the page changes with it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.test import Client
from django.urls import reverse

from dtto.cases.tests.web import PERSONAS, make_personas, make_running_case
from dtto.standards import rules

CM = PERSONAS[0]


@pytest.fixture
def world(db):
    users = make_personas()
    running = make_running_case(users[CM])
    client = Client()
    client.force_login(users[CM])
    return client, running


@pytest.fixture
def other_rules(monkeypatch):
    """The higher-intensity rule set with numbers no page could have typed."""
    changed = replace(
        rules.HIGHER_2001,
        phase1_weeks=8,
        failure_window_months=18,
        first_probation_working_days=3,
        tests_phase1=4,
    )
    # The lower-intensity supplement changes with it, so text for every Order agrees.
    lower = replace(rules.LOWER_2003_12, failure_window_months=18, phase1_weeks=8)
    monkeypatch.setattr(rules, "RULE_SETS", (changed, lower))
    monkeypatch.setitem(rules.RULE_SETS_BY_ID, changed.id, changed)
    monkeypatch.setitem(rules.RULE_SETS_BY_ID, lower.id, lower)


def _pages(client, running) -> dict[str, str]:
    ref = running.case.reference
    urls = {
        "case": reverse("cases:detail", args=[ref]),
        "breach": reverse("cases:breach", kwargs={"reference": ref, "pk": running.breach.pk}),
        "letter": reverse(
            "cases:warning-letter", kwargs={"reference": ref, "pk": running.warning.pk}
        ),
    }
    return {name: client.get(url).content.decode() for name, url in urls.items()}


def test_pages_state_the_2001_standard(world):
    pages = _pages(*world)
    assert "Contact, weeks 1 to 13" in pages["case"]
    assert "At least 2 tests a week" in pages["case"]
    assert "(1 working day)" in pages["case"]
    assert "in 12 months" in pages["case"]
    assert "in 12 months" in pages["breach"]
    assert "fail to comply again within 12 months" in pages["letter"]


def test_pages_follow_a_changed_rule_set(world, other_rules):
    pages = _pages(*world)
    assert "Contact, weeks 1 to 8" in pages["case"]
    assert "weeks 1 to 13" not in pages["case"]
    assert "At least 4 tests a week" in pages["case"]
    assert "(3 working days)" in pages["case"]
    assert "in 18 months" in pages["case"]
    assert "in 18 months" in pages["breach"]
    assert "minimum contact in weeks 1 to 8" in pages["breach"]
    assert "fail to comply again within 18 months" in pages["letter"]


def test_page_text_for_every_order_refuses_rule_sets_that_disagree(monkeypatch):
    lower = replace(rules.LOWER_2003_12, failure_window_months=6)
    monkeypatch.setattr(rules, "RULE_SETS", (rules.HIGHER_2001, lower))
    with pytest.raises(ValueError, match="failure_window_months: the rule sets differ"):
        rules.common_rule("failure_window_months")

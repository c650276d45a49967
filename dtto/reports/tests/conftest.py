from __future__ import annotations

import datetime as dt

import pytest

from dtto.reports.tests.factories import TODAY


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports count what was final by 'today' by default: pin it so hand-worked answers
    stay right."""
    monkeypatch.setattr("dtto.reports.measures.common.timezone.localdate", lambda: TODAY)
    assert isinstance(TODAY, dt.date)

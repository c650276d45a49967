"""`dtto api-client prune-answers`: idempotent answers older than the period are forgotten.

Answers made 400, 366 and 364 days before the pruning: with a period of 365 days the first
two go and the third stays.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from dtto.api.idempotency import prune_answers
from dtto.api.models import ApiClient, IdempotentAnswer
from dtto.api.tests.clients import OPERATOR, World
from dtto.audit.models import AuditEvent
from dtto.standards.errors import RecordInvalid

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def _answers(now: dt.datetime) -> None:
    client = ApiClient.objects.get(name="treatment-provider")
    for days in (400, 366, 364):
        answer = IdempotentAnswer.objects.create(
            client=client, key=f"key-{days}", request_hash="0" * 64, status=201, body="{}"
        )
        # created_at is set on saving: move it back as time would have.
        IdempotentAnswer.objects.filter(pk=answer.pk).update(
            created_at=now - dt.timedelta(days=days)
        )


def _keys() -> list[str]:
    return sorted(IdempotentAnswer.objects.values_list("key", flat=True))


def test_answers_older_than_the_period_are_forgotten_and_younger_ones_kept(world: World) -> None:
    _answers(NOW)
    pruned = prune_answers(by=OPERATOR, older_than_days=365, now=NOW)

    assert (pruned.count, pruned.applied) == (2, True)
    assert pruned.created_before == dt.datetime(2025, 12, 1, 9, 30, tzinfo=dt.UTC)
    assert _keys() == ["key-364"]
    event = AuditEvent.objects.get(action="api.idempotency.pruned")
    assert event.detail == {
        "older_than_days": 365,
        "created_before": "2025-12-01T09:30:00+00:00",
        "count": 2,
    }


def test_a_dry_run_counts_and_forgets_nothing(world: World) -> None:
    _answers(NOW)
    pruned = prune_answers(by=OPERATOR, older_than_days=365, now=NOW, dry_run=True)

    assert (pruned.count, pruned.applied) == (2, False)
    assert _keys() == ["key-364", "key-366", "key-400"]
    assert not AuditEvent.objects.filter(action="api.idempotency.pruned").exists()


def test_a_period_under_thirty_days_is_refused_naming_it_and_forgets_nothing(
    world: World,
) -> None:
    _answers(NOW)
    with pytest.raises(RecordInvalid) as refused:
        prune_answers(by=OPERATOR, older_than_days=29, now=NOW)

    assert list(refused.value.by_field()) == ["older_than_days"]
    assert _keys() == ["key-364", "key-366", "key-400"]


def test_the_command_prunes_and_says_how_many(world: World) -> None:
    _answers(timezone.now())
    out = io.StringIO()
    call_command("api-client", "prune-answers", "--older-than", "365", "--dry-run", stdout=out)
    assert out.getvalue().startswith("2 answer(s) kept since before ")
    assert out.getvalue().endswith(" would be forgotten (dry run: nothing changed).\n")
    out = io.StringIO()
    call_command("api-client", "prune-answers", "--older-than", "365", stdout=out)
    assert out.getvalue().startswith("Forgot 2 answer(s) kept since before ")
    assert _keys() == ["key-364"]


def test_the_command_refuses_a_short_period_naming_the_option(world: World) -> None:
    with pytest.raises(CommandError, match="--older-than: must be at least 30 days"):
        call_command("api-client", "prune-answers", "--older-than", "7", stdout=io.StringIO())

"""Verifying recorded test draws: recompute each from its inputs and the key, and compare.

What an inspector runs (``dtto tests verify-draw``, docs/decisions/0009-keyed-test-draw.md).
A draw fails when its stored days or digest differ from the recomputed ones (a row changed
behind the database's back, or a different key), or when its stored inputs do not follow
from the Order (its week, its rule set, when it was drawn).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from dtto.scheduling import draw as drawing
from dtto.scheduling.models import TestDraw, join_days
from dtto.standards.rules import RULE_SETS_BY_ID, rule_set_for


@dataclass(frozen=True)
class DrawProblem:
    reference: str
    week: int
    starts_on: dt.date
    problem: str

    def __str__(self) -> str:
        return (
            f"{self.reference} week {self.week} (from {self.starts_on.isoformat()}): {self.problem}"
        )


def check_draw(record: TestDraw, key: bytes) -> list[str]:
    """What is wrong with one recorded draw; empty when it verifies."""
    order = record.order
    reference = order.case.reference
    problems: list[str] = []
    rules = RULE_SETS_BY_ID.get(record.rule_set)
    if rules is None:
        return [f"unknown rule set {record.rule_set!r}"]
    if record.algorithm not in drawing.ALGORITHMS:
        return [f"unknown draw algorithm {record.algorithm!r}"]
    if rules.id != rule_set_for(order.intensity, order.made_on).id:
        problems.append(f"rule set {rules.id} is not the one in force for the Order")
    try:
        expected = drawing.inputs_for_week(
            order_reference=reference,
            made_on=order.made_on,
            natural_end_on=order.natural_end_on,
            rules=rules,
            week=record.week,
            drawn_on=record.callable_from,
        )
    except ValueError as error:  # a week number the Order cannot have
        return [str(error)]
    stored = record.inputs(reference)
    # A week drawn late may leave out the days already gone, never days still to come.
    latest = max(record.starts_on, timezone.localdate(record.made_at))
    if record.callable_from > latest:
        problems.append(
            f"callable from {record.callable_from}, later than the day it was drawn ({latest})"
        )
    for name in ("starts_on", "ends_on", "callable_from", "tests_required"):
        if getattr(stored, name) != getattr(expected, name):
            problems.append(
                f"{name.replace('_', ' ')} recorded as {getattr(stored, name)}, "
                f"the Order gives {getattr(expected, name)}"
            )
    recomputed = drawing.draw(key, stored)
    if record.key_id != recomputed.key_id:
        problems.append(
            f"drawn with another key (key id {record.key_id}; the key given has "
            f"{recomputed.key_id})"
        )
    if record.digest != recomputed.digest:
        problems.append("digest of the inputs does not match")
    if record.days != join_days(recomputed.days):
        problems.append(
            f"days recorded {record.days or '(none)'}, recomputed "
            f"{join_days(recomputed.days) or '(none)'}"
        )
    return problems


def verify_draws(draws: QuerySet[TestDraw], key: bytes) -> tuple[int, list[DrawProblem]]:
    """How many draws were checked, and every problem found, in week order."""
    checked = 0
    found: list[DrawProblem] = []
    for record in draws.select_related("order", "order__case").order_by("starts_on", "id"):
        checked += 1
        for problem in check_draw(record, key):
            found.append(
                DrawProblem(record.order.case.reference, record.week, record.starts_on, problem)
            )
    return checked, found

"""Where an Order stands today on enforcement: the figures the case page leads with.

Pure, like the engine it reads: unacceptable failures and formal warnings in the failure
window ending today, and breach action awaiting the court's decision.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from dtto.lib.dates import add_months

from .engine import Evaluation
from .rules import RULE_SETS_BY_ID
from .timeline import CaseTimeline


@dataclass(frozen=True)
class Standing:
    as_of: date
    window_months: int
    failures_in_window: int  # unacceptable failures (days) counted towards breach today
    warnings_in_window: int
    breaches_open: tuple[date, ...]  # days breach action was instigated, still undecided

    @property
    def in_breach(self) -> bool:
        return bool(self.breaches_open)


def standing(timeline: CaseTimeline, evaluation: Evaluation, as_of: date) -> Standing:
    """The Order's enforcement standing on ``as_of``, counted as the engine counts failures.

    The window is the rule set's ``failure_window_months`` ending on ``as_of``; where the rule
    set restarts the count after breach action, failures before the latest breach drop out.
    """
    rules = RULE_SETS_BY_ID[evaluation.rule_set]
    floor = add_months(as_of, -rules.failure_window_months)
    breaches = [b.on for b in timeline.breaches if b.on <= as_of]
    if rules.failure_count_restarts_after_breach and breaches:
        floor = max(floor, max(breaches))
    failures = sum(1 for f in evaluation.failures if floor < f.on <= as_of)
    warnings = sum(
        1
        for w in timeline.warnings
        if add_months(as_of, -rules.failure_window_months) < w.on <= as_of
    )
    open_breaches = tuple(
        b.on
        for b in timeline.breaches
        if b.on <= as_of and (b.decided_on is None or b.decided_on > as_of)
    )
    return Standing(as_of, rules.failure_window_months, failures, warnings, open_breaches)


@dataclass(frozen=True)
class BenchChange:
    """A review hearing whose bench differs from the previous hearing's (3.26: continuity)."""

    on: date
    previous_on: date
    left: tuple[str, ...]  # sat last time, not this time
    joined: tuple[str, ...]  # sat this time, not last time


def bench_changes(hearings: Sequence[tuple[date, Sequence[str]]]) -> list[BenchChange]:
    """Each change of bench between consecutive review hearings that name who sat.

    Names are compared ignoring case and spacing; a hearing that names nobody is skipped
    (it says nothing about continuity either way).
    """

    def key(name: str) -> str:
        return " ".join(name.split()).casefold()

    changes = []
    named = [(on, names) for on, names in sorted(hearings, key=lambda h: h[0]) if names]
    for (before_on, before), (on, now) in itertools.pairwise(named):
        was = {key(n): n for n in before}
        is_ = {key(n): n for n in now}
        if was.keys() != is_.keys():
            changes.append(
                BenchChange(
                    on,
                    before_on,
                    tuple(was[k] for k in was if k not in is_),
                    tuple(is_[k] for k in is_ if k not in was),
                )
            )
    return changes

"""The weekly random draw of the days a person is called for a drug test: pure, no Django.

Each Order week (weeks start on the day the Order was made, as the National Standard engine
counts them) gets the Standard's minimum number of tests for that week (``tests_phase1`` in
weeks 1 to ``phase1_weeks``, ``tests_phase2`` after: :mod:`dtto.standards.rules`), on working
days (:mod:`dtto.standards.calendar`) chosen by a keyed hash. Every candidate day is given a
score, HMAC-SHA256(key, inputs + day), and the days with the lowest scores are called: without
the key nobody can work the days out, with it an inspector can recompute every draw
(docs/decisions/0009-keyed-test-draw.md).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from dtto.standards.calendar import is_working_day
from dtto.standards.rules import RuleSet

# Part of every hashed message: a new way of drawing gets a new name, and old draws still
# verify under the name they were made with.
ALGORITHM = "dtto-test-draw/1"
ALGORITHMS = frozenset({ALGORITHM})
_KEY_ID_MESSAGE = b"dtto-test-draw key id"


def key_id(key: bytes) -> str:
    """A short public name for a key, so that a draw made with another key says so."""
    return hmac.new(key, _KEY_ID_MESSAGE, hashlib.sha256).hexdigest()[:12]


def week_number(made_on: date, day: date) -> int:
    """The Order week (from 1) that ``day`` falls in; 0 or less before the Order was made."""
    return (day - made_on).days // 7 + 1


def week_starts_on(made_on: date, week: int) -> date:
    return made_on + timedelta(days=7 * (week - 1))


def tests_required(rules: RuleSet, week: int) -> int:
    """The Standard's minimum number of tests in this Order week."""
    return rules.tests_phase1 if week <= rules.phase1_weeks else rules.tests_phase2


@dataclass(frozen=True, slots=True)
class DrawInputs:
    """Everything a draw depends on besides the key; all of it is stored with the draw."""

    order_reference: str
    week: int
    starts_on: date  # the first day of the Order week
    ends_on: date  # its last day, or the Order's last day if the term ends within the week
    # The first day that could still be called when the draw was made: a week drawn after it
    # began (the Order's first week, drawn once the Order is recorded) calls no day gone by.
    callable_from: date
    rule_set: str
    tests_required: int
    algorithm: str = ALGORITHM

    def message(self) -> bytes:
        return "\n".join(
            [
                self.algorithm,
                self.order_reference,
                str(self.week),
                self.starts_on.isoformat(),
                self.ends_on.isoformat(),
                self.callable_from.isoformat(),
                self.rule_set,
                str(self.tests_required),
            ]
        ).encode("utf-8")

    def candidate_days(self) -> tuple[date, ...]:
        """The working days of the week that could still be called, in order."""
        first = max(self.starts_on, self.callable_from)
        span = (self.ends_on - first).days + 1
        days = (first + timedelta(days=n) for n in range(max(span, 0)))
        return tuple(d for d in days if is_working_day(d))


@dataclass(frozen=True, slots=True)
class Draw:
    inputs: DrawInputs
    days: tuple[date, ...]  # the days called, in order
    digest: str  # HMAC-SHA256 of the inputs, hex
    key_id: str

    @property
    def short(self) -> bool:
        """Fewer working days were left in the week than the Standard's minimum."""
        return len(self.days) < self.inputs.tests_required


def inputs_for_week(
    *,
    order_reference: str,
    made_on: date,
    natural_end_on: date,
    rules: RuleSet,
    week: int,
    drawn_on: date,
) -> DrawInputs:
    """The inputs of an Order week's draw made on ``drawn_on``."""
    if week < 1:
        raise ValueError(f"week: Order weeks are numbered from 1, got {week}")
    starts_on = week_starts_on(made_on, week)
    last_day = natural_end_on - timedelta(days=1)
    if starts_on > last_day:
        raise ValueError(f"week: week {week} starts after the Order's term ends")
    return DrawInputs(
        order_reference=order_reference,
        week=week,
        starts_on=starts_on,
        ends_on=min(starts_on + timedelta(days=6), last_day),
        callable_from=max(starts_on, drawn_on),
        rule_set=rules.id,
        tests_required=tests_required(rules, week),
    )


def draw(key: bytes, inputs: DrawInputs) -> Draw:
    """The days called for this week: the lowest-scoring candidates, as many as required."""
    if not key:
        raise ValueError("key: the test draw key is empty")
    if inputs.algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm: unknown draw algorithm {inputs.algorithm!r}")
    message = inputs.message()
    scored = sorted(
        (hmac.new(key, message + b"\n" + d.isoformat().encode(), hashlib.sha256).digest(), d)
        for d in inputs.candidate_days()
    )
    called = tuple(sorted(d for _, d in scored[: inputs.tests_required]))
    digest = hmac.new(key, message, hashlib.sha256).hexdigest()
    return Draw(inputs, called, digest, key_id(key))

"""A published fraction: the one result type every other result type builds on.

Kept apart from :mod:`dtto.reports.results` so that :mod:`dtto.reports.outcome_results`, which
``results`` imports for its own types, can use it without importing ``results`` back (a
cycle that failed whenever ``outcome_results`` was imported first).
"""

from __future__ import annotations

from typing import Generic, NotRequired, TypedDict, TypeVar

C = TypeVar("C")


class Rate(TypedDict, Generic[C]):
    """A fraction with its Wilson interval; ``suppressed`` only where withheld whole."""

    numerator: C
    denominator: C
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: NotRequired[bool]

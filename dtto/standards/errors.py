"""The errors raised when a change or a case file is refused.

Every error names the field it is about, in the words a form or a case file uses, and
nothing has been changed when it is raised. The services, the case-file importer and
``dtto evaluate`` all report through these, so a refusal reads the same on every path in;
they live here, free of Django, so that the pure checks of :mod:`dtto.standards.validation`
can use them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


class FieldError(Exception):
    """One thing wrong with one field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class RecordInvalid(Exception):
    """A change was refused; ``errors`` says what is wrong with which field. Nothing changed."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = list(errors)
        if not self.errors:
            raise ValueError("RecordInvalid needs at least one error")
        super().__init__("; ".join(str(e) for e in self.errors))

    @classmethod
    def one(cls, field: str, message: str) -> RecordInvalid:
        return cls([FieldError(field, message)])

    def by_field(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for error in self.errors:
            grouped.setdefault(error.field, []).append(error.message)
        return grouped


class RecordChanged(RecordInvalid):
    """A form loaded before someone else's change was saved: refused, nothing changed.

    Not tied to a field: the whole form is stale. ``changed_by`` and ``changed_at`` (already
    worded, e.g. "15 November 2026, 10:04") say whose change it missed.
    """

    FIELD = "__all__"

    def __init__(self, *, changed_by: str, changed_at: str, version: int) -> None:
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.version = version
        super().__init__(
            [
                FieldError(
                    self.FIELD,
                    f"This was changed by {changed_by} at {changed_at}: "
                    "review the changes and try again",
                )
            ]
        )


class Checker:
    """Collects field errors so that a form or file hears about every problem at once."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.errors: list[FieldError] = []

    def path(self, field: str) -> str:
        if not self.prefix:
            return field
        return f"{self.prefix}.{field}" if field else self.prefix

    def add(self, field: str, message: str) -> None:
        self.errors.append(FieldError(self.path(field), message))

    def child(self, prefix: str) -> Checker:
        """A checker whose errors land in this one, under a longer path."""
        sub = Checker(self.path(prefix))
        sub.errors = self.errors
        return sub

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise RecordInvalid(self.errors)


def checked(value: T | None) -> T:
    """A value a ``Checker`` has vouched for: after ``raise_if_any()`` it cannot be missing."""
    if value is None:
        raise AssertionError("a checked value is missing: the check above it is incomplete")
    return value

"""The recorded draws of drug test days: one per Order per Order week, never changed.

The database refuses to update or delete a draw (``append_only.py``); ``dtto tests
verify-draw`` recomputes each from its stored inputs and the key and names any that differ.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from dtto.cases.models import Order
from dtto.scheduling.draw import DrawInputs


class TestDraw(models.Model):
    """The days one person is called for a drug test in one week of their Order."""

    # Not a test case: tells pytest not to collect the model as one.
    __test__ = False

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="test_draws")
    week = models.PositiveSmallIntegerField(help_text="The Order week, from 1.")
    starts_on = models.DateField(db_index=True)
    ends_on = models.DateField()
    callable_from = models.DateField()
    rule_set = models.CharField(max_length=40)
    tests_required = models.PositiveSmallIntegerField()
    algorithm = models.CharField(max_length=40)
    # ISO dates joined by commas, in order: "days called on" is then a LIKE on rows already
    # narrowed to the week by ``starts_on``, the same on SQLite and PostgreSQL.
    days = models.CharField(max_length=80)
    digest = models.CharField(max_length=64)
    key_id = models.CharField(max_length=12)
    made_at = models.DateTimeField(auto_now_add=True)
    made_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["starts_on", "order_id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "week"], name="one_test_draw_per_order_week")
        ]

    def __str__(self) -> str:
        return f"Test draw for Order {self.order_id}, week {self.week}"

    @property
    def called_days(self) -> list[dt.date]:
        return [dt.date.fromisoformat(d) for d in self.days.split(",") if d]

    def inputs(self, order_reference: str) -> DrawInputs:
        return DrawInputs(
            order_reference=order_reference,
            week=self.week,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            callable_from=self.callable_from,
            rule_set=self.rule_set,
            tests_required=self.tests_required,
            algorithm=self.algorithm,
        )


def join_days(days: tuple[dt.date, ...] | list[dt.date]) -> str:
    return ",".join(d.isoformat() for d in days)

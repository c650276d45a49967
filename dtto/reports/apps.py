from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dtto.reports"
    label = "reports"

    def ready(self) -> None:
        # Summaries follow every change to an Order (dtto/reports/summaries.py).
        from dtto.cases.signals import orders_changed
        from dtto.reports.summaries import on_orders_changed

        orders_changed.connect(on_orders_changed, dispatch_uid="reports.refresh_summaries")

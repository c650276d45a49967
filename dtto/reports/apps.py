from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dtto.reports"
    label = "reports"

    def ready(self) -> None:
        # Summaries follow every change to an Order (dtto/reports/summaries.py).
        from dtto.cases.signals import orders_changed, referrals_changed
        from dtto.reports.summaries import on_orders_changed, on_referrals_changed

        orders_changed.connect(on_orders_changed, dispatch_uid="reports.refresh_summaries")
        referrals_changed.connect(on_referrals_changed, dispatch_uid="reports.refresh_referrals")
        # Referral summaries follow the case, assessment and person the services save.
        from django.db.models.signals import post_delete, post_save

        from dtto.cases.models import Assessment, Case, Person
        from dtto.reports.summaries import on_referral_saved

        for model in (Case, Assessment, Person):
            post_save.connect(on_referral_saved, sender=model, dispatch_uid=f"reports.{model}")
        post_delete.connect(on_referral_saved, sender=Assessment, dispatch_uid="reports.del")
        # Summaries worked out again after the migrations that need it, once all have run.
        from django.db.models.signals import post_migrate

        from dtto.reports.summaries import rejudge_after_migrate

        post_migrate.connect(rejudge_after_migrate, sender=self, dispatch_uid="reports.rejudge")

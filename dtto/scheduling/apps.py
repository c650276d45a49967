from __future__ import annotations

from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "dtto.scheduling"
    label = "scheduling"
    verbose_name = "Drug test scheduling"

    def ready(self) -> None:
        from dtto.scheduling import checks  # noqa: F401  (registers the deploy check)

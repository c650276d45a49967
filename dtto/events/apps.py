from __future__ import annotations

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "dtto.events"
    label = "events"
    verbose_name = "Domain events"

from __future__ import annotations

from django.apps import AppConfig


class SimulateConfig(AppConfig):
    name = "dtto.simulate"
    label = "simulate"

from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dtto.api"
    label = "api"
    verbose_name = "API"

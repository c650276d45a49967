from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "dtto.ops"
    label = "ops"

    def ready(self) -> None:
        # Registers the deploy check that names DTTO_SECRET_KEY.
        from dtto.ops import security  # noqa: F401

from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dtto.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_record_session, dispatch_uid="dtto.accounts.sessions")


def _record_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from dtto.accounts.sessions import record_sign_in

    if request is not None:
        record_sign_in(request, user)

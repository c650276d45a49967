"""Each signed-in request: is its session still live, and has its user the second factor
they must have? (accounts/sessions.py, accounts/second_factor.py)"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from dtto.accounts import sessions
from dtto.accounts.models import User
from dtto.accounts.second_factor import requires_second_factor

# Bearer-token service clients have no session; the API decides access itself (dtto/api).
_NOT_CHECKED = ("/api/", "/static/", "/healthz", "/readyz")


def _open_before_second_factor() -> tuple[str, ...]:
    return (
        reverse("accounts:second-factor"),
        reverse("accounts:sign-out"),
        reverse("accounts:signed-out"),
    )


class SessionAndSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        user = request.user
        if not user.is_authenticated or path.startswith(_NOT_CHECKED):
            return self.get_response(request)
        assert isinstance(user, User)
        live = sessions.current(request)
        if live is None:
            # Ended from another session or by an administrator (already audited).
            logout(request)
            messages.info(request, "You were signed out. Sign in again to continue.")
            return redirect_to_login(request.get_full_path())
        sessions.seen(live)
        sessions.keep_alive(request)
        if live.user_id == user.pk and not User.area.is_cached(user):
            # The area was read with the session's record: the page need not read it again.
            User.area.field.set_cached_value(user, live.user.area)
        if (
            requires_second_factor(user)
            and not user.is_verified()  # type: ignore[attr-defined]
            and not path.startswith(_open_before_second_factor())
        ):
            return redirect("accounts:second-factor")
        return self.get_response(request)

"""Sign in (password, then the code when there is a second factor), sign out, set up the
second factor, change one's password, and see and end one's sessions."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from dtto.accounts import second_factor, sessions
from dtto.accounts.forms import ChangePasswordForm, CodeForm, SignInForm
from dtto.accounts.models import User
from dtto.accounts.passwords import change_password
from dtto.accounts.signin import SignInRefused, sign_in, sign_in_with_code
from dtto.audit.services import record_event

# Between the right password and the code: whose password it was, when, and where to go.
PENDING = "dtto_sign_in_pending"
PENDING_SECONDS = 5 * 60
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _posted(request: HttpRequest) -> QueryDict | None:
    """The posted data, even when empty (so that an empty form is checked, not shown blank)."""
    return request.POST if request.method == "POST" else None


def _signed_in(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@never_cache
@csrf_protect
def sign_in_view(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            accepted = sign_in(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except SignInRefused as refused:
            form.add_error(None, refused.message)
            status = 429 if refused.wait else 200
        else:
            if accepted.needs_code:
                request.session[PENDING] = {
                    "user": accepted.user.pk,
                    "at": time.time(),
                    "next": _next_url(request),
                }
                return redirect("accounts:sign-in-code")
            login(request, accepted.user, backend=MODEL_BACKEND)
            return HttpResponseRedirect(_next_url(request))
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )


@never_cache
@csrf_protect
def sign_in_code_view(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the user's authenticator app."""
    pending = request.session.get(PENDING) or {}
    user_id = pending.get("user")
    user = User.objects.filter(pk=int(user_id), is_active=True).first() if user_id else None
    if user is None:
        return redirect("accounts:sign-in")
    if time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        messages.info(request, "Sign in again: it took more than 5 minutes to enter the code.")
        return redirect("accounts:sign-in")
    form = CodeForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = sign_in_with_code(request, user, form.cleaned_data["code"])
        except SignInRefused as refused:
            if refused.wait:
                form.add_error(None, refused.message)
                status = 429
            else:
                form.add_error("code", refused.message)
        else:
            target = str(pending.get("next") or "/")
            request.session.pop(PENDING, None)
            login(request, user, backend=MODEL_BACKEND)
            otp_login(request, device)
            return HttpResponseRedirect(target)
    return render(request, "accounts/sign_in_code.html", {"form": form}, status=status)


@require_POST
def sign_out_view(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):
        record_event(
            request.user, "accounts.user.signed_out", target_type="user", target_id=request.user.pk
        )
        sessions.signed_out(request)
    logout(request)
    return redirect("accounts:signed-out")


def signed_out_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html")


@never_cache
@login_required
def second_factor_view(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: a QR code and the key, confirmed by a code."""
    user = _signed_in(request)
    verified = bool(user.is_verified())  # type: ignore[attr-defined]
    existing = second_factor.confirmed_device(user)
    if existing is not None and not verified:
        # Only the code from the app already set up may replace it: sign in again with it.
        logout(request)
        query = urlencode({"next": reverse("accounts:second-factor")})
        return redirect(f"{reverse('accounts:sign-in')}?{query}")
    device = second_factor.device_to_set_up(user)
    form = CodeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.confirm_device(user, device, form.cleaned_data["code"])
        except second_factor.CodeRefused as refused:
            form.add_error("code", refused.message)
        else:
            otp_login(request, device)
            messages.success(
                request, "Your authenticator app is set up. Sign in with it from now on."
            )
            return redirect("home")
    return render(
        request,
        "accounts/second_factor.html",
        {
            "form": form,
            "qr_svg": second_factor.qr_svg(device),
            "key_text": second_factor.key_text(device),
            "existing": existing,
            "required": second_factor.requires_second_factor(user),
        },
    )


@never_cache
@login_required
def password_view(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    form = ChangePasswordForm(user, request, _posted(request))
    if request.method == "POST" and form.is_valid():
        change_password(user, form.cleaned_data["new_password"])
        old_key = request.session.session_key
        update_session_auth_hash(request, user)
        sessions.key_changed(old_key, request)
        # Every other session was signed out by the new password; close their records too.
        sessions.end_other_sessions(
            user, sessions.current(request), by=user, reason="password changed"
        )
        messages.success(request, "Your password has been changed. Other sessions were signed out.")
        return redirect("accounts:password")
    return render(request, "accounts/password.html", {"form": form})


@never_cache
@login_required
def sessions_view(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    this = sessions.current(request)
    if request.method == "POST":
        if "end_others" in request.POST:
            ended = sessions.end_other_sessions(
                user, this, by=user, reason="signed out by its owner"
            )
            messages.success(
                request, f"Signed out {ended} other session{'s' if ended != 1 else ''}."
            )
        else:
            raw = request.POST.get("session", "")
            if raw.isdigit() and (this is None or int(raw) != this.pk):
                ended = sessions.end_session(
                    user, int(raw), by=user, reason="signed out by its owner"
                )
                if ended:
                    messages.success(request, "That session has been signed out.")
        return redirect("accounts:sessions")
    return render(
        request,
        "accounts/sessions.html",
        {"sessions": sessions.live_sessions(user), "this": this},
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from an old page, or with cookies blocked (settings.CSRF_FAILURE_VIEW)."""
    return render(
        request,
        "403_csrf.html",
        {"session_minutes": settings.SESSION_COOKIE_AGE // 60},
        status=403,
    )

"""Sign in and sign out."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from dtto.accounts.forms import SignInForm
from dtto.accounts.models import User
from dtto.accounts.signin import SignInRefused, sign_in
from dtto.audit.services import record_event


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@never_cache
@csrf_protect
def sign_in_view(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_in(request, form.cleaned_data["username"], form.cleaned_data["password"])
        except SignInRefused as refused:
            form.add_error(None, refused.message)
            status = 429 if refused.wait else 200
        else:
            login(request, user)
            return HttpResponseRedirect(_next_url(request))
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )


@require_POST
def sign_out_view(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):
        record_event(
            request.user, "accounts.user.signed_out", target_type="user", target_id=request.user.pk
        )
    logout(request)
    return redirect("accounts:signed-out")


def signed_out_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html")

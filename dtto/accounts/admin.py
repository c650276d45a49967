"""Admin for reference data: areas, teams, courts, providers, targets, budgets; and users.

The admin has no sign-in page of its own: its login URL sends people to dtto's sign-in
(throttled and audited, dtto/accounts/signin.py), which brings them back afterwards.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp.plugins.otp_totp.models import TOTPDevice

from dtto.accounts.models import (
    Area,
    AreaBudget,
    AreaTarget,
    Court,
    DrugActionTeam,
    Team,
    TreatmentProvider,
    User,
)
from dtto.accounts.second_factor import remove_second_factor
from dtto.accounts.sessions import end_all_sessions
from dtto.audit.admin import AuditedAdmin

# Devices are set up by their owner (/accounts/second-factor/) and removed by the action on
# users below, both audited; django-otp's own admin would change them unaudited.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ["name", "code", "region", "requires_second_factor"]
    search_fields = ["name", "code"]


@admin.register(DrugActionTeam, Team, Court, TreatmentProvider)
class AreaPartAdmin(AuditedAdmin):
    list_display = ["__str__", "area"]
    list_filter = ["area"]


@admin.register(AreaTarget)
class AreaTargetAdmin(AuditedAdmin):
    list_display = ["area", "financial_year", "intensity", "commencements"]
    list_filter = ["financial_year", "intensity", "area"]


@admin.register(AreaBudget)
class AreaBudgetAdmin(AuditedAdmin):
    list_display = [
        "area",
        "financial_year",
        "supervision",
        "treatment",
        "testing",
        "custody_day_cost",
    ]
    list_filter = ["financial_year", "area"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "role", "area", "team", "court", "is_active"]
    list_filter = ["role", "area", "is_active"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("dtto", {"fields": ["role", "area", "team", "court", "treatment_provider"]}),
    )
    actions = ["sign_out_everywhere", "remove_second_factors"]

    @admin.action(description="Sign out all of the selected users' sessions")
    def sign_out_everywhere(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        assert isinstance(request.user, User)
        ended = sum(
            end_all_sessions(user, by=request.user, reason="signed out by an administrator")
            for user in queryset
        )
        self.message_user(request, f"Signed out {ended} session(s).", messages.SUCCESS)

    @admin.action(description="Remove the selected users' second factor (a lost phone)")
    def remove_second_factors(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        assert isinstance(request.user, User)
        for user in queryset:
            remove_second_factor(user, by=request.user)
            end_all_sessions(user, by=request.user, reason="second factor removed")
        self.message_user(
            request,
            "Removed. They will set up an authenticator app again when they next sign in.",
            messages.SUCCESS,
        )


def admin_sign_in(
    request: HttpRequest, extra_context: dict[str, Any] | None = None
) -> HttpResponse:
    """The admin's login URL: to dtto's sign-in, then back to where the admin was going.

    Nothing is checked here, whatever is posted: credentials are only ever checked by
    dtto's sign-in, so the admin cannot be used to get round its limits or its audit.
    """
    target = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return HttpResponseRedirect(target)
        # Signed in already, but not an administrator: signing in again would not help.
        raise PermissionDenied("the admin is for administrators")
    return HttpResponseRedirect(f"{reverse('accounts:sign-in')}?{urlencode({'next': target})}")


admin.site.login = admin_sign_in  # type: ignore[method-assign]

"""Admin for reference data: areas, teams, courts, providers, targets, budgets; and users.

The admin has no sign-in page of its own: its login URL sends people to dtto's sign-in
(throttled and audited, dtto/accounts/signin.py), which brings them back afterwards.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

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
from dtto.audit.admin import AuditedAdmin


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ["name", "code", "region"]
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

"""Admin for reference data: areas, teams, courts, providers, targets, budgets; and users."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

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


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin[Area]):
    list_display = ["name", "code", "region"]
    search_fields = ["name", "code"]


@admin.register(DrugActionTeam, Team, Court, TreatmentProvider)
class AreaPartAdmin(admin.ModelAdmin):
    list_display = ["__str__", "area"]
    list_filter = ["area"]


@admin.register(AreaTarget)
class AreaTargetAdmin(admin.ModelAdmin[AreaTarget]):
    list_display = ["area", "financial_year", "intensity", "commencements"]
    list_filter = ["financial_year", "intensity", "area"]


@admin.register(AreaBudget)
class AreaBudgetAdmin(admin.ModelAdmin[AreaBudget]):
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
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "role", "area", "team", "court", "is_active"]
    list_filter = ["role", "area", "is_active"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("dtto", {"fields": ["role", "area", "team", "court", "treatment_provider"]}),
    )

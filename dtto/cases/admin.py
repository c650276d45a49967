"""The admin is for reference data only: code lists. Case records change through services."""

from __future__ import annotations

from django.contrib import admin

from dtto.cases.models import Code


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin[Code]):
    list_display = ["list_name", "code", "label", "meaning", "group", "retired_on"]
    list_filter = ["list_name", "retired_on"]
    search_fields = ["code", "label"]

    def has_delete_permission(self, request: object, obj: Code | None = None) -> bool:
        # Retire a code instead: deleting it would break the records that use it.
        return False

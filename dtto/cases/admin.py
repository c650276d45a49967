"""The admin is for reference data only: code lists. Case records change through services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from dtto.cases.models import Code


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin[Code]):
    list_display = ["list_name", "code", "label", "meaning", "group", "retired_on"]
    list_filter = ["list_name", "retired_on"]
    search_fields = ["code", "label"]

    def get_readonly_fields(self, request: HttpRequest, obj: Code | None = None) -> list[str]:
        # Changing an existing code's list, code or meaning would change what every record
        # using it says; its label and order may change, and it may be retired.
        return ["list_name", "code", "meaning"] if obj is not None else []

    def has_delete_permission(self, request: object, obj: Code | None = None) -> bool:
        # Retire a code instead: deleting it would break the records that use it.
        return False

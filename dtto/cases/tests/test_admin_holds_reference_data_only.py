"""The admin edits reference data only: case records change through the services."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client

from dtto.cases.models import Code

pytestmark = pytest.mark.django_db


def test_no_case_record_is_editable_in_the_admin() -> None:
    case_models = {m for m in admin.site._registry if m._meta.app_label == "cases"}
    assert case_models == {Code}


def test_codes_can_be_retired_but_not_deleted_in_the_admin(admin_client: Client) -> None:
    code = Code.objects.get(list_name="attendance_outcome", code="AAPT")
    page = admin_client.get(f"/admin/cases/code/{code.pk}/change/")
    assert page.status_code == 200
    assert b"retired_on" in page.content
    assert (
        admin_client.post(f"/admin/cases/code/{code.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Code.objects.filter(pk=code.pk).exists()


def test_audit_events_are_read_only_in_the_admin(admin_client: Client) -> None:
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403

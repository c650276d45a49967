"""An administrator retires a code; what it meant for past records cannot be rewritten."""

from __future__ import annotations

import pytest
from django.test import Client

from dtto.accounts.models import Role
from dtto.accounts.tests.signing_in import sign_in_as
from dtto.cases.forms import AppointmentForm
from dtto.cases.models import Code
from dtto.cases.tests.web import make_user

pytestmark = pytest.mark.django_db


def _admin_client() -> Client:
    admin = make_user("admin", Role.ADMINISTRATOR, None)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    sign_in_as(client, admin)
    return client


def test_a_retired_code_is_no_longer_offered_on_the_forms() -> None:
    code = Code.objects.get(list_name="appointment_kind", code="group")
    response = _admin_client().post(
        f"/admin/cases/code/{code.pk}/change/",
        {"label": code.label, "group": code.group, "retired_on": "2026-11-26", "sort_order": 1},
    )
    assert response.status_code == 302
    code.refresh_from_db()
    assert str(code.retired_on) == "2026-11-26"
    assert "group" not in dict(AppointmentForm().fields["kind"].choices)  # type: ignore[attr-defined]


def test_an_existing_codes_list_code_and_meaning_cannot_be_changed() -> None:
    code = Code.objects.get(list_name="attendance_outcome", code="UAAB")
    _admin_client().post(
        f"/admin/cases/code/{code.pk}/change/",
        {
            "list_name": "other",
            "code": "OK",
            "meaning": "attended",
            "label": "Unacceptable absence (no reason)",
            "group": code.group,
            "sort_order": code.sort_order,
        },
    )
    code.refresh_from_db()
    assert (code.list_name, code.code, code.meaning) == (
        "attendance_outcome",
        "UAAB",
        "unacceptable_absence",
    )
    assert code.label == "Unacceptable absence (no reason)"

"""What an administrator does in the admin goes on the audit trail, not only Django's log."""

from __future__ import annotations

import pytest
from django.test import Client

from dtto.accounts.models import Area, Role, User
from dtto.accounts.tests.signing_in import sign_in_as
from dtto.audit.models import AuditEvent
from dtto.cases.tests.web import make_user

pytestmark = pytest.mark.django_db


def _administrator() -> Client:
    boss = make_user("boss", Role.ADMINISTRATOR, area=None)
    boss.is_staff = boss.is_superuser = True
    boss.save()
    client = Client()
    sign_in_as(client, boss)
    return client


def test_creating_a_user_in_the_admin_is_audited_with_the_administrator_as_actor() -> None:
    client = _administrator()
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new-cm",
            "password1": "a-long-enough-pass-8431",
            "password2": "a-long-enough-pass-8431",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(username="new-cm")
    event = AuditEvent.objects.get(action="admin.accounts.user.added")
    assert (event.actor_label, event.target_type, event.target_id) == (
        "boss",
        "user",
        str(created.pk),
    )
    assert "a-long-enough-pass" not in repr(event.detail)


def test_deleting_reference_data_in_the_admin_is_audited() -> None:
    client = _administrator()
    area = Area.objects.create(name="Nowhere", code="nowhere", region="North")
    response = client.post(f"/admin/accounts/area/{area.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.accounts.area.deleted")
    assert (event.actor_label, event.target_id) == ("boss", str(area.pk))

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dtto.accounts.models import Role
from dtto.accounts.signin import FROM_ONE_ADDRESS
from dtto.accounts.tests.signing_in import sign_in_as
from dtto.audit.models import AuditEvent
from dtto.cases.tests.web import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, username: str, password: str):
    return client.post(reverse("accounts:sign-in"), {"username": username, "password": password})


def test_signing_in_goes_to_the_queue_and_is_audited():
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    client = Client()
    response = _sign_in(client, "cm", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert "My queue" in client.get("/").content.decode()
    assert AuditEvent.objects.filter(action="accounts.user.signed_in").exists()


def test_wrong_password_says_what_to_do_and_keeps_the_username():
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    page = _sign_in(Client(), "cm", "wrong").content.decode()
    assert "Enter a correct username and password" in page
    assert 'value="cm"' in page
    assert "govuk-error-summary" in page


def test_empty_fields_are_named_in_the_error_summary():
    page = _sign_in(Client(), "", "").content.decode()
    assert "Enter your username" in page and "Enter your password" in page


def test_repeated_failures_are_slowed_down_even_with_the_right_password():
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    client = Client()
    for _ in range(FROM_ONE_ADDRESS.free_failures):
        _sign_in(client, "cm", "wrong")
    response = _sign_in(client, "cm", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert AuditEvent.objects.filter(action="accounts.sign_in.throttled").exists()


def test_sign_out_ends_the_session():
    user = make_user("cm", Role.CASE_MANAGER)
    client = Client()
    sign_in_as(client, user)
    client.post(reverse("accounts:sign-out"))
    assert client.get("/").status_code == 302


def test_sign_in_does_not_redirect_to_another_site():
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    response = Client().post(
        reverse("accounts:sign-in"),
        {"username": "cm", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"

"""A form sent without its CSRF token gets the service's own page, not Django's."""

from __future__ import annotations

import pytest
from django.test import Client

from dtto.accounts.models import Role
from dtto.accounts.tests.signing_in import sign_in_as
from dtto.cases.tests.web import make_user

pytestmark = pytest.mark.django_db


def test_a_form_without_its_token_is_refused_with_the_styled_page_and_nothing_changes() -> None:
    user = make_user("cm", Role.CASE_MANAGER)
    client = sign_in_as(Client(enforce_csrf_checks=True), user)
    response = client.post("/accounts/sessions/", {"end_others": "1"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form could not be sent" in html
    assert "Nothing has been saved" in html
    assert "govuk-service-navigation" in html  # in the service's layout
    assert user.signed_in_sessions.filter(ended_at__isnull=True).count() == 1

"""Refused, missing, bad and failed requests answer with the service's own pages.

Each page says what happened and gives a way back; the wording follows the GOV.UK
Design System's page patterns. Rendered with DEBUG off, as in production.
"""

from __future__ import annotations

import re

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

from dtto.accounts.models import Role
from dtto.cases.tests.web import make_user

pytestmark = pytest.mark.django_db

HEADER = 'class="govuk-header"'


def _raises(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a view that fails")


def _bad_request(request: HttpRequest) -> HttpResponse:
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("a request the service cannot read")


urlpatterns = [
    path("boom/", _raises),
    path("bad/", _bad_request),
    path("", include("dtto.urls")),
]


def _title_and_heading(html: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert title is not None and heading is not None
    return title.group(1).strip(), heading.group(1).strip()


def _assert_page(html: str, heading: str, link: str) -> None:
    title, h1 = _title_and_heading(html)
    assert h1 == heading
    # The title is the heading followed by the service's name, as on every other page.
    assert title == f"{heading} \N{EN DASH} dtto"
    assert HEADER in html
    assert f'href="{link}"' in html


@override_settings(DEBUG=False)
def test_a_missing_page_says_page_not_found_and_offers_sign_in_when_signed_out() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    _assert_page(response.content.decode(), "Page not found", "/accounts/sign-in/")


@override_settings(DEBUG=False)
def test_a_missing_case_offers_the_home_page_when_signed_in() -> None:
    client = Client()
    client.force_login(make_user("cm", Role.CASE_MANAGER))
    response = client.get("/cases/NO-SUCH-CASE/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_page(html, "Page not found", "/")
    assert "Signed in as" in html


@override_settings(DEBUG=False)
def test_a_refused_page_says_you_do_not_have_permission_with_a_way_home() -> None:
    # A treatment worker may not see the team queue (dtto/accounts/permissions.py).
    client = Client()
    client.force_login(make_user("tw", Role.TREATMENT_WORKER))
    response = client.get("/team/")
    assert response.status_code == 403
    _assert_page(response.content.decode(), "You do not have permission to see this page", "/")


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_bad_request_says_there_is_a_problem_with_the_request() -> None:
    response = Client().get("/bad/")
    assert response.status_code == 400
    _assert_page(
        response.content.decode(),
        "Sorry, there is a problem with your request",
        "/accounts/sign-in/",
    )


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_failing_view_says_there_is_a_problem_with_the_service() -> None:
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    _assert_page(response.content.decode(), "Sorry, there is a problem with the service", "/")

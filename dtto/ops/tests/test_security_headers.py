"""Security headers on real responses: CSP without inline script, no-store, HSTS, redirects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client, override_settings

from dtto.accounts.models import Area, Role, User

pytestmark = pytest.mark.django_db

TEMPLATE_ROOTS = [Path(__file__).resolve().parents[2]]  # the dtto package
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def _signed_in_case_manager() -> Client:
    user = User.objects.create_user(
        username="cm",
        role=Role.CASE_MANAGER,
        area=Area.objects.get(code="leicestershire"),
        first_name="Casey",
    )
    client = Client()
    client.force_login(user)
    return client


def _directives(policy: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_a_signed_in_page_is_no_store_and_allows_no_inline_script() -> None:
    response = _signed_in_case_manager().get("/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    page = response.content.decode()
    assert "Casey" in page, "the page shows the signed-in user's name"
    assert INLINE_SCRIPT.findall(page) == []
    assert EVENT_HANDLER.findall(page) == []


def test_the_sign_in_page_has_the_policy_too() -> None:
    response = Client().get("/accounts/sign-in/")
    assert response.status_code == 200
    assert _directives(response["Content-Security-Policy"])["script-src"] == ["'self'"]


def test_no_template_has_inline_script_or_event_handler_attributes() -> None:
    # The CSP would stop them running: a print button with onclick would do nothing.
    offending = []
    for root in TEMPLATE_ROOTS:
        for template in root.rglob("templates/**/*.html"):
            text = template.read_text()
            if INLINE_SCRIPT.search(text) or EVENT_HANDLER.search(text):
                offending.append(str(template.relative_to(root)))
    assert offending == []


@override_settings(
    SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
)
def test_hsts_is_sent_over_https() -> None:
    response = Client().get("/accounts/sign-in/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_ssl_redirect_sends_pages_to_https_but_not_the_probes() -> None:
    client = Client()
    page = client.get("/accounts/sign-in/")
    assert (page.status_code, page["Location"]) == (301, "https://testserver/accounts/sign-in/")
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


@override_settings(
    SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
def test_a_request_the_proxy_marks_as_https_is_not_redirected() -> None:
    response = Client().get("/accounts/sign-in/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200

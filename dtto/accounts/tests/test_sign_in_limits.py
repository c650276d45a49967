"""One throttled, audited way in: the admin's login goes through dtto's sign-in, and an
account is locked out after repeated failures whatever addresses they come from.

Expected counts follow from the limits in dtto/accounts/signin.py: 5 free failures per
username and address (then 30 s, doubling), 10 per username from anywhere (then 1 minute,
doubling to an hour).
"""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dtto.accounts.models import Role, SignInAttempt, User
from dtto.accounts.signin import FOR_THE_ACCOUNT, wait_before_next_attempt
from dtto.accounts.tests.signing_in import code_at, give_device, sign_in_as
from dtto.audit.models import AuditEvent
from dtto.cases.tests.web import PASSWORD, make_user

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
KEY = b"boss-authenticator-k"


def _sign_in(
    client: Client, username: str, password: str, address: str = "127.0.0.1", **extra: str
):
    return client.post(
        SIGN_IN, {"username": username, "password": password, **extra}, REMOTE_ADDR=address
    )


def _admin() -> None:
    user = make_user("boss", Role.ADMINISTRATOR, area=None, password=PASSWORD)
    user.is_staff = user.is_superuser = True
    user.save()


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def test_admin_login_page_sends_people_to_dtto_sign_in_and_back() -> None:
    response = Client().get("/admin/login/", {"next": "/admin/accounts/user/"})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("accounts:sign-in")
    assert parse_qs(location.query) == {"next": ["/admin/accounts/user/"]}


def test_admin_pages_lead_to_dtto_sign_in() -> None:
    client = Client()
    first = client.get("/admin/")
    assert first.status_code == 302 and urlsplit(first["Location"]).path == "/admin/login/"
    second = client.get(first["Location"])
    assert urlsplit(second["Location"]).path == SIGN_IN


def test_admin_login_does_not_send_people_to_another_site() -> None:
    response = Client().get("/admin/login/", {"next": "https://evil.example/"})
    assert parse_qs(urlsplit(response["Location"]).query) == {"next": ["/admin/"]}


def test_posting_the_right_password_to_the_admin_login_signs_no_one_in() -> None:
    _admin()
    client = Client()
    for _ in range(12):
        client.post("/admin/login/", {"username": "boss", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "boss", "password": PASSWORD})
    assert response.status_code == 302 and urlsplit(response["Location"]).path == SIGN_IN
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_administrator_signs_in_through_dtto_with_the_code_and_reaches_the_admin() -> None:
    _admin()
    give_device(User.objects.get(username="boss"), KEY)
    client = Client()
    response = _sign_in(client, "boss", PASSWORD, next="/admin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/sign-in/code/"
    code = code_at(KEY, time.time())
    response = client.post("/accounts/sign-in/code/", {"code": code}, REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    [event] = _events("accounts.user.signed_in")
    assert event.actor_label == "boss"
    assert event.detail == {"address": "127.0.0.1", "second_factor": True}


def test_signed_in_non_administrator_is_refused_at_the_admin_login() -> None:
    user = make_user("cm", Role.CASE_MANAGER)
    client = Client()
    sign_in_as(client, user)
    assert client.get("/admin/login/", {"next": "/admin/"}).status_code == 403


def test_twelve_wrong_admin_passwords_then_the_right_one_is_throttled_and_audited() -> None:
    # The probe, on the way in the admin now uses: failures 1-5 are checked and
    # fail, attempts 6-12 and the right password wait (30 seconds after the fifth).
    _admin()
    client = Client()
    for _ in range(12):
        _sign_in(client, "boss", "wrong", next="/admin/")
    response = _sign_in(client, "boss", PASSWORD, next="/admin/")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert len(_events("accounts.sign_in.failed")) == 5
    assert len(_events("accounts.sign_in.throttled")) == 8
    assert _events("accounts.user.signed_in") == []


def test_failures_are_audited_with_username_and_address_never_the_password() -> None:
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    _sign_in(Client(), "cm", "hunter2-secret", address="203.0.113.9")
    [event] = _events("accounts.sign_in.failed")
    assert event.actor_label == "sign-in from 203.0.113.9"
    assert event.detail == {"username": "cm", "address": "203.0.113.9"}
    assert "hunter2" not in repr(
        list(AuditEvent.objects.values("before", "after", "detail", "target_id", "actor_label"))
    )


def test_rotating_addresses_does_not_escape_the_account_lockout() -> None:
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    client = Client()
    for n in range(FOR_THE_ACCOUNT.free_failures):
        assert _sign_in(client, "cm", "wrong", address=f"198.51.100.{n}").status_code == 200
    response = _sign_in(client, "cm", PASSWORD, address="192.0.2.77")
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    [throttled] = _events("accounts.sign_in.throttled")
    assert throttled.detail["limit"] == "account"
    assert throttled.detail["address"] == "192.0.2.77"


def test_one_failure_short_of_the_account_limit_the_right_password_still_works() -> None:
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    client = Client()
    for n in range(FOR_THE_ACCOUNT.free_failures - 1):
        _sign_in(client, "cm", "wrong", address=f"198.51.100.{n}")
    assert _sign_in(client, "cm", PASSWORD, address="192.0.2.77").status_code == 302
    # Success clears the failures from every address.
    assert not SignInAttempt.objects.filter(username="cm").exists()


def test_the_account_lockout_doubles_with_each_further_failure() -> None:
    # 12 failures from 12 addresses, all a moment ago: 2 past the free 10, so the wait is
    # 1 minute doubled twice = 4 minutes; at 20 failures it would be 2**10 minutes, capped
    # at the hour.
    now = timezone.now()
    for n in range(12):
        SignInAttempt.objects.create(username="cm", ip_address=f"198.51.100.{n}")
    SignInAttempt.objects.update(at=now)
    wait, limit = wait_before_next_attempt("cm", "192.0.2.1", now=now)
    assert (wait, limit) == (dt.timedelta(minutes=4), FOR_THE_ACCOUNT)
    for n in range(8):
        SignInAttempt.objects.create(username="cm", ip_address=f"203.0.113.{n}")
    SignInAttempt.objects.update(at=now)
    assert wait_before_next_attempt("cm", "192.0.2.1", now=now)[0] == dt.timedelta(hours=1)
    # Once the last failure is an hour old, the account may try again.
    later = now + dt.timedelta(hours=1)
    assert wait_before_next_attempt("CM", "192.0.2.1", now=later)[0] == dt.timedelta(0)


def test_failures_older_than_a_day_do_not_count_towards_the_lockout() -> None:
    now = timezone.now()
    for n in range(FOR_THE_ACCOUNT.free_failures):
        SignInAttempt.objects.create(username="cm", ip_address=f"198.51.100.{n}")
    SignInAttempt.objects.update(at=now - dt.timedelta(hours=24, seconds=1))
    assert wait_before_next_attempt("cm", "192.0.2.1", now=now) == (dt.timedelta(0), None)

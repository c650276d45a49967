"""Your sessions: listed, and each can be ended from another, by its owner or an administrator;
an ended session is signed out on its next request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from dtto.accounts.models import Role, SignedInSession
from dtto.accounts.sessions import user_agent_summary
from dtto.accounts.tests.signing_in import sign_in_as
from dtto.audit.models import AuditEvent
from dtto.cases.tests.web import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PAGE = "/accounts/sessions/"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def _signed_in_from(username: str, address: str, agent: str) -> Client:
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    response = client.post("/accounts/sign-in/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_page_lists_each_signed_in_session_with_browser_address_and_times() -> None:
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    office = _signed_in_from("cm", "10.0.0.1", FIREFOX)
    _signed_in_from("cm", "10.0.0.2", CHROME_ANDROID)
    page = office.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Firefox on Windows" in html and "10.0.0.1" in html
    assert "Chrome on Android" in html and "10.0.0.2" in html
    assert html.count("This session") == 1
    assert html.count("Sign out this session") == 1
    assert "Sign out all other sessions" in html


def test_signing_out_another_session_ends_it_on_its_next_request() -> None:
    cm = make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    office = _signed_in_from("cm", "10.0.0.1", FIREFOX)
    phone = _signed_in_from("cm", "10.0.0.2", CHROME_ANDROID)
    assert phone.get("/cases/").status_code == 200
    other = SignedInSession.objects.get(address="10.0.0.2")
    response = office.post(PAGE, {"session": other.pk})
    assert response.status_code == 302
    ended = phone.get("/cases/")
    assert ended.status_code == 302 and ended["Location"].startswith("/accounts/sign-in/")
    assert "_auth_user_id" not in phone.session
    assert office.get("/cases/").status_code == 200
    event = AuditEvent.objects.get(action="accounts.session.ended")
    assert (event.actor_label, event.target_id) == ("cm", str(cm.pk))
    assert event.detail == {"sessions": [other.pk], "reason": "signed out by its owner"}


def test_signing_out_all_other_sessions_keeps_this_one() -> None:
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    office = _signed_in_from("cm", "10.0.0.1", FIREFOX)
    others = [_signed_in_from("cm", f"10.0.0.{n}", CHROME_ANDROID) for n in (2, 3)]
    office.post(PAGE, {"end_others": "1"})
    assert office.get("/cases/").status_code == 200
    for client in others:
        assert client.get("/cases/").status_code == 302
    assert SignedInSession.objects.filter(ended_at__isnull=True).count() == 1


def test_no_one_can_end_someone_elses_session() -> None:
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    make_user("tw", Role.TREATMENT_WORKER, password=PASSWORD)
    cm = _signed_in_from("cm", "10.0.0.1", FIREFOX)
    tw = _signed_in_from("tw", "10.0.0.2", FIREFOX)
    theirs = SignedInSession.objects.get(user__username="tw")
    cm.post(PAGE, {"session": theirs.pk})
    assert tw.get("/cases/").status_code == 200
    assert not AuditEvent.objects.filter(action="accounts.session.ended").exists()


def test_an_administrator_signs_out_every_session_of_a_user_from_the_admin() -> None:
    boss = make_user("boss", Role.ADMINISTRATOR, area=None)
    boss.is_staff = boss.is_superuser = True
    boss.save()
    cm = make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    sessions = [_signed_in_from("cm", f"10.0.0.{n}", FIREFOX) for n in (1, 2)]
    admin = sign_in_as(Client(), boss)
    response = admin.post(
        "/admin/accounts/user/", {"action": "sign_out_everywhere", "_selected_action": [cm.pk]}
    )
    assert response.status_code == 302
    for client in sessions:
        assert client.get("/cases/").status_code == 302
    event = AuditEvent.objects.get(action="accounts.session.ended")
    assert (event.actor_label, event.target_id) == ("boss", str(cm.pk))
    assert event.detail["reason"] == "signed out by an administrator"
    assert len(event.detail["sessions"]) == 2


def test_signing_out_closes_the_sessions_record() -> None:
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    client = _signed_in_from("cm", "10.0.0.1", FIREFOX)
    client.post("/accounts/sign-out/")
    [record] = SignedInSession.objects.all()
    assert record.ended_at is not None and record.ended_by == "signed out"


def test_only_a_hash_of_the_session_key_is_kept() -> None:
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    client = _signed_in_from("cm", "10.0.0.1", FIREFOX)
    key = client.session.session_key
    assert key is not None
    [record] = SignedInSession.objects.all()
    assert key not in record.key_hash and len(record.key_hash) == 64


@pytest.mark.parametrize(
    ("agent", "summary"),
    [
        (FIREFOX, "Firefox on Windows"),
        (CHROME_ANDROID, "Chrome on Android"),
        ("curl/8.5.0", "curl/8.5.0"),
        ("", "Unknown browser"),
    ],
)
def test_the_browser_is_summarised_in_a_few_words(agent: str, summary: str) -> None:
    assert user_agent_summary(agent) == summary


def _stored_expiry(client: Client) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _set_stored_expiry(client: Client, expiry: dt.datetime) -> None:
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=expiry)


def test_a_request_within_a_minute_of_the_last_save_leaves_the_session_unsaved() -> None:
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    client = _signed_in_from("cm", "10.0.0.1", FIREFOX)
    # Saved 30 seconds ago, by the expiry a 30-minute session then had.
    expiry = timezone.now() + dt.timedelta(minutes=30, seconds=-30)
    _set_stored_expiry(client, expiry)
    assert client.get("/cases/").status_code == 200
    assert _stored_expiry(client) == expiry


def test_a_request_a_minute_or_more_after_the_last_save_moves_the_expiry_on() -> None:
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    client = _signed_in_from("cm", "10.0.0.1", FIREFOX)
    # Saved 20 minutes ago: 10 minutes left; the request gives it 30 again.
    _set_stored_expiry(client, timezone.now() + dt.timedelta(minutes=10))
    before = timezone.now()
    assert client.get("/cases/").status_code == 200
    assert _stored_expiry(client) >= before + dt.timedelta(minutes=30)


def test_a_session_idle_past_its_expiry_is_sent_to_sign_in() -> None:
    make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    client = _signed_in_from("cm", "10.0.0.1", FIREFOX)
    _set_stored_expiry(client, timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")

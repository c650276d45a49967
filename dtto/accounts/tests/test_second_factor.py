"""The second factor: administrators cannot use dtto until they have one, codes are asked
after the password, wrong codes are throttled like wrong passwords, and the demo works.

Codes are worked out in the test from RFC 6238 (tests/signing_in.py's ``code_at``), and the
RFC's own table checks that helper and the demo key.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from dtto.accounts.models import Area, Role, SignInAttempt, User
from dtto.accounts.second_factor import DEMO_KEY_HEX, demo_code, demo_key_text
from dtto.accounts.services import DEMO_PASSWORD, create_demo_users
from dtto.accounts.tests.signing_in import code_at, give_device, sign_in_as
from dtto.audit.models import AuditEvent
from dtto.cases.tests.web import PASSWORD, make_user

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
CODE = "/accounts/sign-in/code/"
SET_UP = "/accounts/second-factor/"
KEY = b"an-admins-secret-key"
RFC_KEY = b"12345678901234567890"


def _admin(username: str = "boss") -> User:
    user = make_user(username, Role.ADMINISTRATOR, area=None, password=PASSWORD)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def _password(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(SIGN_IN, {"username": username, "password": password, **extra})


def _actions(prefix: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith=prefix)
        .order_by("sequence")
        .values_list("action", flat=True)
    )


# RFC 6238, Appendix B: SHA-1 codes for its test key, 8 digits; ours are the last 6.
@pytest.mark.parametrize(
    ("unix_time", "code"),
    [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")],
)
def test_codes_follow_rfc_6238_for_the_demo_key(unix_time: int, code: str) -> None:
    assert bytes.fromhex(DEMO_KEY_HEX) == RFC_KEY
    assert code_at(RFC_KEY, unix_time) == code
    assert demo_code(dt.datetime.fromtimestamp(unix_time, dt.UTC)) == code


def test_demo_key_is_printed_in_base32_as_apps_ask_for_it() -> None:
    # base32 of "12345678901234567890", from RFC 4648's alphabet by hand.
    assert demo_key_text() == "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"


@pytest.mark.parametrize("page", ["/", "/cases/", "/reports/", "/admin/", "/accounts/sessions/"])
def test_administrator_without_a_device_can_reach_only_the_set_up_page(page: str) -> None:
    _admin()
    client = Client()
    assert _password(client, "boss")["Location"] == "/"
    response = client.get(page)
    assert response.status_code == 302 and response["Location"] == SET_UP


def test_setting_up_shows_a_qr_code_and_the_key_and_confirms_with_a_code() -> None:
    boss = _admin()
    client = Client()
    _password(client, "boss")
    page = client.get(SET_UP)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Set up your second factor" in html
    device = TOTPDevice.objects.get(user=boss, confirmed=False)
    key = bytes.fromhex(device.key)
    assert page.context["key_text"].replace(" ", "") in html.replace(" ", "")

    wrong = client.post(
        SET_UP, {"code": "000000" if code_at(key, time.time()) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors == {
        "code": ["The code is not right: enter the code your app shows now"]
    }
    assert client.get("/").status_code == 302

    done = client.post(SET_UP, {"code": code_at(key, time.time())})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert _actions("accounts.second_factor") == ["accounts.second_factor.set_up"]


def test_a_code_that_is_not_six_digits_is_refused_by_name() -> None:
    _admin()
    client = Client()
    _password(client, "boss")
    client.get(SET_UP)
    for typed, message in [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12345", "Enter the code as 6 digits, like 123456"),
        ("12a456", "Enter the code as 6 digits, like 123456"),
    ]:
        response = client.post(SET_UP, {"code": typed})
        assert response.context["form"].errors == {"code": [message]}


def test_administrator_with_a_device_gives_the_code_after_the_password() -> None:
    boss = _admin()
    give_device(boss, KEY)
    client = Client()
    response = _password(client, "boss", next="/cases/")
    assert response.status_code == 302 and response["Location"] == CODE
    # The password alone signs no one in.
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    response = client.post(CODE, {"code": code_at(KEY, time.time())})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert client.get("/admin/").status_code == 200
    assert _actions("accounts.sign_in.password") == ["accounts.sign_in.password_accepted"]


def test_a_code_cannot_be_used_twice() -> None:
    boss = _admin()
    give_device(boss, KEY)
    code = code_at(KEY, time.time())
    first = Client()
    _password(first, "boss")
    assert first.post(CODE, {"code": code})["Location"] == "/"
    second = Client()
    _password(second, "boss")
    refused = second.post(CODE, {"code": code})
    assert refused.status_code == 200
    assert "_auth_user_id" not in second.session


def test_wrong_codes_count_towards_the_sign_in_limits_and_the_password_does_not_reset_them() -> (
    None
):
    boss = _admin()
    give_device(boss, KEY)
    right = code_at(KEY, time.time())
    wrong = "000000" if right != "000000" else "111111"
    client = Client()
    _password(client, "boss")
    for _ in range(5):
        response = client.post(CODE, {"code": wrong})
        assert response.status_code == 200
        assert response.context["form"].errors["code"] == [
            "The code is not right: enter the code your app shows now"
        ]
    # Five failures from this address: the sixth attempt waits, even with the right code ...
    response = client.post(CODE, {"code": right})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # ... and the right password again does not clear the count: it waits too.
    response = _password(Client(), "boss")
    assert response.status_code == 429
    assert SignInAttempt.objects.filter(username="boss").count() == 5
    assert _actions("accounts.sign_in") == [
        "accounts.sign_in.password_accepted",
        *["accounts.sign_in.code_failed"] * 5,
        "accounts.sign_in.throttled",
        "accounts.sign_in.throttled",
    ]
    throttled = AuditEvent.objects.filter(action="accounts.sign_in.throttled").order_by("sequence")
    assert [e.detail["step"] for e in throttled] == ["code", "password"]
    for event in AuditEvent.objects.all():
        assert right not in repr(event.detail) and PASSWORD not in repr(event.detail)


def test_the_code_page_without_a_password_first_sends_you_to_sign_in() -> None:
    response = Client().get(CODE)
    assert response.status_code == 302 and response["Location"] == SIGN_IN


def test_a_session_without_the_code_cannot_replace_the_device() -> None:
    boss = _admin()
    give_device(boss, KEY)
    client = Client()
    client.force_login(boss)  # signed in without the code, as a stolen password could not be
    response = client.get(SET_UP)
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
    assert "_auth_user_id" not in client.session
    assert TOTPDevice.objects.filter(user=boss).count() == 1


def test_an_area_can_require_a_second_factor_of_everyone_in_it() -> None:
    cm = make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    kent_cm = make_user("kent-cm", Role.CASE_MANAGER, "kent", password=PASSWORD)
    Area.objects.filter(code="leicestershire").update(requires_second_factor=True)
    held, free = Client(), Client()
    held.force_login(cm)
    free.force_login(kent_cm)
    assert held.get("/cases/")["Location"] == SET_UP
    assert free.get("/cases/").status_code == 200
    assert sign_in_as(Client(), User.objects.get(pk=cm.pk)).get("/cases/").status_code == 200


def test_administrator_removes_a_lost_device_and_the_owner_sets_up_again() -> None:
    boss = _admin()
    cm = _admin("other-admin")
    give_device(cm, KEY)
    admin = sign_in_as(Client(), boss)
    user_of = Client()
    sign_in_as(user_of, cm)
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "remove_second_factors", "_selected_action": [cm.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cm).exists()
    # Their sessions ended with it; after the password they are asked to set up again.
    assert user_of.get("/")["Location"].startswith(SIGN_IN)
    _password(user_of, "other-admin")
    assert user_of.get("/")["Location"] == SET_UP
    removed = AuditEvent.objects.get(action="accounts.second_factor.removed")
    assert (removed.actor_label, removed.target_id) == ("boss", str(cm.pk))


def test_demo_admin_signs_in_with_the_demo_password_and_the_demo_code() -> None:
    create_demo_users()
    client = Client()
    assert _password(client, "demo-admin", DEMO_PASSWORD)["Location"] == CODE
    response = client.post(CODE, {"code": demo_code()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    # The other demo logins need no code.
    other = Client()
    assert _password(other, "demo-case-manager", DEMO_PASSWORD)["Location"] == "/"


def test_the_demo_prints_the_key_and_how_to_get_a_code(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    call_command("demo-code")
    out = capsys.readouterr().out
    assert re.match(r"^\d{6} ", out)
    assert "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ" in out

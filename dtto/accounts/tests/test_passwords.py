"""Password rules wherever a password is set, in plain words on the field they are about."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client

from dtto.accounts.models import Role, User
from dtto.accounts.tests.signing_in import sign_in_as
from dtto.audit.models import AuditEvent
from dtto.cases.tests.web import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PAGE = "/accounts/password/"
SHORT = "Your password must be at least 12 characters long"
COMMON = "Your password is on a list of commonly used passwords: choose a different one"
NUMBERS = "Your password cannot be only numbers: add some letters or words"
LIKE_USERNAME = "Your password is too like your username: choose something unrelated"


def _change(client: Client, new: str, again: str | None = None, current: str = PASSWORD):
    return client.post(
        PAGE,
        {
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


@pytest.mark.parametrize(
    ("new", "errors"),
    [
        ("short-pass", [SHORT]),
        ("qwerty123456", [COMMON]),  # 12 characters, on Django's list of common passwords
        ("948372615048", [NUMBERS]),
        ("94837261", [SHORT, NUMBERS]),
        ("robin-testperson", [LIKE_USERNAME]),
    ],
)
def test_a_weak_new_password_is_refused_on_the_new_password_field(
    new: str, errors: list[str]
) -> None:
    user = make_user("robin-testperson", Role.CASE_MANAGER, password=PASSWORD)
    client = sign_in_as(Client(), user)
    response = _change(client, new)
    assert response.status_code == 200
    assert response.context["form"].errors == {"new_password": errors}
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="accounts.user.password_changed").exists()


def test_the_current_password_and_the_second_copy_are_checked_by_name() -> None:
    user = make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    client = sign_in_as(Client(), user)
    response = _change(client, "three unrelated words", "three unrelated word", "not-it")
    assert response.context["form"].errors == {
        "current_password": ["Your current password is not right: enter it again"],
        "new_password_again": ["The two new passwords are different: type the same one twice"],
    }
    empty = client.post(PAGE, {})
    assert empty.context["form"].errors == {
        "current_password": ["Enter your current password"],
        "new_password": ["Enter a new password"],
        "new_password_again": ["Enter the new password again"],
    }


def test_changing_the_password_is_audited_and_signs_out_the_other_sessions() -> None:
    user = make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        assert (
            client.post("/accounts/sign-in/", {"username": "cm", "password": PASSWORD}).status_code
            == 302
        )
    response = _change(here, "three unrelated words")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("three unrelated words")
    assert here.get("/cases/").status_code == 200
    assert elsewhere.get("/cases/").status_code == 302
    event = AuditEvent.objects.get(action="accounts.user.password_changed")
    assert event.actor_label == "cm" and "three unrelated" not in repr(event.detail)


def test_guessing_the_current_password_is_limited_and_audited_as_signing_in_is() -> None:
    user = make_user("cm", Role.CASE_MANAGER, password=PASSWORD)
    client = sign_in_as(Client(), user)
    for _ in range(5):
        wrong = _change(client, "three unrelated words", current="a guess")
        assert wrong.context["form"].errors == {
            "current_password": ["Your current password is not right: enter it again"]
        }
    # docs/security.md: 5 free failures for one username from one address, then a wait of
    # 30 seconds from the latest, so even the right password is refused now.
    sixth = _change(client, "three unrelated words")
    [refusal] = sixth.context["form"].errors["current_password"]
    waited = re.fullmatch(
        r"Too many failed attempts\. Wait (\d+) seconds before you try again\.", refusal
    )
    assert waited is not None, refusal
    # 30 seconds less the time the test itself took since the fifth failure.
    assert 20 <= int(waited.group(1)) <= 30
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    failed = AuditEvent.objects.filter(action="accounts.sign_in.failed")
    assert [e.detail["step"] for e in failed] == ["password change"] * 5
    assert AuditEvent.objects.filter(action="accounts.sign_in.throttled").count() == 1


def test_the_admin_refuses_a_weak_password_for_a_new_user() -> None:
    boss = make_user("boss", Role.ADMINISTRATOR, area=None)
    boss.is_staff = boss.is_superuser = True
    boss.save()
    client = sign_in_as(Client(), boss)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new-cm",
            "password1": "qwerty123456",
            "password2": "qwerty123456",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["password2"] == [COMMON]
    assert not User.objects.filter(username="new-cm").exists()


def test_the_rules_commands_use_are_the_same() -> None:
    # changepassword and createsuperuser call validate_password, as the pages do.
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password("123456789")
    assert refused.value.messages == [SHORT, COMMON, NUMBERS]
    password_validation.validate_password("three unrelated words")

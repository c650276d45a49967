"""Password rules and changing one's own password (docs/security.md, "Passwords").

Django's validators do the checking, with dtto's own words: whoever sets a password (the
admin, /accounts/password/, ``changepassword``, ``createsuperuser``) is told the same thing.
The list of common passwords is the one Django ships (about 20,000), so the check needs no
network.
"""

from __future__ import annotations

from django.contrib.auth import password_validation as django_rules
from django.db import transaction

from dtto.accounts.models import User
from dtto.audit.services import record_event

MINIMUM_LENGTH = 12


class LongEnough(django_rules.MinimumLengthValidator):
    def __init__(self) -> None:
        super().__init__(min_length=MINIMUM_LENGTH)

    def get_error_message(self) -> str:
        return f"Your password must be at least {MINIMUM_LENGTH} characters long"

    def get_help_text(self) -> str:
        return f"Use at least {MINIMUM_LENGTH} characters. Three or four unrelated words work well."


class NotLikeTheUsername(django_rules.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return "Your password is too like your %(verbose_name)s: choose something unrelated"

    def get_help_text(self) -> str:
        return "Do not base it on your name, username or email address."


class NotCommon(django_rules.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return "Your password is on a list of commonly used passwords: choose a different one"

    def get_help_text(self) -> str:
        return "Do not use a commonly used password."


class NotAllNumbers(django_rules.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return "Your password cannot be only numbers: add some letters or words"

    def get_help_text(self) -> str:
        return "Do not use only numbers."


def change_password(user: User, new_password: str) -> None:
    """Set the user's own new password, checked against the rules, and audit it (never the
    password). The caller has checked the current password (PasswordChangeForm)."""
    django_rules.validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        record_event(user, "accounts.user.password_changed", target_type="user", target_id=user.pk)

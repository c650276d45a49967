"""Forms for signing in, the second factor and changing one's password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.http import HttpRequest

from dtto.accounts import signin
from dtto.accounts.models import User


class SignInForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        error_messages={"required": "Enter your username"},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    """The 6-digit code from an authenticator app (checked by accounts/second_factor.py)."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code your app shows now, like 123456",
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "width": "5"}
        ),
    )


class ChangePasswordForm(forms.Form):
    """Changing one's own password: the current one, then the new one twice."""

    current_password = forms.CharField(
        label="Your current password",
        strip=False,
        error_messages={"required": "Enter your current password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="New password",
        strip=False,
        error_messages={"required": "Enter a new password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label="New password again",
        strip=False,
        error_messages={"required": "Enter the new password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        self.fields["new_password"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def clean_current_password(self) -> str:
        password: str = self.cleaned_data["current_password"]
        try:
            signin.confirm_password(self.request, self.user, password)
        except signin.SignInRefused as refused:
            raise forms.ValidationError(refused.message) from None
        return password

    def clean_new_password(self) -> str:
        password: str = self.cleaned_data["new_password"]
        password_validation.validate_password(password, self.user)
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new, again = data.get("new_password"), data.get("new_password_again")
        if new and again and new != again:
            self.add_error(
                "new_password_again", "The two new passwords are different: type the same one twice"
            )
        return data

"""The second factor: a 6-digit code from an authenticator app (TOTP, RFC 6238, by django-otp).

Administrators must have one; an area can ask it of everyone in it (``Area.requires_second_factor``).
Until someone who must have one has set it up, every page but the set-up page sends them there
(accounts/middleware.py). Codes are checked at sign-in by accounts/signin.py, under the same
limits as passwords. docs/security.md, "Second factor"; docs/decisions/0010.
"""

from __future__ import annotations

import base64
import datetime as dt
from binascii import unhexlify

import segno
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from dtto.accounts.models import Role, User
from dtto.audit.services import Actor, record_event

DEVICE_NAME = "authenticator app"
# The demo administrator's key: RFC 6238's own test key ("12345678901234567890"), public on
# purpose so that anyone trying the demo can add it to an authenticator app. Never used
# outside the demo (create_demo_users); docs/setup.md gives it in base32.
DEMO_KEY_HEX = "3132333435363738393031323334353637383930"


class CodeRefused(Exception):
    """The code was missing, not 6 digits, or not the one the app shows now."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_administrator(user: User) -> bool:
    return bool(user.is_staff or user.is_superuser or user.role == Role.ADMINISTRATOR)


def requires_second_factor(user: User) -> bool:
    """Whether this user must sign in with a code: administrators, and anyone whose area says so."""
    if is_administrator(user):
        return True
    return bool(user.area_id and user.area and user.area.requires_second_factor)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def device_to_set_up(user: User) -> TOTPDevice:
    """The unconfirmed device the set-up page shows, made with a new random key if none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def key_text(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed in: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` address as a QR code, an inline SVG element (no image request)."""
    svg: str = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title="QR code for your authenticator app"
    )
    return svg


def clean_code(code: str) -> str:
    """The code as 6 digits, spaces removed, or CodeRefused saying what to type."""
    digits = "".join(code.split())
    if not digits:
        raise CodeRefused("Enter the 6-digit code from your authenticator app")
    if len(digits) != 6 or not digits.isascii() or not digits.isdigit():
        raise CodeRefused("Enter the code as 6 digits, like 123456")
    return digits


def code_matches(device: TOTPDevice, code: str) -> bool:
    """Whether the code is the device's now (or one step either side); each is used once."""
    return bool(device.verify_token(clean_code(code)))


def confirm_device(user: User, device: TOTPDevice, code: str) -> TOTPDevice:
    """Confirm the device being set up with a code from it, replacing any earlier one."""
    if device.user_id != user.pk or device.confirmed:
        raise CodeRefused("Start setting up your authenticator app again")
    if not code_matches(device, code):
        raise CodeRefused("The code is not right: enter the code your app shows now")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_event(
            user,
            "accounts.second_factor.set_up",
            target_type="user",
            target_id=user.pk,
            detail={"device": device.persistent_id},
        )
    return device


def remove_second_factor(user: User, *, by: User | Actor) -> int:
    """Remove the user's devices (a lost phone): they set one up again after their password."""
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        record_event(
            by,
            "accounts.second_factor.removed",
            target_type="user",
            target_id=user.pk,
            detail={"devices": removed},
        )
    return removed


def give_demo_device(user: User, *, by: Actor) -> TOTPDevice:
    """The demo administrator's confirmed device with the public demo key. Idempotent."""
    device = TOTPDevice.objects.filter(user=user, key=DEMO_KEY_HEX, confirmed=True).first()
    if device is not None:
        return device
    with transaction.atomic():
        device = TOTPDevice.objects.create(
            user=user, name="demo authenticator", key=DEMO_KEY_HEX, confirmed=True
        )
        record_event(
            by,
            "accounts.second_factor.set_up",
            target_type="user",
            target_id=user.pk,
            detail={"device": device.persistent_id, "demo": True},
        )
    return device


def demo_key_text() -> str:
    text = base64.b32encode(unhexlify(DEMO_KEY_HEX)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def demo_code(at: dt.datetime | None = None) -> str:
    """The demo administrator's code at a moment (now by default), as an app would show it."""
    totp = TOTP(unhexlify(DEMO_KEY_HEX), step=30, t0=0, digits=6)
    totp.time = (at or timezone.now()).timestamp()
    return f"{totp.token():06d}"

"""Signing a test client in as a user, second factor included when the user must have one."""

from __future__ import annotations

import hashlib
import hmac

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from dtto.accounts.models import User
from dtto.accounts.second_factor import confirmed_device, requires_second_factor


def sign_in_as(client: Client, user: User) -> Client:
    """``force_login``, and for an administrator (or an area that asks it) a confirmed
    authenticator verified in the session, as after signing in with the code."""
    client.force_login(user)
    if requires_second_factor(user):
        device = confirmed_device(user) or TOTPDevice.objects.create(
            user=user, name="test authenticator", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def code_at(key: bytes, at: float) -> str:
    """The 6-digit code for a key at a Unix time, worked out from RFC 6238 itself (HMAC-SHA1
    of the 30-second step, dynamic truncation), not by the library under test."""
    step = int(at // 30).to_bytes(8, "big")
    digest = hmac.new(key, step, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def give_device(user: User, key: bytes = b"0123456789abcdefghij") -> TOTPDevice:
    """A confirmed authenticator with a known key, as after setting one up."""
    return TOTPDevice.objects.create(user=user, name="test", key=key.hex(), confirmed=True)

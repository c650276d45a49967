"""Signing in, with repeated failures for a username from one address slowed down.

After ``FREE_FAILURES`` failures within ``WINDOW`` for the same username and address, each
further attempt must wait twice as long as the last (from 30 seconds, at most 15 minutes)
before the password is even checked. A success clears the count. Every sign-in, sign-out and
refusal is written to the audit trail.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone

from dtto.accounts.models import SignInAttempt, User
from dtto.audit.services import Actor, record_event

FREE_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)
FIRST_WAIT = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(minutes=15)


class SignInRefused(Exception):
    """The username or password was wrong, or the user must wait before trying again."""

    def __init__(self, message: str, wait: dt.timedelta | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.wait = wait


def client_address(request: HttpRequest) -> str:
    # Behind a proxy, deployments set REMOTE_ADDR from the proxy's header in the web server.
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def wait_before_next_attempt(
    username: str, address: str, now: dt.datetime | None = None
) -> dt.timedelta:
    """How long this username from this address must wait before trying again."""
    now = now or timezone.now()
    recent = SignInAttempt.objects.filter(
        username=username.lower(), ip_address=address, at__gte=now - WINDOW
    )
    failures = recent.count()
    if failures < FREE_FAILURES:
        return dt.timedelta(0)
    latest = recent.order_by("-at").values_list("at", flat=True).first()
    assert latest is not None
    wait = min(FIRST_WAIT * (2 ** (failures - FREE_FAILURES)), LONGEST_WAIT)
    return max(latest + wait - now, dt.timedelta(0))


def _seconds(wait: dt.timedelta) -> str:
    seconds = max(1, int(wait.total_seconds() + 0.999))
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{(seconds + 59) // 60} minutes"


def sign_in(request: HttpRequest, username: str, password: str) -> User:
    """The user these credentials belong to, or SignInRefused saying what to do."""
    address = client_address(request)
    username = username.strip()
    wait = wait_before_next_attempt(username, address)
    if wait > dt.timedelta(0):
        record_event(
            Actor.system(f"sign-in from {address}"),
            "accounts.sign_in.throttled",
            target_type="username",
            target_id=username[:64],
        )
        raise SignInRefused(
            f"Too many failed attempts. Wait {_seconds(wait)} before you try again.", wait
        )
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        SignInAttempt.objects.create(username=username.lower(), ip_address=address)
        record_event(
            Actor.system(f"sign-in from {address}"),
            "accounts.sign_in.failed",
            target_type="username",
            target_id=username[:64],
        )
        raise SignInRefused("Enter a correct username and password")
    SignInAttempt.objects.filter(username=username.lower(), ip_address=address).delete()
    record_event(user, "accounts.user.signed_in", target_type="user", target_id=user.pk)
    return user

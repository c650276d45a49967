"""Signing in: the one way in, for dtto's pages and the admin alike, slowed down on failures.

Two limits apply, and an attempt waits for the longer of the two before the password is even
checked (docs/security.md, "Signing in"):

- **one username from one address**: after 5 failures within 15 minutes, each further attempt
  waits twice as long as the last, from 30 seconds to at most 15 minutes;
- **one username from any address** (the account lockout): after 10 failures within 24 hours,
  from 1 minute to at most 1 hour, so that changing address gains a guesser nothing.

Someone with a second factor (accounts/second_factor.py) is then asked for the code from
their authenticator app; a wrong code is a failure under the same two limits, and only the
right code clears the username's failures (so a known password does not reset the count of
wrong codes). Every success, failure and refused attempt is written to the audit trail with
the username and address, never the password or code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from dtto.accounts.models import SignInAttempt, User
from dtto.accounts.second_factor import CodeRefused, code_matches, confirmed_device
from dtto.audit.services import Actor, record_event

# The longest username the form accepts (User.username, SignInForm).
USERNAME_LENGTH = 150
NO_WAIT = dt.timedelta(0)


@dataclass(frozen=True)
class FailureLimit:
    """Failures allowed within a window; after them, waits doubling from first to longest."""

    name: str
    free_failures: int
    window: dt.timedelta
    first_wait: dt.timedelta
    longest_wait: dt.timedelta
    per_address: bool

    def wait(self, failures: int, latest: dt.datetime | None, now: dt.datetime) -> dt.timedelta:
        """How long is left to wait after ``failures`` failures, the last at ``latest``."""
        if failures < self.free_failures or latest is None:
            return NO_WAIT
        doublings = min(failures - self.free_failures, 32)
        wait = min(self.first_wait * 2**doublings, self.longest_wait)
        return max(latest + wait - now, NO_WAIT)


FROM_ONE_ADDRESS = FailureLimit(
    name="username and address",
    free_failures=5,
    window=dt.timedelta(minutes=15),
    first_wait=dt.timedelta(seconds=30),
    longest_wait=dt.timedelta(minutes=15),
    per_address=True,
)
FOR_THE_ACCOUNT = FailureLimit(
    name="account",
    free_failures=10,
    window=dt.timedelta(hours=24),
    first_wait=dt.timedelta(minutes=1),
    longest_wait=dt.timedelta(hours=1),
    per_address=False,
)
LIMITS = (FROM_ONE_ADDRESS, FOR_THE_ACCOUNT)


class SignInRefused(Exception):
    """The username or password was wrong, or the user must wait before trying again."""

    def __init__(self, message: str, wait: dt.timedelta | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.wait = wait


def client_address(request: HttpRequest) -> str:
    # Behind a proxy, deployments set REMOTE_ADDR from the proxy's header in the web server.
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _key(username: str) -> str:
    return username.strip().lower()[:USERNAME_LENGTH]


def _failures(limit: FailureLimit, username: str, address: str, now: dt.datetime) -> QuerySet:
    failures = SignInAttempt.objects.filter(username=_key(username), at__gte=now - limit.window)
    return failures.filter(ip_address=address) if limit.per_address else failures


def wait_before_next_attempt(
    username: str, address: str, now: dt.datetime | None = None
) -> tuple[dt.timedelta, FailureLimit | None]:
    """How long this username from this address must wait, and the limit that says so."""
    now = now or timezone.now()
    longest: tuple[dt.timedelta, FailureLimit | None] = (NO_WAIT, None)
    for limit in LIMITS:
        failures = _failures(limit, username, address, now)
        count = failures.count()
        latest = failures.order_by("-at").values_list("at", flat=True).first() if count else None
        wait = limit.wait(count, latest, now)
        if wait > longest[0]:
            longest = (wait, limit)
    return longest


def _seconds(wait: dt.timedelta) -> str:
    seconds = max(1, int(wait.total_seconds() + 0.999))
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{(seconds + 59) // 60} minutes"


def _record_refusal(action: str, username: str, address: str, **detail: object) -> None:
    record_event(
        Actor.system(f"sign-in from {address}"[:USERNAME_LENGTH]),
        action,
        target_type="username",
        target_id=_key(username)[:64],
        detail={"username": username[:USERNAME_LENGTH], "address": address, **detail},
    )


@dataclass(frozen=True)
class PasswordAccepted:
    """The right password: signed in now, or (``needs_code``) once the code is right too."""

    user: User
    needs_code: bool


def _throttle(username: str, address: str, step: str) -> None:
    wait, limit = wait_before_next_attempt(username, address)
    if limit is not None:
        _record_refusal(
            "accounts.sign_in.throttled",
            username,
            address,
            limit=limit.name,
            wait_seconds=int(wait.total_seconds()),
            step=step,
        )
        # The same words whichever limit applies, so a guesser learns nothing about which.
        raise SignInRefused(
            f"Too many failed attempts. Wait {_seconds(wait)} before you try again.", wait
        )


def _signed_in(user: User, address: str, *, second_factor: bool) -> None:
    SignInAttempt.objects.filter(username=_key(user.get_username())).delete()
    record_event(
        user,
        "accounts.user.signed_in",
        target_type="user",
        target_id=user.pk,
        detail={"address": address, "second_factor": second_factor},
    )


def sign_in(request: HttpRequest, username: str, password: str) -> PasswordAccepted:
    """Whose these credentials are and whether a code must follow, or SignInRefused."""
    address = client_address(request)
    username = username.strip()
    _throttle(username, address, "password")
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        SignInAttempt.objects.create(username=_key(username), ip_address=address)
        _record_refusal("accounts.sign_in.failed", username, address)
        raise SignInRefused("Enter a correct username and password")
    if confirmed_device(user) is not None:
        record_event(
            user,
            "accounts.sign_in.password_accepted",
            target_type="user",
            target_id=user.pk,
            detail={"address": address},
        )
        return PasswordAccepted(user, needs_code=True)
    _signed_in(user, address, second_factor=False)
    return PasswordAccepted(user, needs_code=False)


def confirm_password(request: HttpRequest, user: User, password: str) -> None:
    """The signed-in user's own password, asked again before it is changed, or SignInRefused.

    Limited and audited as signing in is, failures counting towards the same limits:
    otherwise whoever holds a signed-in session could guess its password without limit.
    """
    address = client_address(request)
    username = user.get_username()
    _throttle(username, address, "password change")
    if not user.check_password(password):
        SignInAttempt.objects.create(username=_key(username), ip_address=address)
        _record_refusal("accounts.sign_in.failed", username, address, step="password change")
        raise SignInRefused("Your current password is not right: enter it again")


def sign_in_with_code(request: HttpRequest, user: User, code: str) -> TOTPDevice:
    """The device whose code this is, for a user whose password was right, or SignInRefused."""
    address = client_address(request)
    username = user.get_username()
    _throttle(username, address, "code")
    device = confirmed_device(user)
    try:
        matched = device is not None and code_matches(device, code)
    except CodeRefused as refused:
        # Blank or not 6 digits: a slip of the finger, not a guess.
        raise SignInRefused(refused.message) from None
    if not matched or device is None:
        SignInAttempt.objects.create(username=_key(username), ip_address=address)
        _record_refusal("accounts.sign_in.code_failed", username, address)
        raise SignInRefused("The code is not right: enter the code your app shows now")
    _signed_in(user, address, second_factor=True)
    return device

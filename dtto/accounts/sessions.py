"""Signed-in sessions: listed for their owner, ended by them or by an administrator.

Every sign-in (dtto's page, or a test's ``force_login``) records a ``SignedInSession`` with a
hash of the session's key. A request whose session has no live record is signed out at once
(accounts/middleware.py): ending the record is what ends the session, wherever it is.
docs/security.md, "Sessions".

This module is also the session engine (``SESSION_ENGINE``): Django's database sessions,
remembering when the stored session expires, so that a request that changes nothing in its
session saves it only to move its expiry on, at most once a minute (:func:`keep_alive`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from dtto.accounts.models import SignedInSession, User
from dtto.audit.services import Actor, record_event

# last_seen, and the session's expiry, are written at most this often, not on every request.
SEEN_EVERY = dt.timedelta(minutes=1)


class SessionStore(db.SessionStore):
    """Django's database sessions, keeping the expiry the stored session was read with."""

    stored_expiry: dt.datetime | None = None

    def _get_session_from_db(self) -> Session | None:
        # Django's own read (not in its type stubs), which gives the row with its expiry.
        stored: Session | None = super()._get_session_from_db()  # type: ignore[misc]
        self.stored_expiry = stored.expire_date if stored is not None else None
        return stored


def keep_alive(request: HttpRequest) -> None:
    """Have the session saved, moving its expiry on, if it was last saved a minute ago or more.

    A session expires ``SESSION_COOKIE_AGE`` after it was last saved. Saving it on every
    request (``SESSION_SAVE_EVERY_REQUEST``) cost three queries a page; saved at most once a
    minute, an idle session ends between that age less a minute and that age after its last
    request, never later (docs/security.md, "Sessions").
    """
    store = request.session
    expiry = getattr(store, "stored_expiry", None)
    if expiry is None:
        return
    saved_at = expiry - dt.timedelta(seconds=store.get_expiry_age())
    if timezone.now() - saved_at >= SEEN_EVERY:
        store.modified = True


_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def key_hash(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def user_agent_summary(user_agent: str) -> str:
    """ "Firefox on Windows", or the start of what the browser sent when it is none we know."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    plain = re.sub(r"[^\x20-\x7e]", "", user_agent).strip()
    return (browser or system or plain or "Unknown browser")[:100]


def _address(request: HttpRequest) -> str:
    from dtto.accounts.signin import client_address

    return client_address(request)[:45]


def record_sign_in(request: HttpRequest, user: User) -> SignedInSession | None:
    """Record the session just signed in (the user_logged_in signal calls this)."""
    session_store = getattr(request, "session", None)
    if session_store is None:
        return None
    if not session_store.session_key:
        # Signing in as someone else in the same browser empties the session and leaves its
        # new key to be made when it is saved: make it now, so that it can be recorded.
        session_store.save()
    key = session_store.session_key
    if not key:
        return None
    now = timezone.now()
    session, _ = SignedInSession.objects.update_or_create(
        key_hash=key_hash(key),
        defaults={
            "user": user,
            "signed_in_at": now,
            "last_seen": now,
            "address": _address(request),
            "user_agent": user_agent_summary(request.META.get("HTTP_USER_AGENT", "")),
            "ended_at": None,
            "ended_by": "",
        },
    )
    return session


def current(request: HttpRequest) -> SignedInSession | None:
    """This request's live session record, or None if it was ended (or never recorded)."""
    key = request.session.session_key
    if not key:
        return None
    # With the user's area: whether it asks for a second factor, and which cases they see.
    return (
        SignedInSession.objects.filter(key_hash=key_hash(key), ended_at__isnull=True)
        .select_related("user__area")
        .first()
    )


def seen(session: SignedInSession) -> None:
    now = timezone.now()
    if now - session.last_seen >= SEEN_EVERY:
        SignedInSession.objects.filter(pk=session.pk).update(last_seen=now)
        session.last_seen = now


def key_changed(old_key: str | None, request: HttpRequest) -> None:
    """Follow the session to its new key (Django changes it when the password changes)."""
    new_key = request.session.session_key
    if old_key and new_key and old_key != new_key:
        SignedInSession.objects.filter(key_hash=key_hash(old_key)).update(
            key_hash=key_hash(new_key)
        )


def live_sessions(user: User) -> list[SignedInSession]:
    return list(SignedInSession.objects.filter(user=user, ended_at__isnull=True))


def _end(sessions: Any, *, by: User | Actor, owner: User, reason: str) -> int:
    with transaction.atomic():
        ids = list(sessions.filter(ended_at__isnull=True).values_list("pk", flat=True))
        label = by.label if isinstance(by, Actor) else by.get_username()
        SignedInSession.objects.filter(pk__in=ids).update(
            ended_at=timezone.now(), ended_by=label[:150]
        )
        if ids:
            record_event(
                by,
                "accounts.session.ended",
                target_type="user",
                target_id=owner.pk,
                detail={"sessions": sorted(ids), "reason": reason},
            )
    return len(ids)


def end_session(owner: User, session_id: int, *, by: User | Actor, reason: str) -> int:
    """End one of the owner's sessions; 0 if it is not theirs or already ended."""
    sessions = SignedInSession.objects.filter(user=owner, pk=session_id)
    return _end(sessions, by=by, owner=owner, reason=reason)


def end_other_sessions(
    owner: User, keep: SignedInSession | None, *, by: User | Actor, reason: str
) -> int:
    sessions = SignedInSession.objects.filter(user=owner)
    if keep is not None:
        sessions = sessions.exclude(pk=keep.pk)
    return _end(sessions, by=by, owner=owner, reason=reason)


def end_all_sessions(owner: User, *, by: User | Actor, reason: str) -> int:
    return end_other_sessions(owner, None, by=by, reason=reason)


def signed_out(request: HttpRequest) -> None:
    """Close the record of a session its owner signs out of (the sign-out is audited already)."""
    key = request.session.session_key
    if key:
        SignedInSession.objects.filter(key_hash=key_hash(key), ended_at__isnull=True).update(
            ended_at=timezone.now(), ended_by="signed out"
        )

"""Every write once: the one-time token each recording form carries.

The token is issued when the form is shown (signed, so it cannot be made up, and bound to
the user and the page) and consumed by the POST in the same transaction as the service
call, as a unique ``FormSubmission`` row. A form saved a second time (Back, then Save)
finds its token consumed and records nothing. See docs/decisions/0006-every-write-once.md.
"""

from __future__ import annotations

import secrets

from django.core import signing
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest

from dtto.accounts.models import User
from dtto.cases.models import FormSubmission

FIELD = "form_token"
URL_PARAMETER = "form"
_SALT = "dtto.cases.views.once"

ALREADY_RECORDED = (
    "Already recorded: this form was saved before, so nothing new was recorded. "
    "This is what it recorded."
)
REFUSED = (
    "This form could not be checked as one dtto gave you, so nothing was recorded. "
    "Check what you entered and save it again."
)


class AlreadyRecorded(Exception):
    """The form's token was consumed by an earlier save: nothing new is recorded."""

    def __init__(self, submission: FormSubmission) -> None:
        super().__init__(submission.token)
        self.submission = submission


def issue(user: User, path: str) -> str:
    """A new token for a form shown to this user at this page."""
    return signing.dumps({"t": secrets.token_urlsafe(24), "u": user.pk, "p": path}, salt=_SALT)


def posted_token(request: HttpRequest, user: User) -> str | None:
    """The one-time token posted with the form, or None if missing, forged or not for here.

    A token issued to another user or for another page counts as forged.
    """
    return _verified(request.POST.get(FIELD, ""), user, request.path)


def token_for_page(request: HttpRequest, user: User) -> tuple[str, FormSubmission | None]:
    """The token to show the form with, and what it recorded if it was saved already.

    The page keeps its token in its address (``?form=``) so that Back, which asks the server
    for the page again once the form was posted, shows the same form with the same token
    rather than a fresh one that would record a second time.
    """
    shown = request.GET.get(URL_PARAMETER, "")
    token = _verified(shown, user, request.path)
    if token is None:
        return issue(user, request.path), None
    return shown, FormSubmission.objects.filter(token=token).first()


def _verified(signed: str, user: User, path: str) -> str | None:
    try:
        issued = signing.loads(signed, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(issued, dict) or issued.get("u") != user.pk or issued.get("p") != path:
        return None
    token = issued.get("t")
    return token if isinstance(token, str) and token else None


def check_not_consumed(token: str) -> None:
    """Raise ``AlreadyRecorded`` if this token was consumed before (before validating)."""
    earlier = FormSubmission.objects.filter(token=token).first()
    if earlier is not None:
        raise AlreadyRecorded(earlier)


def consume(token: str, user: User, action: str) -> FormSubmission:
    """Consume the token; call inside the transaction that makes the record.

    The unique row makes two saves racing with the same token safe: the second waits for
    the first and then finds the token taken.
    """
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(token=token, user=user, action=action)
    except IntegrityError:
        raise AlreadyRecorded(FormSubmission.objects.get(token=token)) from None


def note_recorded(submission: FormSubmission, recorded: object, url: str) -> None:
    """Keep what the form recorded and where it is shown, for a later resubmission."""
    if isinstance(recorded, models.Model):
        submission.record_type = recorded._meta.label_lower
        submission.record_id = str(recorded.pk)
    submission.url = url
    submission.save(update_fields=["record_type", "record_id", "url"])

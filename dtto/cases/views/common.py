"""What every page of a case shares: the signed-in user, today, the audit of a view, and
the one recording page (access, form, one-time token, service call, errors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from dtto.accounts import permissions
from dtto.accounts.models import User
from dtto.audit.services import record_seen
from dtto.cases import forms
from dtto.cases.models import Case, Order
from dtto.cases.views import once
from dtto.standards.errors import RecordInvalid

Handler = Callable[[Case, forms.ServiceForm], object]
CaseUrl = Callable[[Case, object], str]

# The case page's timeline anchor for each kind of record, by model.
_ANCHORS: dict[str, str] = {
    "cases.case": "case",
    "cases.assessment": "assessment",
    "cases.order": "order",
    "cases.appointment": "appointment",
    "cases.drugtest": "test",
    "cases.formalwarning": "warning",
    "cases.breach": "breach",
    "cases.courtreview": "review",
    "cases.contactlevelchange": "contact_level",
    "cases.suspension": "suspension",
    "cases.termination": "termination",
    "cases.conviction": "conviction",
}


def signed_in(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def today() -> dt.date:
    return timezone.localdate()


def viewed(request: HttpRequest, case: Case, page: str) -> None:
    """Every view of a person's record goes on the audit trail."""
    record_seen(
        signed_in(request),
        "cases.person.viewed",
        target_type="case",
        target_id=case.pk,
        case_reference=case.reference,
        shown={"page": page},
    )


def bound(request: HttpRequest) -> QueryDict | None:
    """The posted data to bind a form to, even when empty (so that it is checked)."""
    return request.POST if request.method == "POST" else None


def record_anchor(record: models.Model) -> str:
    """The anchor of a record on the case page's timeline, e.g. ``appointment-42``."""
    return anchor_of(type(record), record.pk)


def anchor_of(model: type[models.Model], pk: object) -> str:
    """The anchor of the record of this kind with this key (read as values, not a model)."""
    return f"{_ANCHORS[model._meta.label_lower]}-{pk}"


def case_url(case: Case, recorded: object = None) -> str:
    """The case page, at what was recorded where the timeline shows it."""
    url = reverse("cases:detail", kwargs={"reference": case.reference})
    if isinstance(recorded, models.Model) and recorded._meta.label_lower in _ANCHORS:
        return f"{url}#{record_anchor(recorded)}"
    return url


def again_url(request: HttpRequest, name: str) -> CaseUrl:
    """After saving, back to the same form when the user chose "save and add another"."""

    def url(case: Case, _: object) -> str:
        if "another" in request.POST:
            return reverse(name, kwargs={"reference": case.reference})
        return reverse("cases:detail", kwargs={"reference": case.reference})

    return url


def order_or_404(case: Case) -> Order:
    order = Order.objects.filter(case=case).select_related("case", "case__person").first()
    if order is None:
        raise Http404("This case has no Order")
    return order


def order_handler(service: Callable[..., object], user: User) -> Handler:
    """A handler passing the form's cleaned data to a service acting on the case's Order."""

    def handle(case: Case, form: forms.ServiceForm) -> object:
        return service(order_or_404(case), by=user, **form.cleaned_data)

    return handle


@dataclass(frozen=True)
class Saved:
    """What became of a posted form: the token to show it again with, and what it recorded."""

    token: str
    recorded: bool = False
    record: object = None


def save_once(
    request: HttpRequest,
    form: forms.ServiceForm,
    *,
    action: str,
    save: Callable[[], object],
    shown_at: Callable[[object], str],
) -> Saved | HttpResponse:
    """Save a valid form once: consume its token with the service call, in one transaction.

    After an error the form is shown again with the same token (nothing was consumed);
    after a missing or forged token, with an error and a new token. A form saved before
    is not validated again: the user goes to what its first save recorded.
    """
    user = signed_in(request)
    token = once.posted_token(request, user)
    if token is None:
        form.is_valid()  # so that the field errors show beside the refusal
        form.add_error(None, once.REFUSED)
        return Saved(once.issue(user, request.path))
    posted = request.POST[once.FIELD]
    try:
        once.check_not_consumed(token)
        if not form.is_valid():
            return Saved(posted)
        with transaction.atomic():
            submission = once.consume(token, user, action)
            record = save()
            once.note_recorded(submission, record, shown_at(record))
    except once.AlreadyRecorded as already:
        messages.info(request, once.ALREADY_RECORDED)
        return redirect(already.submission.url)
    except RecordInvalid as invalid:
        form.add_service_errors(invalid)
        return Saved(posted)
    return Saved(posted, recorded=True, record=record)


def already_recorded(request: HttpRequest) -> HttpResponse | None:
    """For a form that can no longer be shown (a report since sent): the redirect to what
    its earlier save recorded, if this is that form saved again."""
    token = once.posted_token(request, signed_in(request))
    if token is None:
        return None
    try:
        once.check_not_consumed(token)
    except once.AlreadyRecorded as already:
        messages.info(request, once.ALREADY_RECORDED)
        return redirect(already.submission.url)
    return None


def record_page(
    request: HttpRequest,
    reference: str,
    *,
    what: str,
    form_class: type[forms.ServiceForm],
    handler: Handler,
    title: str,
    done: str,
    initial: dict[str, Any] | None = None,
    form_kwargs: dict[str, Any] | None = None,
    template: str = "cases/record.html",
    extra: dict[str, Any] | None = None,
    next_url: CaseUrl | None = None,
    shown_at: CaseUrl | None = None,
) -> HttpResponse:
    """One recording page: check access, show the form, call the service once, map errors.

    ``next_url`` is where the user goes after saving (the case page by default);
    ``shown_at`` is where what was recorded is shown, for a second save of the same form
    (the case page at the record by default).
    """
    user = signed_in(request)
    case = permissions.get_case_for(user, reference)
    if not permissions.can_record(user, what):
        raise PermissionDenied
    form = form_class(bound(request), initial=initial, **(form_kwargs or {}))
    token, saved_before = once.token_for_page(request, user)
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            action=what,
            save=lambda: handler(case, form),
            shown_at=lambda recorded: (shown_at or case_url)(case, recorded),
        )
        if isinstance(saved, HttpResponse):
            return saved
        token = saved.token
        if saved.recorded:
            messages.success(request, done)
            if next_url is not None:
                return redirect(next_url(case, saved.record))
            return redirect("cases:detail", reference=case.reference)
    context = {
        "form": form,
        "case": case,
        "title": title,
        "form_token": token,
        "saved_before": saved_before if request.method == "GET" else None,
        **(extra or {}),
    }
    return render(request, template, context)

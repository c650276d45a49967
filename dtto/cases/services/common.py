"""What every service shares: the acting user, audit snapshots, the Order's lock and window.

Each service checks its preconditions with the pure checks of dtto.standards.validation
(raising ``RecordInvalid`` naming the field, with nothing changed), does its work in one
transaction, writes one audit event, and tells listeners which Orders changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from dtto.accounts.models import Area, User
from dtto.audit.models import AuditEvent
from dtto.audit.services import Actor, record_event
from dtto.cases.models import Case, Order, Versioned
from dtto.cases.signals import orders_changed
from dtto.lib.dates import long_date_time
from dtto.standards.errors import Checker, RecordChanged
from dtto.standards.validation import OrderWindow, check_in_area, check_text

By = User | Actor
M = TypeVar("M", bound=models.Model)
T = TypeVar("T")


def today_or_now(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The stored fields of a record as JSON-ready values, for the audit trail."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        values[field.attname] = value
    return values


def locked_order(order: Order) -> Order:
    """The Order re-read under a row lock, so two changes to it cannot interleave."""
    return Order.objects.select_for_update().select_related("case").get(pk=order.pk)


def order_window(order: Order, today: dt.date) -> OrderWindow:
    return OrderWindow(order.made_on, order.length_months, order.terminated_on, today)


def audit_record(by: By, action: str, instance: models.Model, case: Case, **kwargs: Any) -> None:
    """One audit event about a case record, named by its kind and key."""
    record_event(
        by,
        action,
        target_type=instance._meta.model_name or "record",
        target_id=instance.pk,
        case_reference=case.reference,
        **kwargs,
    )


def announce_changed(*orders: Order) -> None:
    orders_changed.send(sender=Order, order_ids=[o.pk for o in orders])


def save_change(
    by: By,
    action: str,
    record: M,
    case: Case,
    *,
    detail: dict[str, Any] | None = None,
    loaded_version: int | None = None,
    **values: Any,
) -> M:
    """Set fields on a stored record, save only those, and audit the record before and after.

    Called inside the service's transaction, with the record already locked. A versioned
    record's version moves on by one; ``loaded_version`` is the version the form was
    loaded with, and a change to a record changed since is refused (``RecordChanged``).
    """
    before = snapshot(record)
    if isinstance(record, Versioned):
        claim_version(record, loaded_version)
    for name, value in values.items():
        setattr(record, name, value)
    record.save(update_fields=list(values))
    audit_record(by, action, record, case, before=before, after=snapshot(record), detail=detail)
    return record


def claim_version(record: Versioned, loaded: int | None) -> None:
    """Move the record's version on by one, if it is still the version loaded.

    One UPDATE ... WHERE version = loaded, in the caller's transaction: of two forms loaded
    at the same version, only the first to save matches. ``loaded`` None (the API, imports,
    a caller that did not load the record to edit it) checks against the version just read.
    """
    expected = record.version if loaded is None else loaded
    claimed = (
        type(record)
        ._default_manager.filter(pk=record.pk, version=expected)
        .update(version=F("version") + 1)
    )
    if not claimed:
        raise record_changed(record)
    record.version = expected + 1


def record_changed(record: Versioned) -> RecordChanged:
    """The refusal of a stale form: who made the change it missed, and when (audit trail)."""
    current = type(record)._default_manager.filter(pk=record.pk).values_list("version", flat=True)
    latest = (
        AuditEvent.objects.filter(
            target_type=record._meta.model_name or "record", target_id=str(record.pk)
        )
        .select_related("actor")
        .order_by("-sequence")
        .first()
    )
    if latest is None:
        return RecordChanged(
            changed_by="someone else", changed_at="a moment ago", version=current.first() or 0
        )
    actor = latest.actor
    name = (actor.get_full_name() or actor.get_username()) if actor else latest.actor_label
    return RecordChanged(
        changed_by=name,
        changed_at=long_date_time(timezone.localtime(latest.at)),
        version=current.first() or 0,
    )


def add_to_order(
    order: Order,
    *,
    by: By,
    action: str,
    check: Checker,
    today: dt.date,
    check_record: Callable[[Checker, OrderWindow], T],
    build: Callable[[Order, T], M],
    publish: Callable[[M], None] | None = None,
) -> M:
    """Add one dated record to an Order: under the Order's lock, checked against its dates.

    ``check_record`` is the record's pure check, given the locked Order's window; what it
    returns (the checked values) is handed to ``build`` with the locked Order. ``publish``
    writes the record's domain event (dtto/events/case_events.py) after the audit event.
    """
    with transaction.atomic():
        order = locked_order(order)
        checked_values = check_record(check, order_window(order, today))
        check.raise_if_any()
        record = build(order, checked_values)
        audit_record(by, action, record, order.case, after=snapshot(record))
        if publish is not None:
            publish(record)
        announce_changed(order)
    return record


def lookup(
    check: Checker, field: str, model: type[M], code: object, *, area: Area | None
) -> M | None:
    """A piece of reference data (court, team, provider) by code, within the case's area."""
    if code is None or code == "":
        return None
    if isinstance(code, model):
        found: M | None = code
    else:
        text = check_text(check, field, code, max_length=40)
        found = model._default_manager.filter(code=text).first() if text else None
        if not text:
            return None
    if found is None:
        check.add(field, f"unknown {model._meta.verbose_name} {str(code)!r}")
        return None
    found_area = getattr(found, "area", None)
    if area is not None and not check_in_area(
        check,
        field,
        name=str(found),
        area=found_area.code if found_area is not None else None,
        case_area=area.code,
        case_area_name=str(area),
    ):
        return None
    return found

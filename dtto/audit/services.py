"""Writing to the audit trail. Called by services inside their transaction."""

from __future__ import annotations

from typing import Any

from dtto.accounts.models import User
from dtto.audit.models import AuditEvent


class Actor:
    """Who is acting: a signed-in user, or a named process such as an import."""

    def __init__(self, user: User | None = None, label: str | None = None) -> None:
        if user is None and not label:
            raise ValueError("an actor needs a user or a label")
        self.user = user
        self.label = label or user.get_username()  # type: ignore[union-attr]

    @classmethod
    def system(cls, label: str) -> Actor:
        return cls(label=label)

    def __repr__(self) -> str:
        return f"Actor({self.label!r})"


def as_actor(by: User | Actor) -> Actor:
    return by if isinstance(by, Actor) else Actor(user=by)


def record_event(
    by: User | Actor,
    action: str,
    *,
    target_type: str,
    target_id: object,
    case_reference: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    actor = as_actor(by)
    return AuditEvent.objects.create(
        actor=actor.user,
        actor_label=actor.label,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        case_reference=case_reference,
        before=before,
        after=after,
        detail=detail or {},
    )


# What reading writes to the trail: who saw or took away what (a case's reference, or a
# report's scope and period), never a person's details (docs/security.md, "What reading is
# audited"). Tests that count changes leave these out.
SEEN_ACTIONS = frozenset(
    {
        "cases.person.viewed",
        "cases.list.viewed",
        "cases.queue.viewed",
        "reports.report.viewed",
        "exports.export.made",
    }
)


def record_seen(
    by: User | Actor,
    action: str,
    *,
    target_type: str,
    target_id: object,
    shown: dict[str, Any],
    case_reference: str = "",
) -> AuditEvent:
    """One page, report or export read: ``shown`` says what (references, scope, period)."""
    if action not in SEEN_ACTIONS:
        raise ValueError(f"not a reading event: {action!r} (add it to SEEN_ACTIONS)")
    return record_event(
        by,
        action,
        target_type=target_type,
        target_id=target_id,
        case_reference=case_reference,
        detail=shown,
    )

"""``Idempotency-Key``: the same post sent again is answered as the first time, not redone.

Keys are kept per client. The same key with the same method, path and body replays the
first answer (with ``Idempotent-Replayed: true``) and records nothing; the same key with
another request is refused, naming the header. Only answers that recorded something
(2xx) are kept: a refused post changed nothing, so sending it again is harmless.

Every post of a client runs in one transaction holding that client's row lock, so two
posts of one client with one key (or one laboratory sample) at once are taken one after
the other: the second finds the first's answer (docs/decisions/0007-*.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Schema

from dtto.api.models import ApiClient, IdempotentAnswer
from dtto.api.problems import KEY_REUSED, ApiProblem, FieldProblem
from dtto.audit.services import Actor, record_event
from dtto.standards.errors import RecordInvalid

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"

Work = Callable[[], tuple[int, Schema]]

# A client retries a post within minutes or, after an outage, days: an answer younger than
# this is never pruned, so that a late retry still finds it and records nothing twice.
MIN_KEEP_DAYS = 30


def _request_hash(request: HttpRequest) -> str:
    try:
        body = json.dumps(json.loads(request.body), sort_keys=True, separators=(",", ":"))
    except ValueError:
        body = request.body.decode("utf-8", "replace")
    text = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json(status: int, body: str) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="application/json")


def posted(request: HttpRequest, client: ApiClient, key: str | None, work: Work) -> HttpResponse:
    """Run ``work`` (which records and returns the status and body) once per key."""
    with transaction.atomic():
        # One post at a time per client: see the module's docstring.
        ApiClient.objects.select_for_update().filter(pk=client.pk).first()
        request_hash = _request_hash(request)
        if key is not None:
            kept = IdempotentAnswer.objects.filter(client=client, key=key).first()
            if kept is not None:
                if kept.request_hash != request_hash:
                    raise _reused(key)
                response = _json(kept.status, kept.body)
                response["Idempotent-Replayed"] = "true"
                return response
        status, schema = work()
        body = json.dumps(schema.model_dump(mode="json"))
        if key is not None:
            IdempotentAnswer.objects.create(
                client=client, key=key, request_hash=request_hash, status=status, body=body
            )
    return _json(status, body)


def _reused(key: str) -> ApiProblem:
    message = (
        f"key {key!r} was first sent with a different request; use a new key for a new request"
    )
    return ApiProblem(
        422,
        "Idempotency key reused",
        f"{HEADER}: {message}",
        type=KEY_REUSED,
        errors=[FieldProblem(field=HEADER, location="header", message=message)],
    )


@dataclass(frozen=True)
class Pruned:
    created_before: dt.datetime
    count: int
    applied: bool


def prune_answers(
    *, by: Actor, older_than_days: int, now: dt.datetime | None = None, dry_run: bool = False
) -> Pruned:
    """Forget the answers kept more than ``older_than_days`` days; their keys become new.

    A post sent again with a forgotten key is recorded again, so the period is at least
    :data:`MIN_KEEP_DAYS`. A laboratory's result sent again is still recognised by its
    sample id (``LaboratorySample`` is never pruned). One audit event a pruning.
    """
    if older_than_days < MIN_KEEP_DAYS:
        raise RecordInvalid.one(
            "older_than_days",
            f"must be at least {MIN_KEEP_DAYS} days, so that a late retry still finds its"
            f" answer; got {older_than_days}",
        )
    created_before = (now or timezone.now()) - dt.timedelta(days=older_than_days)
    with transaction.atomic():
        old = IdempotentAnswer.objects.filter(created_at__lt=created_before)
        count = old.count()
        if not dry_run:
            old.delete()
            record_event(
                by,
                "api.idempotency.pruned",
                target_type="idempotentanswer",
                target_id="",
                detail={
                    "older_than_days": older_than_days,
                    "created_before": created_before.isoformat(),
                    "count": count,
                },
            )
    return Pruned(created_before, count, applied=not dry_run)

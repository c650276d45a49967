"""Creating, rotating and revoking API clients; finding the client a token belongs to.

A token is shown once, when made; only its SHA-256 hash is kept. Tokens are 256 random
bits, so a fast hash is enough: there is nothing to guess as there is with a password.
Every change is audited, with the client's name, never the token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dtto.accounts.models import Area, TreatmentProvider
from dtto.api.models import ApiClient, ClientRole
from dtto.audit.services import Actor, record_event
from dtto.standards.errors import Checker, checked

TOKEN_PREFIX = "dtto_"
# Roles that work for one area, and the one that works for one treatment provider.
AREA_ROLES = frozenset({ClientRole.LABORATORY, ClientRole.CASE_READER})
PROVIDER_ROLES = frozenset({ClientRole.TREATMENT_PROVIDER})
# Roles that may have an area but need none: analytics reads every area without one.
OPTIONAL_AREA_ROLES = frozenset({ClientRole.ANALYTICS})


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def client_actor(client: ApiClient) -> Actor:
    """The audit trail's name for what a client does: ``api-client:NAME``."""
    return Actor.system(f"api-client:{client.name}")


@dataclass(frozen=True)
class IssuedToken:
    client: ApiClient
    token: str


def create_client(
    *,
    by: Actor,
    name: str,
    role: str,
    area: str | None = None,
    provider: str | None = None,
) -> IssuedToken:
    """A new client and its token (shown this once)."""
    check = Checker()
    if not name or len(name) > 60 or not name.replace("-", "").replace("_", "").isalnum():
        check.add("name", "must be 1 to 60 letters, digits, - or _")
    elif ApiClient.objects.filter(name=name).exists():
        check.add("name", f"a client called {name!r} already exists")
    if role not in ClientRole.values:
        check.add("role", f"must be one of {', '.join(ClientRole.values)}, got {role!r}")
    area_obj = Area.objects.filter(code=area).first() if area else None
    provider_obj = TreatmentProvider.objects.filter(code=provider).first() if provider else None
    if area and area_obj is None:
        check.add("area", f"no area with code {area!r}")
    if provider and provider_obj is None:
        check.add("provider", f"no treatment provider with code {provider!r}")
    if role in AREA_ROLES and not area:
        check.add("area", f"{_a(role)} client works for one area: give --area")
    if role in PROVIDER_ROLES and not provider:
        check.add("provider", f"{_a(role)} client works for one provider: give --provider")
    if provider and role not in PROVIDER_ROLES:
        check.add("provider", f"{_a(role)} client has no provider")
    if area and role not in AREA_ROLES | OPTIONAL_AREA_ROLES:
        check.add("area", f"{_a(role)} client has no area")
    check.raise_if_any()
    token = new_token()
    with transaction.atomic():
        client = ApiClient.objects.create(
            name=name,
            role=role,
            area=provider_obj.area if provider_obj is not None else area_obj,
            provider=provider_obj,
            token_hash=token_hash(token),
            token_prefix=token[: len(TOKEN_PREFIX) + 4],
        )
        record_event(
            by,
            "api.client.created",
            target_type="apiclient",
            target_id=client.pk,
            after=_described(client),
        )
    return IssuedToken(checked(client), token)


def rotate_token(client: ApiClient, *, by: Actor) -> IssuedToken:
    """A new token for the client; the old one stops working at once."""
    if not client.active:
        raise_revoked(client)
    token = new_token()
    with transaction.atomic():
        before = _described(client)
        client.token_hash = token_hash(token)
        client.token_prefix = token[: len(TOKEN_PREFIX) + 4]
        client.rotated_at = timezone.now()
        client.save(update_fields=["token_hash", "token_prefix", "rotated_at"])
        record_event(
            by,
            "api.client.rotated",
            target_type="apiclient",
            target_id=client.pk,
            before=before,
            after=_described(client),
        )
    return IssuedToken(client, token)


def revoke_client(client: ApiClient, *, by: Actor) -> ApiClient:
    """The client's token stops working; the client stays on record for the audit trail."""
    if not client.active:
        raise_revoked(client)
    with transaction.atomic():
        before = _described(client)
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        record_event(
            by,
            "api.client.revoked",
            target_type="apiclient",
            target_id=client.pk,
            before=before,
            after=_described(client),
        )
    return client


def _a(role: str) -> str:
    return f"an {role}" if role[:1] in "aeiou" else f"a {role}"


def raise_revoked(client: ApiClient) -> None:
    from dtto.standards.errors import RecordInvalid

    raise RecordInvalid.one("name", f"client {client.name!r} is revoked")


def client_for_token(token: str) -> ApiClient | None:
    """The active client this token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    client = (
        ApiClient.objects.select_related("area", "provider")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    # The hash is looked up by index; compare again in constant time all the same.
    if client is None or not secrets.compare_digest(client.token_hash, token_hash(token)):
        return None
    return client


def _described(client: ApiClient) -> dict[str, object]:
    return {
        "name": client.name,
        "role": client.role,
        "area": client.area.code if client.area else None,
        "provider": client.provider.code if client.provider else None,
        "token_prefix": client.token_prefix,
        "revoked": client.revoked_at is not None,
    }

"""Who may do what through the API: the client's role, and the cases its area or provider has.

Case access reuses the pages' rules (``dtto.accounts.permissions``): a case reader reads
its area as an area manager does, a treatment provider's client sees the Orders its provider
treats as a treatment worker does. A case outside the client's reach is "not found", never
"forbidden", so that a reference in another area is not confirmed.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja.security import HttpBearer

from dtto.accounts import permissions
from dtto.accounts.models import Role, User
from dtto.api.clients import client_for_token
from dtto.api.models import ApiClient, ClientRole
from dtto.api.problems import forbidden, not_found
from dtto.cases.models import Case

# The page role whose view of a case a client's role shares.
_STAFF_ROLE = {
    ClientRole.CASE_READER: Role.AREA_MANAGER,
    ClientRole.TREATMENT_PROVIDER: Role.TREATMENT_WORKER,
}


class ClientToken(HttpBearer):
    """``Authorization: Bearer TOKEN``: a client's token, and nothing else (no session)."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        client = client_for_token(token)
        if client is not None:
            # For the request's audit event, written after the answer (dtto/api/middleware.py).
            request.api_client = client  # type: ignore[attr-defined]
        return client


def client_of(request: HttpRequest, *roles: ClientRole) -> ApiClient:
    """The signed-in client, refused with 403 unless its role is one of ``roles``."""
    client = request.auth  # type: ignore[attr-defined]
    assert isinstance(client, ApiClient)
    if client.role not in roles:
        allowed = ", ".join(str(r) for r in roles)
        article = "An" if client.role[0] in "aeiou" else "A"
        raise forbidden(f"{article} {client.role} client may not do this; it is for: {allowed}.")
    return client


def events_client(request: HttpRequest) -> ApiClient:
    """The client of a request to the event feed: for a later endpoint to call first."""
    return client_of(request, ClientRole.EVENTS)


def staff_view(client: ApiClient) -> User | None:
    """An unsaved user standing for the client, so that the pages' access rules apply."""
    role = _STAFF_ROLE.get(ClientRole(client.role))
    if role is None:
        return None
    return User(
        username=f"api-client:{client.name}",
        role=role,
        area_id=client.area_id,
        treatment_provider_id=client.provider_id,
        is_active=True,
    )


def cases_of(client: ApiClient) -> QuerySet[Case]:
    """The cases this client reaches."""
    staff = staff_view(client)
    if staff is not None:
        return permissions.cases_for(staff)
    if client.role == ClientRole.LABORATORY:
        return Case.objects.filter(area=client.area)
    if client.role == ClientRole.ANALYTICS:
        everywhere = Case.objects.all()
        return everywhere if client.area is None else everywhere.filter(area=client.area)
    return Case.objects.none()


def case_of(client: ApiClient, reference: str) -> Case:
    case = (
        cases_of(client)
        .select_related("person", "area", "referral_source")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise not_found(f"No case {reference!r} for this client.")
    return case


def sections_of(client: ApiClient) -> frozenset[str]:
    """The parts of a case record this client reads (as the pages show its staff role)."""
    staff = staff_view(client)
    return frozenset() if staff is None else permissions.sections_for(staff)

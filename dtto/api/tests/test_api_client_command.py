"""`dtto api-client create|list|rotate|revoke`: a token shown once, only its hash kept."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from dtto.api.models import ApiClient
from dtto.audit.models import AuditEvent


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("api-client", *args, stdout=out)
    return out.getvalue()


def _token(output: str) -> str:
    return output.strip().splitlines()[-1]


@pytest.mark.django_db
def test_create_prints_a_token_once_and_keeps_only_its_hash(client: Client) -> None:
    token = _token(
        _run("create", "--name", "dorset-lab", "--role", "laboratory", "--area", "dorset")
    )
    stored = ApiClient.objects.get(name="dorset-lab")
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {f.value_from_object(stored) for f in ApiClient._meta.concrete_fields}
    assert token not in str(list(AuditEvent.objects.values_list("after", "detail")))
    listed = _run("list")
    assert "dorset-lab" in listed and token not in listed
    answer = client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {token}")
    # A laboratory may not read cases, but its token is recognised (403, not 401).
    assert answer.status_code == 403


@pytest.mark.django_db
def test_rotate_gives_a_new_token_and_the_old_one_stops_working(client: Client) -> None:
    old = _token(_run("create", "--name", "reader", "--role", "case-reader", "--area", "dorset"))
    new = _token(_run("rotate", "reader"))
    assert new != old
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {old}").status_code == 401
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {new}").status_code == 200


@pytest.mark.django_db
def test_revoke_stops_the_token_and_is_audited(client: Client) -> None:
    token = _token(_run("create", "--name", "analysts", "--role", "analytics"))
    _run("revoke", "analysts")
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert list(
        AuditEvent.objects.filter(action__startswith="api.client.").values_list(
            "action", "actor_label"
        )
    ) == [("api.client.created", "dtto api-client"), ("api.client.revoked", "dtto api-client")]
    assert "revoked" in _run("list")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "laboratory"], "area: a laboratory client works for one area"),
        (["--role", "treatment-provider"], "provider: a treatment-provider client works for"),
        (["--role", "laboratory", "--area", "atlantis"], "area: no area with code 'atlantis'"),
        (["--role", "events", "--area", "dorset"], "area: an events client has no area"),
        (["--role", "case-reader", "--provider", "dorset-treatment"], "provider: a case-reader"),
    ],
)
def test_create_refuses_a_client_without_what_its_role_needs(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _run("create", "--name", "x", *args)
    assert not ApiClient.objects.exists()


@pytest.mark.django_db
def test_create_refuses_a_name_already_in_use() -> None:
    _run("create", "--name", "twice", "--role", "events")
    with pytest.raises(CommandError, match="name: a client called 'twice' already exists"):
        _run("create", "--name", "twice", "--role", "events")

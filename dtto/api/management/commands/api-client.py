"""Manage the API's service clients: other systems, each with its own token and role.

Examples:
  dtto api-client create --name dorset-lab --role laboratory --area dorset
  dtto api-client create --name dorset-cdt --role treatment-provider --provider dorset-treatment
  dtto api-client create --name analysts --role analytics
  dtto api-client list
  dtto api-client rotate dorset-lab     (prints a new token; the old one stops working)
  dtto api-client revoke dorset-lab
  dtto api-client prune-answers --older-than 365 [--dry-run]
                                (forget idempotent answers kept over a year; docs/api.md)

Roles: laboratory (posts drug test results for its area), treatment-provider (records
appointments on the Orders its provider treats), case-reader (reads its area's cases),
analytics (reports and evaluations, no personal details; every area unless --area),
events (reads the event feed). The token is printed once; only its hash is kept.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from dtto.api import clients, idempotency
from dtto.api.models import ApiClient, ClientRole
from dtto.audit.services import Actor
from dtto.lib.commands import DocstringCommand
from dtto.standards.errors import RecordInvalid

ACTOR = Actor.system("dtto api-client")


class Command(DocstringCommand):
    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="a new client; prints its token once")
        create.add_argument("--name", required=True, help="letters, digits, - and _")
        create.add_argument("--role", required=True, choices=ClientRole.values)
        where = create.add_mutually_exclusive_group()
        where.add_argument("--area", help="probation area code (laboratory, case-reader)")
        where.add_argument("--provider", help="treatment provider code (treatment-provider)")
        actions.add_parser("list", help="every client, its role, area and state")
        for name, text in (
            ("rotate", "a new token for the client; the old one stops working"),
            ("revoke", "the client's token stops working"),
        ):
            sub = actions.add_parser(name, help=text)
            sub.add_argument("name", help="the client's name")
        prune = actions.add_parser(
            "prune-answers", help="forget the answers to idempotent posts kept over DAYS days"
        )
        prune.add_argument(
            "--older-than",
            metavar="DAYS",
            required=True,
            type=int,
            help=f"a whole number of days, at least {idempotency.MIN_KEEP_DAYS}",
        )
        prune.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action'].replace('-', '_')}")(options)
        except RecordInvalid as error:
            raise CommandError(str(error)) from None

    def _create(self, options: dict[str, Any]) -> None:
        issued = clients.create_client(
            by=ACTOR,
            name=options["name"],
            role=options["role"],
            area=options["area"],
            provider=options["provider"],
        )
        self._token(issued)

    def _rotate(self, options: dict[str, Any]) -> None:
        self._token(clients.rotate_token(self._client(options["name"]), by=ACTOR))

    def _revoke(self, options: dict[str, Any]) -> None:
        client = clients.revoke_client(self._client(options["name"]), by=ACTOR)
        self.stdout.write(f"Revoked {client.name}: its token no longer works.")

    def _prune_answers(self, options: dict[str, Any]) -> None:
        try:
            pruned = idempotency.prune_answers(
                by=ACTOR, older_than_days=options["older_than"], dry_run=options["dry_run"]
            )
        except RecordInvalid as error:
            raise CommandError(f"--older-than: {error.errors[0].message}") from None
        day = f"{pruned.created_before:%-d %B %Y %H:%M} UTC"
        if pruned.applied:
            self.stdout.write(f"Forgot {pruned.count} answer(s) kept since before {day}.")
        else:
            self.stdout.write(
                f"{pruned.count} answer(s) kept since before {day} would be forgotten"
                " (dry run: nothing changed)."
            )

    def _list(self, options: dict[str, Any]) -> None:
        rows = [("name", "role", "area", "provider", "token", "state")]
        for client in ApiClient.objects.select_related("area", "provider"):
            rows.append(
                (
                    client.name,
                    client.role,
                    client.area.code if client.area else "-",
                    client.provider.code if client.provider else "-",
                    f"{client.token_prefix}...",
                    "active" if client.active else f"revoked {client.revoked_at:%Y-%m-%d}",
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )

    def _client(self, name: str) -> ApiClient:
        client = ApiClient.objects.filter(name=name).first()
        if client is None:
            raise CommandError(f"no API client called {name!r}")
        return client

    def _token(self, issued: clients.IssuedToken) -> None:
        self.stdout.write(
            f"Client {issued.client.name} ({issued.client.role}). Its token, shown this once:"
        )
        self.stdout.write(issued.token)

"""Run the dtto demo: a local database with demo data and one login per role, served locally.

Creates (or reuses) the database, migrates it, loads a national data set from the
simulator and a live caseload dated around today, creates the demo logins, prints them,
and serves on http://127.0.0.1:8000 through `dtto serve` (gunicorn) until you press Ctrl-C.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils import timezone

from dtto.accounts.models import User
from dtto.accounts.services import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    create_demo_users,
    demo_key_text,
    load_targets_and_budgets,
)
from dtto.audit.services import Actor
from dtto.cases.demo import create_current_caseload
from dtto.cases.importing import import_case_document
from dtto.cases.models import Case
from dtto.lib.commands import DocstringCommand
from dtto.simulate.national import demo_data_set

HISTORY_RECORDED_UNTIL = dt.date(2008, 3, 31)


class Command(DocstringCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--orders",
            type=int,
            default=3000,
            help="Orders in the national data set (default 3000)",
        )
        parser.add_argument("--seed", type=int, default=2004, help="simulator seed (default 2004)")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on")
        parser.add_argument("--no-serve", action="store_true", help="prepare the database and stop")

    def handle(
        self, *args: Any, orders: int, seed: int, addr: str, no_serve: bool, **options: Any
    ) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        actor = Actor.system("dtto demo")
        logins = create_demo_users(by=actor)
        self._load_national(orders, seed, actor)
        manager = User.objects.get(username="demo-case-manager")
        create_current_caseload(manager, today=timezone.localdate(), by=actor)
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:24} {login.description}")
        assert len(logins) == len(DEMO_LOGINS)
        self.stdout.write(
            "\ndemo-admin also needs a code, as every administrator does. Add this key to an"
            f" authenticator app: {demo_key_text()}\n(or get the code now with `dtto demo-code`)."
        )
        if no_serve:
            return
        self.stdout.write(f"\nServing dtto on http://{addr}/ (Ctrl-C to stop)\n")
        # demo=True: the demo may serve with the public demo key (docs/deploy.md).
        call_command("serve", bind=addr, demo=True)

    def _load_national(self, orders: int, seed: int, actor: Actor) -> None:
        if Case.objects.filter(reference__startswith="SIM-").exists():
            self.stdout.write("National data set already loaded.")
            return
        self.stdout.write(
            f"Simulating a national data set of {orders} Orders (seed {seed}); this takes a minute..."
        )
        # Orders made 2001-2004, recorded until every one of them has ended, so the national
        # picture is history with outcomes rather than Orders left running for decades.
        document, reference = demo_data_set(orders, seed, records_end=HISTORY_RECORDED_UNTIL)
        load_targets_and_budgets(reference, by=actor)
        result = import_case_document(document, by=actor)
        self.stdout.write(f"National data set: {result.summary()}")

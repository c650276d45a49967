"""Clients of every role and a running Order for the API tests, made as an operator would."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from dtto.accounts.models import Role
from dtto.api import clients
from dtto.audit.services import Actor
from dtto.cases.models import Case
from dtto.cases.tests.web import RunningCase, make_running_case, make_user

OPERATOR = Actor.system("test operator")

# Every role, and a second laboratory in another area, by the name the tests use.
CLIENTS: dict[str, dict[str, str]] = {
    "laboratory": {"role": "laboratory", "area": "leicestershire"},
    "treatment-provider": {"role": "treatment-provider", "provider": "leicestershire-treatment"},
    "case-reader": {"role": "case-reader", "area": "leicestershire"},
    "analytics": {"role": "analytics"},
    "events": {"role": "events"},
    "kent-laboratory": {"role": "laboratory", "area": "kent"},
    "kent-case-reader": {"role": "case-reader", "area": "kent"},
    "kent-treatment-provider": {"role": "treatment-provider", "provider": "kent-treatment"},
    "kent-analytics": {"role": "analytics", "area": "kent"},
}


@dataclass
class World:
    tokens: dict[str, str]
    running: RunningCase

    @property
    def reference(self) -> str:
        return self.running.case.reference

    @property
    def today(self) -> dt.date:
        return self.running.today


def make_world() -> World:
    running = make_running_case(make_user("cm", Role.CASE_MANAGER))
    tokens = {
        name: clients.create_client(by=OPERATOR, name=name, **options).token
        for name, options in CLIENTS.items()
    }
    return World(tokens, running)


def call(
    http: Client,
    method: str,
    path: str,
    token: str | None,
    body: dict[str, Any] | None = None,
    **headers: str,
) -> Any:
    sent = {name.replace("_", "-"): value for name, value in headers.items()}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    if method == "GET":
        return http.get(path, body, headers=sent)
    return http.post(path, json.dumps(body or {}), content_type="application/json", headers=sent)


def case_without_order(area: str = "leicestershire") -> Case:
    from dtto.cases.tests.factories import make_case

    return make_case(area=area, reference=f"NO-ORDER-{area}")

"""Loading the reference data: areas and, for each, its courts, DTTO team and treatment provider.

Real deployments edit these in the admin; the defaults give every area one magistrates'
court, one Crown Court, one DTTO team and one treatment provider, with stable codes
(``<area>-mc``, ``<area>-cc``, ``<area>-dtto``, ``<area>-treatment``) that case files use.
"""

from __future__ import annotations

from typing import Any

from dtto.accounts.areas import PROBATION_AREAS


def load_areas(apps: Any) -> None:
    area_model = apps.get_model("accounts", "Area")
    court_model = apps.get_model("accounts", "Court")
    team_model = apps.get_model("accounts", "Team")
    provider_model = apps.get_model("accounts", "TreatmentProvider")
    dat_model = apps.get_model("accounts", "DrugActionTeam")
    for code, name, region in PROBATION_AREAS:
        area, _ = area_model.objects.update_or_create(
            code=code, defaults={"name": name, "region": region}
        )
        court_model.objects.get_or_create(
            code=f"{code}-mc",
            defaults={"area": area, "name": f"{name} magistrates' courts", "kind": "magistrates"},
        )
        court_model.objects.get_or_create(
            code=f"{code}-cc",
            defaults={"area": area, "name": f"{name} Crown Court", "kind": "crown"},
        )
        team_model.objects.get_or_create(
            code=f"{code}-dtto", defaults={"area": area, "name": f"{name} DTTO team"}
        )
        provider_model.objects.get_or_create(
            code=f"{code}-treatment",
            defaults={"area": area, "name": f"{name} drug treatment service", "sector": "nhs"},
        )
        dat_model.objects.get_or_create(area=area, name=f"{name} Drug Action Team")

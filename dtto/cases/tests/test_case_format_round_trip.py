"""A simulated case file survives import and export byte for byte, and so does a re-export."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from dtto.audit.services import Actor
from dtto.cases.export import write_case_file
from dtto.cases.importing import import_case_document
from dtto.cases.models import Case
from dtto.cases.tests.test_casefile_import_export import wipe_case_records
from dtto.simulate.model import Simulation
from dtto.simulate.parameters import load_parameters
from dtto.simulate.writer import write_document

pytestmark = pytest.mark.django_db

# After the simulated data end (2004-03-31), so no simulated record lies in the future.
TODAY = dt.date(2026, 1, 1)


def simulated_file(orders: int, seed: int) -> tuple[str, str]:
    """The file ``dtto simulate --orders N --seed S --out F`` writes, and its exported_at."""
    sim = Simulation(load_parameters(), orders=orders, seed=seed)
    out = io.StringIO()
    write_document(sim.cases(), out, sim.end.isoformat())
    return out.getvalue(), sim.end.isoformat()


def import_text(text: str) -> None:
    import_case_document(json.loads(text), by=Actor.system("test"), today=TODAY)


def export_text(exported_at: str) -> str:
    out = io.StringIO()
    write_case_file(Case.objects.all(), out, exported_at=exported_at)
    return out.getvalue()


def test_export_of_an_imported_simulated_file_gives_the_same_bytes() -> None:
    simulated, exported_at = simulated_file(40, 2004)
    import_text(simulated)
    assert export_text(exported_at) == simulated


def test_export_then_import_into_an_empty_database_then_export_gives_the_same_bytes() -> None:
    simulated, exported_at = simulated_file(40, 7)
    import_text(simulated)
    first = export_text(exported_at)
    wipe_case_records()
    assert not Case.objects.exists()
    import_text(first)
    assert export_text(exported_at) == first

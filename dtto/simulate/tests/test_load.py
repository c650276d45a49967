from __future__ import annotations

import pytest

from dtto.audit.services import Actor
from dtto.cases.importing import import_case_document
from dtto.cases.models import Case
from dtto.simulate.national import simulate_national


@pytest.mark.django_db
def test_simulated_records_pass_the_importer_and_load() -> None:
    document = simulate_national(orders=60, seed=4)
    result = import_case_document(document, by=Actor.system("simulator"))
    assert len(result.created) == len(document["cases"])
    assert Case.objects.filter(reference__startswith="SIM-").count() == len(document["cases"])

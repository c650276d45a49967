from __future__ import annotations

import pytest

from dtto.reports.measures import COMPLIANCE_MEASURES, compliance
from dtto.reports.queries import Period, Scope
from dtto.reports.tests.factories import TODAY, case, load


def appointment(on: str, with_: str) -> dict:
    return {"type": "appointment", "on": on, "hours": 1, "with": with_, "outcome": "attended"}


@pytest.mark.django_db
def test_only_cases_the_engine_judged_count_in_the_denominator():
    load(
        # Made on Monday 3 February 2003: probation next day (met), treatment a week later.
        case(
            events=[appointment("2003-02-04", "probation"), appointment("2003-02-10", "treatment")]
        ),
        case(),  # nothing arranged at all: both first appointments missed
        # Made today: its first appointments are not yet due, so not judged.
        case(referred=TODAY.isoformat(), made=TODAY.isoformat()),
    )
    c = compliance(Scope.national(), Period())
    assert c["cases"] == 3
    assert c["first_probation_1wd"]["numerator"] == 1
    assert c["first_probation_1wd"]["denominator"] == 2
    assert c["first_probation_1wd"]["rate"] == 0.5
    assert c["first_treatment_2wd"]["numerator"] == 0
    assert c["first_treatment_2wd"]["denominator"] == 2
    assert c["first_treatment_2wd"]["rate"] == 0.0
    assert set(COMPLIANCE_MEASURES) <= set(c)


@pytest.mark.django_db
def test_no_judged_cases_gives_null_rates():
    load(case(referred=TODAY.isoformat(), made=TODAY.isoformat()))
    c = compliance(Scope.national(), Period())
    assert c["first_probation_1wd"]["denominator"] == 0
    assert c["first_probation_1wd"]["rate"] is None


@pytest.mark.django_db
def test_case_file_sample_is_reproducible_and_per_area():
    load(*[case() for _ in range(6)], *[case(area="kent") for _ in range(2)])
    first = compliance(Scope.national(), Period(), sample_per_area=3, seed=7)
    again = compliance(Scope.national(), Period(), sample_per_area=3, seed=7)
    other = compliance(Scope.national(), Period(), sample_per_area=3, seed=8)
    assert first["sample"]["order_ids"] == again["sample"]["order_ids"]
    assert len(first["sample"]["order_ids"]) == 5  # 3 from Dorset, both from Kent
    assert first["cases"] == 5
    assert other["cases"] == 5

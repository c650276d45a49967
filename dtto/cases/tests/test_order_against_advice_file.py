"""An Order made against the assessment's advice survives export and import, and a file is
held to the pages' rule: an Order follows an assessment that found the person suitable, or
says it went against the advice and why (issue 11 item 4)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from dtto.audit.services import Actor
from dtto.caseformat import CaseFileError, dump_document
from dtto.cases.export import export_case_document
from dtto.cases.importing import import_case_document
from dtto.cases.models import Case, Order
from dtto.cases.tests.test_casefile_import_export import wipe_case_records
from dtto.standards.casefile import timelines_from_document
from dtto.standards.errors import RecordInvalid

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 1, 1)
REASON = "The court heard that the person has since found a place at a hostel"

# Worked by hand: assessed unsuitable (no stable accommodation) on 15 January 2003, the
# court makes a 12-month Order on 3 February 2003 against that advice. Every field written,
# in export's order, as `dtto export` writes it.
AGAINST_ADVICE: dict[str, Any] = {
    "reference": "AGAINST-1",
    "area": "leicestershire",
    "person": {
        "name": "Jane Example",
        "date_of_birth": "1975-04-02",
        "sex": "F",
        "ethnicity": "W1",
        "accommodation": "nfa",
        "main_drug": "heroin",
        "other_drugs": [],
        "mental_health_need": None,
    },
    "referral": {"on": "2003-01-10", "source": "court"},
    "assessment": {
        "started_on": "2003-01-13",
        "completed_on": "2003-01-15",
        "outcome": "unsuitable",
        "reason": "no_stable_accommodation",
        "recommended_intensity": None,
        "psr_requested_on": None,
        "adjourned_on": None,
        "psr_delivered_on": None,
        "health_assessment_recommended": None,
    },
    "order": {
        "made_on": "2003-02-03",
        "length_months": 12,
        "intensity": "higher",
        "court": "leicestershire-mc",
        "team": "leicestershire-dtto",
        "case_manager": None,
        "treatment_provider": "leicestershire-treatment",
        "against_assessment_advice": True,
        "against_advice_reason": REASON,
    },
    "events": [],
}


def document(*cases: dict[str, Any], version: str = "dtto-case/1.1") -> dict[str, Any]:
    return {"format": version, "cases": [copy.deepcopy(c) for c in cases]}


def import_(doc: dict[str, Any]) -> None:
    import_case_document(doc, by=Actor.system("test"), today=TODAY)


def exported_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(
        dump_document(export_case_document(Case.objects.all()))
    )["cases"]
    return cases


def test_an_order_against_advice_is_imported_with_its_reason() -> None:
    import_(document(AGAINST_ADVICE))
    order = Order.objects.get(case__reference="AGAINST-1")
    assert order.against_assessment_advice is True
    assert order.against_advice_reason == REASON


def test_an_order_against_advice_exports_as_it_was_given_and_imports_back_unchanged() -> None:
    import_(document(AGAINST_ADVICE))
    first = exported_cases()
    assert first[0]["order"] == AGAINST_ADVICE["order"]
    wipe_case_records()
    import_({"format": "dtto-case/1.1", "cases": first})
    assert exported_cases() == first
    assert Order.objects.get(case__reference="AGAINST-1").against_advice_reason == REASON


def test_an_order_that_followed_the_advice_exports_false_and_no_reason() -> None:
    case = copy.deepcopy(AGAINST_ADVICE)
    case["assessment"].update(outcome="suitable", reason=None, recommended_intensity="higher")
    del case["order"]["against_assessment_advice"]
    del case["order"]["against_advice_reason"]
    # A dtto-case/1 file has neither field: it still reads, as an Order that followed advice.
    import_(document(case, version="dtto-case/1"))
    order = exported_cases()[0]["order"]
    assert order["against_assessment_advice"] is False
    assert order["against_advice_reason"] is None


def _refused(case: dict[str, Any]) -> tuple[list[str], str]:
    """What import says, and what `dtto evaluate` says, about a one-case file."""
    with pytest.raises(RecordInvalid) as on_import:
        import_(document(case))
    assert Case.objects.count() == 0
    with pytest.raises(CaseFileError) as on_evaluate:
        timelines_from_document(document(case))
    return [str(e) for e in on_import.value.errors], str(on_evaluate.value)


def test_an_order_after_an_unsuitable_assessment_must_say_it_went_against_the_advice() -> None:
    case = copy.deepcopy(AGAINST_ADVICE)
    case["order"]["against_assessment_advice"] = False
    case["order"]["against_advice_reason"] = None
    on_import, on_evaluate = _refused(case)
    expected = (
        "cases[0].order.against_assessment_advice: The assessment did not find the person"
        " suitable: record the Order as made against the assessment's advice, and why"
    )
    assert on_import == [expected]
    assert expected in on_evaluate


def test_an_order_against_advice_needs_the_reason() -> None:
    case = copy.deepcopy(AGAINST_ADVICE)
    case["order"]["against_advice_reason"] = "   "
    on_import, on_evaluate = _refused(case)
    expected = (
        "cases[0].order.against_advice_reason:"
        " Enter why the court made the Order against the assessment's advice"
    )
    assert on_import == [expected]
    assert expected in on_evaluate


def test_an_order_with_no_assessment_is_refused() -> None:
    case = copy.deepcopy(AGAINST_ADVICE)
    case["assessment"] = None
    on_import, on_evaluate = _refused(case)
    expected = (
        "cases[0].order.against_assessment_advice:"
        " Record the assessment of suitability before the Order"
    )
    assert on_import == [expected]
    assert expected in on_evaluate


def test_an_order_cannot_go_against_an_assessment_that_found_the_person_suitable() -> None:
    case = copy.deepcopy(AGAINST_ADVICE)
    case["assessment"].update(outcome="suitable", reason=None, recommended_intensity="higher")
    on_import, on_evaluate = _refused(case)
    expected = (
        "cases[0].order.against_assessment_advice: The assessment found the person suitable,"
        " so the Order is not against its advice"
    )
    assert on_import == [expected]
    assert expected in on_evaluate


def test_evaluate_reads_the_core_format_without_an_assessment() -> None:
    core = {"reference": "CORE-1", "order": copy.deepcopy(AGAINST_ADVICE["order"]), "events": []}
    core["order"]["against_assessment_advice"] = False
    core["order"]["against_advice_reason"] = None
    assert [t.reference for t in timelines_from_document(document(core))] == ["CORE-1"]

"""correct_test: a sample's results replaced as the laboratory reports them, with the reason."""

from __future__ import annotations

import datetime as dt

import pytest

from dtto.audit.models import AuditEvent
from dtto.cases import services
from dtto.cases.models import DrugTest
from dtto.cases.tests.factories import TEST_ACTOR, TODAY, make_order
from dtto.standards.errors import RecordInvalid

ON = dt.date(2003, 2, 10)


def _sample() -> DrugTest:
    order = make_order()
    return services.record_test(
        order, by=TEST_ACTOR, on=ON, outcome="sample", results={"opiates": "positive"}, today=TODAY
    )


@pytest.mark.django_db
def test_a_correction_replaces_the_results_and_keeps_before_after_and_reason() -> None:
    test = _sample()
    services.correct_test(
        test,
        by=TEST_ACTOR,
        on=ON,
        results={"opiates": "negative", "cannabis": "positive"},
        reason="Mixed up with another sample",
        today=TODAY,
    )
    assert {r.substance.code: r.result for r in test.results.all()} == {
        "opiates": "negative",
        "cannabis": "positive",
    }
    event = AuditEvent.objects.get(action="cases.test.corrected")
    assert event.before == {"on": "2003-02-10", "results": {"opiates": "positive"}, "confirmed": {}}
    assert event.after == {
        "on": "2003-02-10",
        "results": {"opiates": "negative", "cannabis": "positive"},
        "confirmed": {},
    }
    assert event.detail == {"reason": "Mixed up with another sample"}


@pytest.mark.django_db
def test_a_correction_without_a_reason_or_with_a_bad_result_is_refused_and_changes_nothing() -> (
    None
):
    test = _sample()
    with pytest.raises(RecordInvalid) as refused:
        services.correct_test(
            test, by=TEST_ACTOR, on=ON, results={"opiates": "maybe"}, reason=" ", today=TODAY
        )
    assert refused.value.by_field().keys() == {"reason", "results.opiates"}
    assert {r.substance.code: r.result for r in test.results.all()} == {"opiates": "positive"}
    assert not AuditEvent.objects.filter(action="cases.test.corrected").exists()


@pytest.mark.django_db
def test_a_refusal_has_no_results_to_correct() -> None:
    refusal = services.record_test(
        make_order(), by=TEST_ACTOR, on=ON, outcome="refused", today=TODAY
    )
    with pytest.raises(RecordInvalid) as refused:
        services.correct_test(
            refusal, by=TEST_ACTOR, on=ON, results={}, reason="Wrong test", today=TODAY
        )
    assert "results" in refused.value.by_field()

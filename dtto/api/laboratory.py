"""A laboratory's result for a sample: recorded once, confirmed, or corrected with a reason.

The laboratory's own sample id makes its posts idempotent: the same result sent again
records nothing; confirmations of positives sent later update the test (``confirm_test_result``);
different results, or another day, for a known sample are a correction (``correct_test``),
which needs the laboratory's reason. Called inside the client's post transaction
(dtto/api/idempotency.py), which holds the client's row lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from dtto.api.clients import client_actor
from dtto.api.models import ApiClient, LaboratorySample
from dtto.api.problems import field_invalid
from dtto.cases import services
from dtto.cases.models import Case, DrugTest
from dtto.standards.errors import Checker
from dtto.standards.validation import check_confirmable


class Received(StrEnum):
    RECORDED = "recorded"
    UNCHANGED = "unchanged"
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"


@dataclass(frozen=True)
class SampleResult:
    test: DrugTest
    received: Received


def receive_result(
    client: ApiClient,
    case: Case,
    *,
    sample_id: str,
    on: dt.date,
    results: Mapping[str, str],
    confirmed: Mapping[str, bool],
    reason: str | None,
) -> SampleResult:
    by = client_actor(client)
    order = getattr(case, "order", None)
    if order is None:
        raise field_invalid("case_reference", f"case {case.reference} has no Order to test for")
    known = (
        LaboratorySample.objects.select_related("test__order__case")
        .filter(client=client, sample_id=sample_id)
        .first()
    )
    if known is None:
        test = services.record_test(
            order, by=by, on=on, outcome="sample", results=results, confirmed=confirmed
        )
        LaboratorySample.objects.create(client=client, sample_id=sample_id, test=test)
        return SampleResult(test, Received.RECORDED)
    test = known.test
    if test.order.case_id != case.pk:
        raise field_invalid(
            "sample_id", f"sample {sample_id} was sent before for another case; check the label"
        )
    stored = {r.substance.code: r for r in test.results.select_related("substance")}
    same_results = test.on == on and {code: r.result for code, r in stored.items()} == dict(results)
    if not same_results:
        if not reason:
            raise field_invalid(
                "reason",
                f"the results differ from those first sent for sample {sample_id}: "
                "a correction needs its reason",
            )
        test = services.correct_test(
            test, by=by, on=on, results=results, confirmed=confirmed, reason=reason
        )
        return SampleResult(test, Received.CORRECTED)
    check = Checker()
    for code in confirmed:
        if code not in stored:
            check.add(f"confirmed.{code}", "confirms a substance the test has no result for")
        else:
            check_confirmable(check, f"confirmed.{code}", stored[code].result)
    check.raise_if_any()
    newly_confirmed = {
        code: value
        for code, value in confirmed.items()
        if code in stored and stored[code].confirmed is not value
    }
    if not newly_confirmed:
        return SampleResult(test, Received.UNCHANGED)
    for code, value in newly_confirmed.items():
        services.confirm_test_result(stored[code], by=by, confirmed=value)
    return SampleResult(test, Received.CONFIRMED)

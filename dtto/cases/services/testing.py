"""Drug tests: a sample with per-substance results, a written admission, or a refusal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import transaction

from dtto.cases.models import DrugTest, DrugTestResult, Order
from dtto.cases.services.common import (
    By,
    announce_changed,
    audit_record,
    locked_order,
    order_window,
    save_change,
    snapshot,
    today_or_now,
)
from dtto.cases.validation import CodeBook
from dtto.events import case_events
from dtto.standards.errors import Checker, checked
from dtto.standards.validation import check_confirmable, check_test, check_text, coerce_date


def record_test(
    order: Order,
    *,
    by: By,
    on: dt.date | str,
    outcome: str,
    results: Mapping[str, str] | None = None,
    confirmed: Mapping[str, bool] | None = None,
    admitted: Iterable[str] = (),
    today: dt.date | None = None,
) -> DrugTest:
    """Record a drug test: a sample with per-substance results, a written admission, or a refusal."""
    today = today_or_now(today)
    check = Checker()
    codes = CodeBook()
    day = coerce_date(check, "on", on)
    resolved, admitted_codes = check_test(
        check,
        day,
        outcome=outcome,
        results=results or {},
        confirmed=confirmed or {},
        admitted=list(admitted),
        substances=codes.known("substance"),
    )
    with transaction.atomic():
        order = locked_order(order)
        order_window(order, today).check_day(check, "on", day)
        check.raise_if_any()
        test = DrugTest.objects.create(order=order, on=checked(day), outcome=outcome)
        DrugTestResult.objects.bulk_create(
            DrugTestResult(
                test=test,
                substance=checked(codes.get("substance", code)),
                result=result,
                confirmed=conf,
            )
            for code, result, conf in resolved
        )
        test.admitted.set([checked(codes.get("substance", code)) for code in admitted_codes])
        after = snapshot(test) | {
            "results": {code: result for code, result, _ in resolved},
            "admitted": admitted_codes,
        }
        audit_record(by, "cases.test.recorded", test, order.case, after=after)
        case_events.drug_test_recorded(test)
        announce_changed(order)
    return test


def confirm_test_result(
    result: DrugTestResult, *, by: By, confirmed: bool, loaded_version: int | None = None
) -> DrugTestResult:
    """Record the laboratory's answer on a positive result."""
    check = Checker()
    check_confirmable(check, "confirmed", result.result)
    check.raise_if_any()
    with transaction.atomic():
        order = locked_order(result.test.order)
        save_change(
            by,
            "cases.test.result_confirmed",
            result,
            order.case,
            loaded_version=loaded_version,
            confirmed=confirmed,
        )
        case_events.drug_test_result_confirmed(result.test)
        announce_changed(order)
    return result


def _results_snapshot(test: DrugTest) -> dict[str, object]:
    results = list(test.results.select_related("substance"))
    return {
        "on": test.on.isoformat(),
        "results": {r.substance.code: r.result for r in results},
        "confirmed": {r.substance.code: r.confirmed for r in results if r.confirmed is not None},
    }


def correct_test(
    test: DrugTest,
    *,
    by: By,
    on: dt.date | str,
    results: Mapping[str, str],
    confirmed: Mapping[str, bool] | None = None,
    reason: str,
    today: dt.date | None = None,
) -> DrugTest:
    """Correct a sample's day and results as the laboratory now reports them, with the reason.

    The results given replace the test's results whole; the audit event keeps them before
    and after, and the reason.
    """
    today = today_or_now(today)
    check = Checker()
    codes = CodeBook()
    day = coerce_date(check, "on", on)
    why = check_text(check, "reason", reason, required=True)
    if test.outcome != DrugTest.Outcome.SAMPLE:
        check.add("results", f"a test with outcome {test.outcome!r} has no results to correct")
    resolved, _ = check_test(
        check,
        day,
        outcome=test.outcome,
        results=results,
        confirmed=confirmed or {},
        admitted=[],
        substances=codes.known("substance"),
    )
    with transaction.atomic():
        order = locked_order(test.order)
        test = DrugTest.objects.select_for_update().get(pk=test.pk)
        order_window(order, today).check_day(check, "on", day)
        check.raise_if_any()
        before = _results_snapshot(test)
        test.on = checked(day)
        test.save(update_fields=["on"])
        test.results.all().delete()
        DrugTestResult.objects.bulk_create(
            DrugTestResult(
                test=test,
                substance=checked(codes.get("substance", code)),
                result=result,
                confirmed=conf,
            )
            for code, result, conf in resolved
        )
        audit_record(
            by,
            "cases.test.corrected",
            test,
            order.case,
            before=before,
            after=_results_snapshot(test),
            detail={"reason": why},
        )
        announce_changed(order)
    return test

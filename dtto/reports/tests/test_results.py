"""The result types say what the measures really return, key for key.

Some measures build their results as plain dicts and declare the type on return (``cast``),
so mypy trusts them there; these tests check those declarations against what comes back,
internal and published, on data where every part of the report is filled.
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from typing import Any, NotRequired, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest

from dtto.accounts.models import AreaBudget, Court
from dtto.reports import exports, measures
from dtto.reports.pdf import to_pdf
from dtto.reports.queries import Period, Scope
from dtto.reports.results import Compliance, Count, Report, SentencerSummary
from dtto.reports.sections import MEASURE_LABELS, report_sections, sentencer_sections
from dtto.reports.statistics import publish
from dtto.reports.tests.factories import breach, case, drug_test, ended, load
from dtto.reports.views import render_document


def _mismatches(value: Any, hint: Any, path: str, count: Any) -> list[str]:
    """Where ``value`` does not fit ``hint``; the TypeVar of a generic result stands for
    ``count`` (int inside dtto, int | None once published)."""
    if isinstance(hint, typing.TypeVar):
        hint = count
    origin, args = get_origin(hint), get_args(hint)
    if origin is NotRequired:
        return _mismatches(value, args[0], path, count)
    if origin in (Union, types.UnionType):
        fits = [_mismatches(value, a, path, count) for a in args]
        return [] if any(not f for f in fits) else min(fits, key=len)
    if hint is Any or hint is object:
        return []
    if hint is None or hint is type(None):
        return [] if value is None else [f"{path}: {value!r} is not None"]
    if hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{path}: {value!r} is not a number"]
    if hint in (int, str, bool):
        ok = isinstance(value, hint) and (hint is bool or not isinstance(value, bool))
        return [] if ok else [f"{path}: {value!r} is not {hint.__name__}"]
    typed = origin if origin is not None else hint
    if is_typeddict(typed):
        if not isinstance(value, dict):
            return [f"{path}: not a dict"]
        # Read NotRequired off the hints: with postponed annotations (results.py) Python 3.11
        # counts every key in __required_keys__.
        hints = get_type_hints(typed, include_extras=True)
        required = [k for k, h in hints.items() if get_origin(h) is not NotRequired]
        out = [f"{path}.{k}: missing" for k in required if k not in value]
        out += [f"{path}.{k}: not declared" for k in value if k not in hints]
        # A generic result's own parameter binds the TypeVar for its parts.
        inner = args[0] if args and not isinstance(args[0], typing.TypeVar) else count
        for k, v in value.items():
            if k in hints:
                out += _mismatches(v, hints[k], f"{path}.{k}", inner)
        return out
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path}: not a dict"]
        return [p for k, v in value.items() for p in _mismatches(v, args[1], f"{path}.{k}", count)]
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        return [
            p for i, v in enumerate(value) for p in _mismatches(v, args[0], f"{path}[{i}]", count)
        ]
    if origin is tuple:
        if not isinstance(value, tuple) or len(value) != len(args):
            return [f"{path}: not a pair"]
        return [p for v, a in zip(value, args, strict=True) for p in _mismatches(v, a, path, count)]
    raise AssertionError(f"{path}: no check for {hint!r}")


def _full_data() -> str:
    """Orders in two areas, ended and running, with breaches, tests and women and men,
    made at a court in Dorset; returns the court's code."""
    court = Court.objects.filter(area__code="dorset").order_by("code").first()
    assert court is not None
    # The national report's costs are those of the year of its as-of day (2006-06-30).
    money = {k: Decimal(100000) for k in ("supervision", "treatment", "testing")}
    AreaBudget.objects.create(
        area=court.area, financial_year=2006, custody_day_cost=Decimal(100), **money
    )
    tested = [drug_test("2003-02-04", opiates="negative", cocaine="positive")]
    load(
        *[
            case(court=court.code, events=[*tested, ended("2004-02-02", "completed")])
            for _ in range(6)
        ],
        *[
            case(sex="F", events=[breach("2003-05-01"), ended("2003-06-01", "other")])
            for _ in range(6)
        ],
        *[case(area="kent", intensity="lower", events=tested) for _ in range(6)],
        *[case(made=None, assessment="unsuitable", reason="not_motivated") for _ in range(2)],
    )
    return court.code


@pytest.mark.django_db
def test_the_report_and_the_court_summary_have_exactly_their_declared_shape() -> None:
    court = _full_data()
    report = measures.report(Scope.national(), Period(), sample_per_area=3)
    # Every part is there to check: no empty list or optional part passes unseen.
    assert "areas" in report and "compliance_sample" in report
    assert report["costs"] is not None and report["costs"]["areas"]
    c = report["commencements"]
    assert c["by_month"] and c["by_year"] and c["by_area"]
    assert report["drug_use"]["months"] and report["retention"]["groups"]
    assert report["reach"]["dimensions"]["sex"] and report["areas"]["areas"]
    assert _mismatches(report, Report[int], "report", int) == []
    assert _mismatches(publish(report), Report[Count], "published", Count) == []
    summary = measures.sentencer_summary(court, Period())
    assert _mismatches(summary, SentencerSummary[int], "summary", int) == []
    assert _mismatches(publish(summary), SentencerSummary[Count], "published", Count) == []


@pytest.mark.django_db
def test_the_shape_check_finds_a_missing_key_and_a_withheld_count() -> None:
    """The checker above is not blind: a missing key and a None count are mismatches."""
    _full_data()
    report = measures.report(Scope.national(), Period())
    # mypy refuses both lines (the ignores are needed: unused ones fail the type check).
    del report["terminations"]["successful"]  # type: ignore[misc]
    report["breaches"]["instigated"] = None  # type: ignore[typeddict-item]
    assert _mismatches(report, Report[int], "report", int) == [
        "report.terminations.successful: missing",
        "report.breaches.instigated: None is not int",
    ]


def test_the_compliance_result_and_the_pages_list_every_measure() -> None:
    declared = [k for k in get_type_hints(Compliance) if k in measures.COMPLIANCE_MEASURES]
    assert declared == list(measures.COMPLIANCE_MEASURES)
    assert list(MEASURE_LABELS) == list(measures.COMPLIANCE_MEASURES)


def _unpublished_results_reach_no_renderer(
    report: Report[int], summary: SentencerSummary[int]
) -> None:
    """Not run: checked by mypy. Every renderer refuses a result that has not been through
    ``publish``; each ignore below is needed, since mypy here fails on an unused one."""
    exports.to_json(report)  # type: ignore[arg-type]
    exports.to_csv(summary)  # type: ignore[arg-type]
    render_document(report, "")  # type: ignore[arg-type]
    to_pdf(summary, "")  # type: ignore[arg-type]
    report_sections(report)  # type: ignore[arg-type]
    sentencer_sections(summary)  # type: ignore[arg-type]
    # A withheld count is not a number, and a relative rate is never None.
    published = publish(report)
    published["terminations"]["total"] + 1  # type: ignore[operator]
    published["reach"]["dimensions"]["sex"]["F"]["commenced"]["relative_rate"] = None  # type: ignore[typeddict-item]

"""Read the core of the ``dtto-case/1`` JSON format into :class:`CaseTimeline` objects.

Only what the engine needs is read; keys and event types it does not know (``person``,
``referral``, ``outcome_code``, ``conviction`` events and so on) are ignored, so the full
format of ``docs/case-format.md`` reads as well as the core. Cases without an Order
(``"order": null``: referred or assessed but not sentenced) have nothing to evaluate and are
skipped. Anything unreadable raises :class:`CaseFileError` naming the field, such as
``cases[0].events[3].on: not a date: '2003-02-30'``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from dtto.caseformat import CaseFileError, check_header

from .timeline import (
    APPOINTMENT_OUTCOMES,
    APPOINTMENT_WITH,
    BREACH_OUTCOMES,
    CONTACT_LEVELS,
    INTENSITIES,
    TEST_OUTCOMES,
    TEST_RESULTS,
    Appointment,
    Breach,
    CaseTimeline,
    ContactLevel,
    DrugTest,
    FormalWarning,
    OrderTerms,
    Review,
    Suspension,
    Termination,
)


class _Bad(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message


_dates: dict[str, date] = {}


def _date(event: Mapping[str, Any], field: str) -> date:
    value = event.get(field)
    found = _dates.get(value) if type(value) is str else None
    if found is not None:
        return found
    if value is None:
        raise _Bad(field, "missing" if field not in event else "not a date: None")
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            found = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if len(_dates) < 100_000:
                _dates[value] = found
            return found
    raise _Bad(field, f"not a date: {value!r}")


def _choice(event: Mapping[str, Any], field: str, allowed: tuple[str, ...]) -> str:
    value = event.get(field)
    if value in allowed and type(value) is str:
        return value
    if field not in event:
        raise _Bad(field, "missing")
    raise _Bad(field, f"not one of {', '.join(allowed)}: {value!r}")


def _text(event: Mapping[str, Any], field: str) -> str:
    value = event.get(field)
    if type(value) is str and value:
        return value
    if field not in event:
        raise _Bad(field, "missing")
    raise _Bad(field, f"not a non-empty string: {value!r}")


def _appointment(e: Mapping[str, Any], ref: str) -> Appointment:
    hours = e.get("hours")
    if type(hours) is not float and type(hours) is not int:
        raise _Bad("hours", "missing" if "hours" not in e else f"not a number: {hours!r}")
    if not 0 <= hours <= 24:
        raise _Bad("hours", f"not between 0 and 24: {hours!r}")
    return Appointment(
        _date(e, "on"),
        float(hours),
        _choice(e, "with", APPOINTMENT_WITH),
        _choice(e, "outcome", APPOINTMENT_OUTCOMES),
        ref,
    )


def _test(e: Mapping[str, Any], ref: str) -> DrugTest:
    on = _date(e, "on")
    outcome = _choice(e, "outcome", TEST_OUTCOMES)
    raw = e.get("results")
    if raw is None:
        results: tuple[tuple[str, str], ...] = ()
    elif isinstance(raw, dict):
        for substance, result in raw.items():
            if result not in TEST_RESULTS:
                raise _Bad(f"results.{substance}", f"not positive or negative: {result!r}")
        results = tuple(sorted(raw.items()))
    else:
        raise _Bad("results", f"not an object: {raw!r}")
    return DrugTest(on, outcome, results, ref)


def _breach(e: Mapping[str, Any], ref: str) -> Breach:
    on = _date(e, "on")
    outcome = _choice(e, "outcome", BREACH_OUTCOMES)
    decided_on = None if e.get("decided_on") is None else _date(e, "decided_on")
    if outcome == "pending" and decided_on is not None:
        raise _Bad("decided_on", "a pending breach has no decision date")
    if decided_on is not None and decided_on < on:
        raise _Bad("decided_on", f"before the breach was instigated on {on.isoformat()}")
    return Breach(on, outcome, decided_on, ref)


def _review(e: Mapping[str, Any], ref: str) -> Review:
    hearing = e.get("hearing")
    if type(hearing) is not bool:
        raise _Bad(
            "hearing", "missing" if "hearing" not in e else f"not true or false: {hearing!r}"
        )
    return Review(_date(e, "on"), hearing, ref)


def _suspension(e: Mapping[str, Any], ref: str) -> Suspension:
    starts_on, ends_on = _date(e, "from"), _date(e, "to")
    if ends_on < starts_on:
        raise _Bad("to", f"before from ({starts_on.isoformat()})")
    return Suspension(starts_on, ends_on, _text(e, "reason"), ref)


_READERS: dict[str, tuple[str, Callable[[Mapping[str, Any], str], Any]]] = {
    "appointment": ("appointments", _appointment),
    "test": ("tests", _test),
    "warning": ("warnings", lambda e, ref: FormalWarning(_date(e, "on"), ref)),
    "breach": ("breaches", _breach),
    "review": ("reviews", _review),
    "contact_level": (
        "contact_levels",
        lambda e, ref: ContactLevel(_date(e, "on"), _choice(e, "level", CONTACT_LEVELS), ref),
    ),
    "suspension": ("suspensions", _suspension),
    "termination": (
        "terminations",
        lambda e, ref: Termination(_date(e, "on"), _text(e, "reason"), ref),
    ),
}
_REFS = [f"events[{i}]" for i in range(1024)]


def _order(case: Mapping[str, Any]) -> OrderTerms:
    order = case["order"]
    if not isinstance(order, dict):
        raise _Bad("order", f"not an object: {order!r}")
    try:
        made_on = _date(order, "made_on")
        length = order.get("length_months")
        if type(length) is not int or not 1 <= length <= 120:
            raise _Bad("length_months", f"not a whole number of months: {length!r}")
        return OrderTerms(made_on, length, _choice(order, "intensity", INTENSITIES))
    except _Bad as bad:
        raise _Bad(f"order.{bad.field}", bad.message) from None


def timeline_from_case(case: Any, path: str = "cases[0]") -> CaseTimeline | None:
    """One case object as a timeline; ``None`` for a case without an Order."""
    if not isinstance(case, dict):
        raise CaseFileError(path, f"not an object: {type(case).__name__}")
    try:
        reference = _text(case, "reference")
        if case.get("order") is None:
            return None
        order = _order(case)
    except _Bad as bad:
        raise CaseFileError(f"{path}.{bad.field}", bad.message) from None
    events = case.get("events", [])
    if not isinstance(events, list):
        raise CaseFileError(f"{path}.events", "not a list")
    found: dict[str, list[Any]] = {kind: [] for kind, _ in _READERS.values()}
    for i, event in enumerate(events):
        if not isinstance(event, dict):
            raise CaseFileError(f"{path}.events[{i}]", "not an object")
        kind = event.get("type")
        reader = _READERS.get(kind) if type(kind) is str else None
        if reader is None:
            if type(kind) is not str:
                raise CaseFileError(f"{path}.events[{i}].type", f"not a string: {kind!r}")
            continue  # event types the engine does not need (conviction, hearing, ...)
        ref = _REFS[i] if i < 1024 else f"events[{i}]"
        try:
            found[reader[0]].append(reader[1](event, ref))
        except _Bad as bad:
            raise CaseFileError(f"{path}.events[{i}].{bad.field}", bad.message) from None
    terminations = found.pop("terminations")
    if len(terminations) > 1:
        raise CaseFileError(f"{path}.events", "more than one termination")
    return CaseTimeline(
        reference=reference,
        order=order,
        appointments=tuple(found["appointments"]),
        tests=tuple(found["tests"]),
        warnings=tuple(found["warnings"]),
        breaches=tuple(found["breaches"]),
        reviews=tuple(found["reviews"]),
        contact_levels=tuple(found["contact_levels"]),
        suspensions=tuple(found["suspensions"]),
        termination=terminations[0] if terminations else None,
    )


def timelines_from_document(document: Mapping[str, Any]) -> list[CaseTimeline]:
    """Every case with an Order in a ``dtto-case/1`` document, in file order."""
    timelines = []
    for i, case in enumerate(check_header(document)):
        timeline = timeline_from_case(case, f"cases[{i}]")
        if timeline is not None:
            timelines.append(timeline)
    return timelines

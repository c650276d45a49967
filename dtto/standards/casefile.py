"""Read the core of the ``dtto-case/1`` JSON format into :class:`CaseTimeline` objects.

What the engine needs is read, and checked by the same pure checks the services and the
importer use (dtto.standards.validation), so ``dtto evaluate`` refuses what a page or an
import refuses instead of judging it: a 5- or 37-month Order, an event outside the Order,
an unknown event type or termination reason, a reference given twice. Keys the engine
does not need (``person``, ``referral``, ``outcome_code`` and so on) are not read; codes
kept in the database's code lists (substances, outcome codes) are checked only on import.
Cases without an Order (``"order": null``: referred or assessed but not sentenced) have
nothing to evaluate and are skipped. A refused case raises :class:`CaseFileError` naming
the field, such as ``cases[0].order.length_months: an Order lasts at least 6 ...``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from dtto.caseformat import SAME_DAY_ORDER, CaseFileError, check_header

from .errors import Checker
from .timeline import (
    APPOINTMENT_OUTCOMES,
    APPOINTMENT_WITH,
    CONTACT_ACTIVITIES,
    TERMINATION_REASONS,
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
from .validation import (
    KnownCodes,
    OrderWindow,
    check_activity,
    check_aftercare,
    check_appointment,
    check_breach_dates,
    check_breach_outcome,
    check_choice,
    check_code,
    check_contact_level,
    check_conviction,
    check_order,
    check_order_assessment,
    check_reference,
    check_referral_dates,
    check_review,
    check_review_report,
    check_suspension,
    check_termination,
    check_test,
    check_text,
    coerce_date,
    coerce_hours,
    scheduled_review_dues,
)

# Every event type the format has (each once in the same-day order).
_EVENT_TYPES = SAME_DAY_ORDER
_EVENT_TYPE_SET = frozenset(_EVENT_TYPES)
# The engine's words for why an Order ended; codes an administrator adds to the list in the
# database are not known here, so a file using one is refused (docs/case-format.md).
_TERMINATION_REASONS: KnownCodes = dict.fromkeys(TERMINATION_REASONS)
_REF_COUNT = 1024
_REFS = [f"events[{i}]" for i in range(_REF_COUNT)]
IN_FILE = " by an earlier case in this file"


def _list(check: Checker, field: str, value: object) -> list[Any]:
    """A list the file must give as one when it gives it (callers default a missing key)."""
    if isinstance(value, list):
        return value
    check.add(field, f"must be a list, got {type(value).__name__}")
    return []


_PERSON_CODES = (
    ("sex", "sex", True),
    ("ethnicity", "ethnicity", True),
    ("accommodation", "accommodation", False),
    ("main_drug", "drug", False),
)


def _object(check: Checker, field: str, value: object) -> Mapping[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    check.add(field, f"must be an object, got {type(value).__name__}")
    return None


def _read_person_and_referral(
    check: Checker, case: Mapping[str, Any]
) -> tuple[date | None, date | None]:
    """The person and the referral, checked as on import when the file gives them (the core
    format the engine needs leaves them out). Returns the date of birth and of referral."""
    born = referred_on = None
    person = _object(check, "person", case.get("person"))
    if person is not None:
        person_check = check.child("person")
        check_text(person_check, "name", person.get("name"), required=True, max_length=200)
        born = coerce_date(person_check, "date_of_birth", person.get("date_of_birth"))
        for key, list_name, required in _PERSON_CODES:
            check_code(
                person_check, key, list_name, person.get(key), None, on=None, required=required
            )
        for i, code in enumerate(_list(person_check, "other_drugs", person.get("other_drugs", []))):
            check_code(person_check, f"other_drugs[{i}]", "drug", code, None, on=None)
    referral = _object(check, "referral", case.get("referral"))
    if referral is not None:
        referred_on = coerce_date(check, "referral.on", referral.get("on"))
        check_code(
            check, "referral.source", "referral_source", referral.get("source"), None, on=None
        )
    check_referral_dates(
        check,
        born_field="person.date_of_birth",
        born=born,
        referred_field="referral.on",
        referred_on=referred_on,
        today=None,
    )
    return born, referred_on


def _check_order_follows_assessment(
    check: Checker, case: Mapping[str, Any], terms: Mapping[str, Any]
) -> None:
    """The pages' and the importer's rule: an Order follows an assessment that found the
    person suitable, or is recorded as made against its advice, with the reason. Checked when
    the file gives the assessment (``null`` included); the core format leaves it out."""
    if "assessment" not in case:
        return
    assessment = case["assessment"]
    outcome = assessment.get("outcome") if isinstance(assessment, Mapping) else None
    if assessment is not None and not isinstance(outcome, str):
        return  # an assessment with no readable outcome gives no advice to judge by
    check_order_assessment(
        check,
        assessment_outcome=outcome,
        suitable="suitable",
        against_advice=terms.get("against_assessment_advice") or False,
        reason=terms.get("against_advice_reason"),
    )


def _read_event(
    check: Checker, kind: str, e: Mapping[str, Any], window: OrderWindow, ref: str
) -> Any:
    """One event on the Order, checked as the services and the importer check it."""
    if kind == "suspension":
        starts, ends = (
            coerce_date(check, "from", e.get("from")),
            coerce_date(check, "to", e.get("to")),
        )
        reason = check_suspension(check, window, starts, ends, e.get("reason"))
        return None if starts is None or ends is None else Suspension(starts, ends, reason, ref)
    on = coerce_date(check, "on", e.get("on"))
    if kind == "appointment":
        outcome = check_choice(check, "outcome", e.get("outcome"), APPOINTMENT_OUTCOMES)
        hours = check_appointment(
            check,
            window,
            on=on,
            hours=e.get("hours"),
            with_whom=e.get("with"),
            has_outcome=outcome != "not_recorded",
            with_field="with",
            text_allowed=False,
        )
        check_activity(check, "activity", e.get("activity"))
        with_ = e.get("with")
        # A bad or missing "with" was refused above (and once raised KeyError here).
        if on is None or hours is None or outcome is None or not isinstance(with_, str):
            return None
        return Appointment(on, float(hours), with_, outcome, ref)
    if kind == "test":
        window.check_day(check, "on", on)
        results, _ = check_test(
            check,
            on,
            outcome=e.get("outcome"),
            results=e.get("results"),
            confirmed=e.get("confirmed"),
            admitted=e.get("admitted"),
            substances=None,
        )
        pairs = tuple(sorted((substance, result) for substance, result, _ in results))
        outcome = e.get("outcome")  # refused above if bad or missing (once a KeyError)
        if on is None or not isinstance(outcome, str):
            return None
        return DrugTest(on, outcome, pairs, ref)
    if kind == "breach":
        return _read_breach(check, e, window, on, ref)
    if kind == "review":
        hearing = check_review(check, window, on=on, hearing=e.get("hearing"))
        # Free text is not the engine's concern, but is checked as the importer checks it.
        for i, name in enumerate(_list(check, "sat", e.get("sat", []))):
            check_text(check, f"sat[{i}]", name, max_length=200)
        check_text(check, "notes", e.get("notes"))
        return None if on is None or hearing is None else Review(on, hearing, ref)
    if kind == "contact_level":
        level = check_contact_level(check, window, on=on, level=e.get("level"))
        return None if on is None or level is None else ContactLevel(on, level, ref)
    window.check_day(check, "on", on)  # a warning
    check_text(check, "reason", e.get("reason"))
    return None if on is None else FormalWarning(on, ref)


# --- The plain path -----------------------------------------------------------------------
# Nearly every event of a real file is an appointment or a test whose every value is plainly
# good. Such an event is read here without a Checker, a field path or a call per check: each
# value is only looked up among the values the shared checks accepted before, or in the
# vocabulary they check against. Anything else (a value not seen before, any doubt at all)
# returns None and the event is read by _read_event, through the shared checks, which word
# the refusal. So the plain path never refuses and never accepts anything _read_event would
# not: test_casefile_plain_path.py runs refused and accepted events through both.

_PLAIN_VALUES_KEPT = 65536  # distinct values remembered of each kind, so memory stays bounded


class _Accepted(dict[Any, Any]):
    """The values one shared check accepted, each with what the check made of it: looking up
    a value (a string or a number) gives that, or None if the check refuses it. A refused
    value is not remembered."""

    def __init__(self, accept: Callable[[Any], Any]) -> None:
        super().__init__()
        self.accept = accept

    def __missing__(self, value: Any) -> Any:
        made = self.accept(value)
        if made is not None:
            if len(self) >= _PLAIN_VALUES_KEPT:
                self.clear()
            self[value] = made
        return made


def _accepted_day(text: str) -> date | None:
    check = Checker()
    day = coerce_date(check, "on", text)
    return day if check.ok else None


def _accepted_hours(number: float) -> float | None:
    check = Checker()
    hours = coerce_hours(check, "hours", number, text_allowed=False)
    return None if hours is None or not check.ok else float(hours)


def _accepted_substance(text: str) -> str | None:
    check = Checker()
    code = check_code(check, "results", "substance", text, None, on=None)
    return code if check.ok else None


_plain_day = _Accepted(_accepted_day)
_plain_hours = _Accepted(_accepted_hours)
_plain_substance = _Accepted(_accepted_substance)


def _plain_appointment(e: Mapping[str, Any], window: OrderWindow, ref: str) -> Any:
    on, hours, outcome, with_ = e.get("on"), e.get("hours"), e.get("outcome"), e.get("with")
    activity = e.get("activity")
    if (
        type(on) is not str
        or (type(hours) is not float and type(hours) is not int)
        or outcome not in APPOINTMENT_OUTCOMES
        or with_ not in APPOINTMENT_WITH
        or (activity is not None and activity not in CONTACT_ACTIVITIES)
    ):
        return None
    day = _plain_day[on]
    plain_hours = _plain_hours[hours]
    if (
        day is None
        or plain_hours is None
        # Arranged ahead: only an outcome makes a future day wrong (check_appointment).
        or not window.holds(day, may_be_future=outcome == "not_recorded")
    ):
        return None
    return Appointment(day, plain_hours, with_, outcome, ref)


def _plain_test(e: Mapping[str, Any], window: OrderWindow, ref: str) -> Any:
    on, outcome, results = e.get("on"), e.get("outcome"), e.get("results")
    if (
        type(on) is not str
        or outcome not in TEST_OUTCOMES
        or e.get("confirmed") is not None
        or e.get("admitted") is not None
    ):
        return None
    day = _plain_day[on]
    if day is None or not window.holds(day):
        return None
    if results is None:
        return DrugTest(day, outcome, (), ref)
    if type(results) is not dict or outcome != "sample":
        return None
    pairs = []
    for substance, result in results.items():
        code = _plain_substance[substance] if type(substance) is str else None
        if code is None or result not in TEST_RESULTS:
            return None
        pairs.append((code, result))
    return DrugTest(day, outcome, tuple(sorted(pairs)), ref)


_PLAIN_READERS: dict[str, Callable[[Mapping[str, Any], OrderWindow, str], Any]] = {
    "appointment": _plain_appointment,
    "test": _plain_test,
}


def _read_breach(
    check: Checker, e: Mapping[str, Any], window: OrderWindow, on: date | None, ref: str
) -> Breach | None:
    window.check_day(check, "on", on)
    check_text(check, "reason", e.get("reason"))
    decided = coerce_date(check, "decided_on", e.get("decided_on"), required=False)
    outcome = check_breach_outcome(
        check, e.get("outcome"), decided, decided_given=e.get("decided_on") is not None
    )
    hearings = [
        (f"hearings[{i}]", coerce_date(check, f"hearings[{i}]", day))
        for i, day in enumerate(_list(check, "hearings", e.get("hearings", [])))
    ]
    if on is not None:
        check_breach_dates(
            check,
            on,
            None,
            decided_on=decided,
            hearings=hearings,
            warrant_issued_on=coerce_date(
                check, "warrant_issued_on", e.get("warrant_issued_on"), required=False
            ),
            warrant_executed_on=coerce_date(
                check, "warrant_executed_on", e.get("warrant_executed_on"), required=False
            ),
        )
    return None if on is None or outcome is None else Breach(on, outcome, decided, ref)


def _read_termination(
    check: Checker, e: Mapping[str, Any], window: OrderWindow, ref: str
) -> Termination | None:
    on = coerce_date(check, "on", e.get("on"))
    check_text(check, "onward_referral_to", e.get("onward_referral_to"))
    handover = coerce_date(
        check, "custody_handover_on", e.get("custody_handover_on"), required=False
    )
    reason = check_termination(
        check,
        window,
        on=on,
        reason=e.get("reason"),
        reasons=_TERMINATION_REASONS,
        onward_referral_on=coerce_date(
            check, "onward_referral_on", e.get("onward_referral_on"), required=False
        ),
        custody_handover_on=handover,
    )
    check_aftercare(
        check,
        ended_on=on or window.made_on,
        today=None,
        treatment_started_on=e.get("treatment_started_on"),
        treatment_setting=e.get("treatment_setting"),
        treatment_intensity=e.get("treatment_intensity"),
        custody_handover_on=handover,
        custody_handover_received_on=e.get("custody_handover_received_on"),
    )
    return None if on is None or reason is None else Termination(on, reason, ref)


def _read_conviction(check: Checker, e: Mapping[str, Any], referred_on: date | None) -> None:
    """Not the engine's concern, but checked as the importer checks it."""
    on = coerce_date(check, "on", e.get("on"))
    offence_on = coerce_date(check, "offence_on", e.get("offence_on"), required=False)
    check_conviction(check, None, on, offence_on, e.get("seriousness"))
    check_text(check, "offence", e.get("offence"))


def _read_review_report(
    check: Checker,
    e: Mapping[str, Any],
    window: OrderWindow,
    dues: frozenset[date],
    reported: set[date],
) -> None:
    """Not the engine's concern, but checked as the importer and the report's pages check it."""
    due = coerce_date(check, "review_due", e.get("review_due"))
    feedback = _object(check, "court_feedback", e.get("court_feedback"))
    check_review_report(
        check,
        window,
        review_due=due,
        period_from=coerce_date(check, "period_from", e.get("period_from")),
        period_to=coerce_date(check, "period_to", e.get("period_to")),
        status=e.get("status"),
        sent_on=coerce_date(check, "sent_on", e.get("sent_on"), required=False),
        sections=e,
        court_feedback=feedback,
        due_dates=dues,
        reported_dues=reported,
    )
    if due is not None:
        reported.add(due)


def _refuse(check: Checker) -> None:
    """The first problem found, with how many more, as one error naming its field."""
    if check.errors:
        first = check.errors[0]
        more = len(check.errors) - 1
        message = first.message + (f" (and {more} more problem(s) in this case)" if more else "")
        raise CaseFileError(first.field, message)


def _read_events(
    check: Checker,
    events: list[Any],
    window: OrderWindow | None,
    referred_on: date | None,
    intensity: str | None = None,
) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {kind: [] for kind in _EVENT_TYPES}
    kinds: list[str | None] = []
    for i, event in enumerate(events):
        if not isinstance(event, dict):
            check.add(f"events[{i}]", f"must be an object, got {type(event).__name__}")
            kinds.append(None)
            continue
        kind = event.get("type")
        if type(kind) is not str or kind not in _EVENT_TYPE_SET:
            kind = check_choice(check.child(_ref(i)), "type", kind, _EVENT_TYPES)
        kinds.append(kind)
    terminations = [i for i, kind in enumerate(kinds) if kind == "termination"]
    reported: set[date] = set()  # the reviews reported on so far: one report a review
    dues: frozenset[date] | None = None  # the Order's review days, once a report needs them
    for extra in terminations[1:]:
        check.add(_ref(extra), "a second termination: an Order is terminated once")
    if window is not None and terminations:
        # The termination is read first: it closes the window the other events must fall in.
        index = terminations[0]
        termination = _read_termination(
            check.child(_ref(index)), events[index], window, _ref(index)
        )
        if termination is not None:
            found["termination"].append(termination)
            if termination.on < window.natural_end_on:
                window = OrderWindow(window.made_on, window.length_months, termination.on, None)
    for i, (event, kind) in enumerate(zip(events, kinds, strict=True)):
        if kind is None or kind == "termination":
            continue
        ref = _REFS[i] if i < _REF_COUNT else f"events[{i}]"
        if window is not None and (plain := _PLAIN_READERS.get(kind)) is not None:
            read = plain(event, window, ref)
            if read is not None:
                found[kind].append(read)
                continue
        event_check = check.child(ref)
        if kind == "conviction":
            _read_conviction(event_check, event, referred_on)
        elif window is None:
            event_check.add("type", f"a {kind} event needs an Order, and this case has none")
        elif kind == "review_report":
            if dues is None:
                dues = scheduled_review_dues(intensity or "", window.made_on, window.length_months)
            _read_review_report(event_check, event, window, dues, reported)
        else:
            read = _read_event(event_check, kind, event, window, ref)
            if read is not None:
                found[kind].append(read)
    return found


def _ref(index: int) -> str:
    return _REFS[index] if index < _REF_COUNT else f"events[{index}]"


def timeline_from_case(
    case: Any, path: str = "cases[0]", *, seen: set[str] | None = None
) -> CaseTimeline | None:
    """One case object as a timeline; ``None`` for a case without an Order.

    A case that breaks any rule the services and the importer enforce (docs/case-format.md,
    "What is refused") raises :class:`CaseFileError` naming the first bad field. ``seen``
    holds the references of the cases read before this one in the same file.
    """
    if not isinstance(case, dict):
        raise CaseFileError(path, f"must be an object, got {type(case).__name__}")
    check = Checker(path)
    reference = check_reference(
        check, "reference", case.get("reference"), in_use=seen or (), in_use_by=IN_FILE
    )
    if reference is not None and seen is not None:
        seen.add(reference)
    born, referred_on = _read_person_and_referral(check, case)
    terms = case.get("order")
    window = None
    if terms is not None and not isinstance(terms, dict):
        check.add("order", f"must be an object or null, got {type(terms).__name__}")
    elif terms is not None:
        order_check = check.child("order")
        window = check_order(
            order_check,
            made_on=terms.get("made_on"),
            length_months=terms.get("length_months"),
            intensity=terms.get("intensity"),
            born=born,
            referred_on=referred_on,
            today=None,
            text_allowed=False,
        )
        for key in ("court", "team", "treatment_provider", "case_manager"):
            # Who and where are checked against the database on import; here only as text.
            check_text(order_check, key, terms.get(key), max_length=150)
        _check_order_follows_assessment(order_check, case, terms)
    events = _list(check, "events", case.get("events", []))
    if terms is not None and window is None:
        _refuse(check)  # nothing to check the events against
    found = _read_events(
        check,
        events,
        window,
        referred_on,
        terms.get("intensity") if isinstance(terms, dict) else None,
    )
    _refuse(check)
    if window is None or reference is None:
        return None
    termination = found["termination"]
    return CaseTimeline(
        reference=reference,
        order=OrderTerms(window.made_on, window.length_months, terms["intensity"]),  # type: ignore[index]
        appointments=tuple(found["appointment"]),
        tests=tuple(found["test"]),
        warnings=tuple(found["warning"]),
        breaches=tuple(found["breach"]),
        reviews=tuple(found["review"]),
        contact_levels=tuple(found["contact_level"]),
        suspensions=tuple(found["suspension"]),
        termination=termination[0] if termination else None,
    )


def timelines_from_document(document: Mapping[str, Any]) -> list[CaseTimeline]:
    """Every case with an Order in a ``dtto-case/1`` document, in file order.

    All or nothing, as the importer: one case that is refused refuses the document.
    """
    timelines = []
    seen: set[str] = set()
    for i, case in enumerate(check_header(document)):
        timeline = timeline_from_case(case, f"cases[{i}]", seen=seen)
        if timeline is not None:
            timelines.append(timeline)
    return timelines

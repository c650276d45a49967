"""Every check on a case record, as pure functions over plain values.

The services (the pages' path), the case-file importer and ``dtto evaluate`` all call these,
so a record one path refuses is refused by the others with the same message on the same
field. Each check takes plain values (dates, numbers, strings, and for code lists the codes
allowed with the day each was retired) and a :class:`Checker` that collects every problem;
none touches the database. The code lists themselves live in the database: the cases app
loads them and passes the allowed codes in. docs/case-format.md ("What is refused") lists
the rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property

from dtto.lib.dates import add_months, long_date, parse_iso_date

from .errors import Checker
from .rules import rule_set_for
from .timeline import (
    AFTERCARE_INTENSITIES,
    AFTERCARE_SETTINGS,
    APPOINTMENT_WITH,
    BREACH_OUTCOMES,
    CONTACT_ACTIVITIES,
    CONTACT_LEVELS,
    INTENSITIES,
    SERIOUSNESS_BANDS,
    TEST_OUTCOMES,
    TEST_RESULTS,
)

# The Crime and Disorder Act 1998, s.61: an Order lasts from six months to three years.
MIN_ORDER_MONTHS = 6
MAX_ORDER_MONTHS = 36
MAX_APPOINTMENT_HOURS = Decimal("12")
_HUNDREDTH = Decimal("0.01")
# Dates outside these years are typing errors, and would overflow the date arithmetic of an
# Order's weeks and reviews (year 9999 plus 36 months does not exist).
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2099, 12, 31)
# A case reference: what the case-file schema allows, so a reference recorded through a page
# can always be exported and imported again.
REFERENCE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*")
MAX_REFERENCE_LENGTH = 40
MAX_TEXT_LENGTH = 4000
# Messages a person reads on a page as well as an importer (GOV.UK style: say what to do).
HOURS_NOT_A_NUMBER = "Enter the hours as a number, like 2.5"
_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# A code list as the checks see it: each allowed code and the day it was retired, if it was.
KnownCodes = Mapping[str, dt.date | None]


def fmt(day: dt.date) -> str:
    """A day as a message shows it: "15 November 2026", the same to a page and an importer."""
    return long_date(day)


def shown(value: object) -> str:
    """A value as quoted in a message, cut short: a hostile file may hold megabytes in one.

    An object or a list is named, never quoted: it may be a whole case, with a person's
    details, given where one value was expected.
    """
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# Characters that no form can type and no report should print: the C0 controls other than
# tab, line feed and carriage return, DEL, and the C1 controls (a terminal or a spreadsheet
# may act on them: ESC starts a terminal escape sequence).
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# --- Plain values ------------------------------------------------------------------------------


def coerce_date(
    check: Checker, field: str, value: object, *, required: bool = True
) -> dt.date | None:
    """A date from a date or a ``YYYY-MM-DD`` string; records an error and returns None if not."""
    if value is None or value == "":
        if required:
            check.add(field, "is required")
        return None
    if isinstance(value, dt.datetime):
        check.add(field, f"must be a date, not a date and time: {shown(value)}")
        return None
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = parse_iso_date(value)
        except ValueError:
            if isinstance(value, str) and _DATE_FORM.fullmatch(value):
                check.add(field, f"must be a real date, got {shown(value)}")
            else:
                check.add(field, f"must be a date in the form YYYY-MM-DD, got {shown(value)}")
            return None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        check.add(
            field,
            f"must be in the years {EARLIEST_DAY.year} to {LATEST_DAY.year}",
        )
        return None
    return day


def coerce_hours(
    check: Checker, field: str, value: object, *, text_allowed: bool = True
) -> Decimal | None:
    """Contact hours: more than 0, at most 12, in hundredths of an hour at the finest.

    ``text_allowed``: a form gives hours as typed text; a case file must give a JSON number.
    """
    if (type(value) is float or type(value) is int) and 0 < value <= 12 and value * 100 % 1 == 0:
        # The common case, a JSON number of whole hundredths, without the text round trip.
        return Decimal(value).quantize(_HUNDREDTH)
    if isinstance(value, bool) or value is None or value == "":
        check.add(field, HOURS_NOT_A_NUMBER)
        return None
    if not isinstance(value, int | float | Decimal) and not (
        text_allowed and isinstance(value, str)
    ):
        check.add(field, HOURS_NOT_A_NUMBER)
        return None
    try:
        hours = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        check.add(field, HOURS_NOT_A_NUMBER)
        return None
    if not hours.is_finite():
        check.add(field, HOURS_NOT_A_NUMBER)
        return None
    if hours <= 0:
        check.add(field, "Enter hours more than 0, like 2.5")
        return None
    if hours > MAX_APPOINTMENT_HOURS:
        check.add(
            field,
            f"Enter at most {MAX_APPOINTMENT_HOURS} hours for one appointment",
        )
        return None
    if hours != hours.quantize(_HUNDREDTH):
        check.add(field, "Enter the hours to at most two decimal places, like 1.25")
        return None
    return hours.quantize(_HUNDREDTH)


def coerce_length(
    check: Checker, field: str, value: object, *, text_allowed: bool = True
) -> int | None:
    """An Order's length: a whole number of months from 6 to 36 (the Act's limits).

    ``text_allowed``: a form gives the length as typed text; a case file as a JSON number.
    """
    if text_allowed and isinstance(value, str) and value.strip().isdigit() and len(value) < 10:
        value = int(value)  # as typed into a form
    if isinstance(value, bool) or not isinstance(value, int):
        check.add(field, "Enter the length as a whole number of months, like 12")
        return None
    if not MIN_ORDER_MONTHS <= value <= MAX_ORDER_MONTHS:
        check.add(
            field,
            f"Enter a length from {MIN_ORDER_MONTHS} to {MAX_ORDER_MONTHS} months: an Order lasts"
            f" at least {MIN_ORDER_MONTHS} months and at most 3 years",
        )
        return None
    return value


def check_text(
    check: Checker,
    field: str,
    value: object,
    *,
    required: bool = False,
    max_length: int = MAX_TEXT_LENGTH,
) -> str:
    """Free text: a string without NUL characters or unpaired surrogates, which no database
    column or UTF-8 output can hold, nor control characters other than tab and line breaks.
    Returns it stripped, or "" when refused or absent."""
    if value is None or value == "":
        if required:
            check.add(field, "is required")
        return ""
    if not isinstance(value, str):
        check.add(field, f"must be text, got {shown(value)}")
        return ""
    if "\x00" in value:
        check.add(field, "must not contain a NUL character")
        return ""
    control = _CONTROL.search(value)
    if control is not None:
        check.add(
            field,
            f"must not contain control characters, found U+{ord(control.group()):04X} "
            f"at character {control.start() + 1}",
        )
        return ""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        check.add(field, "is not valid Unicode text (an unpaired surrogate)")
        return ""
    if len(value) > max_length:
        check.add(field, f"must be at most {max_length} characters, got {len(value)}")
        return ""
    stripped = value.strip()
    if required and not stripped:
        check.add(field, "is required")
    return stripped


def check_choice(check: Checker, field: str, value: object, allowed: Sequence[str]) -> str | None:
    """One of a fixed set of words (the Standard's vocabulary, not a code list)."""
    if isinstance(value, str) and value in allowed:
        return value
    if value is None or value == "":
        check.add(field, f"is required: one of {', '.join(allowed)}")
    else:
        check.add(field, f"must be one of {', '.join(allowed)}, got {shown(value)}")
    return None


def check_yes_no(check: Checker, field: str, value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    check.add(field, f"must be yes or no (true or false), got {shown(value)}")
    return None


def check_code(
    check: Checker,
    field: str,
    list_name: str,
    value: object,
    known: KnownCodes | None,
    *,
    on: dt.date | None,
    required: bool = True,
) -> str | None:
    """A code from a code list, usable on the day it is recorded for.

    ``known`` is every code of the list with the day it was retired (None if in use); None
    for ``known`` means the list is not at hand (``dtto evaluate`` has no database), so any
    code is taken.
    """
    if value is None or value == "":
        if required:
            check.add(field, f"is required: a code from the {list_name} list")
        return None
    if not isinstance(value, str):
        check.add(field, f"must be a code from the {list_name} list, got {shown(value)}")
        return None
    if known is None:
        return check_text(check, field, value, max_length=40) or None
    if value not in known:
        check.add(field, f"unknown code {shown(value)} in the {list_name} list")
        return None
    retired_on = known[value]
    if on is not None and retired_on is not None and on >= retired_on:
        check.add(
            field,
            f"code {value!r} was retired on {fmt(retired_on)} and cannot be used for {fmt(on)}",
        )
        return None
    return value


def check_code_meaning(
    check: Checker, field: str, code: str | None, meaning: str | None, outcome: str | None
) -> None:
    """A detailed outcome code agrees with the outcome word given beside it."""
    if code is not None and outcome is not None and meaning != outcome:
        check.add(field, f"{code} means {meaning}, but outcome is {outcome}")


def check_not_future(
    check: Checker, field: str, day: dt.date | None, today: dt.date | None
) -> None:
    """``today`` None: judged as of no particular day (``dtto evaluate``), so nothing is future."""
    if day is not None and today is not None and day > today:
        check.add(field, "must be today or in the past")


# --- The case and the person -------------------------------------------------------------------


def check_reference(
    check: Checker,
    field: str,
    value: object,
    *,
    in_use: Container[str] = (),
    in_use_by: str = "",
) -> str | None:
    """A case reference: letters, digits and ``_./-``, at most 40, not already in use.

    ``in_use_by`` says where it is used (" by an earlier case in this file").
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        check.add(field, "is required")
        return None
    if not isinstance(value, str):
        check.add(field, f"must be text, got {shown(value)}")
        return None
    reference = value.strip()
    if len(reference) > MAX_REFERENCE_LENGTH:
        check.add(field, f"must be at most {MAX_REFERENCE_LENGTH} characters")
        return None
    if not REFERENCE_PATTERN.fullmatch(reference):
        check.add(
            field,
            "must start with a letter or number and only include letters, numbers, full stops,"
            " slashes, hyphens and underscores",
        )
        return None
    if reference in in_use:
        check.add(field, f"{reference} is already in use{in_use_by}")
        return None
    return reference


def check_referral_dates(
    check: Checker,
    *,
    born_field: str,
    born: dt.date | None,
    referred_field: str,
    referred_on: dt.date | None,
    today: dt.date | None,
) -> None:
    check_not_future(check, referred_field, referred_on, today)
    if born is not None and referred_on is not None and born >= referred_on:
        check.add(born_field, f"must be before {fmt(referred_on)}, the date of the referral")


def check_assessment(
    check: Checker,
    referred_on: dt.date,
    today: dt.date | None,
    *,
    outcome: object,
    outcomes: Sequence[str],
    started_on: object,
    completed_on: object,
    reason: object,
    reason_lists: Mapping[str, tuple[str, KnownCodes]],
    recommended_intensity: object,
    suitable: str = "suitable",
) -> tuple[str | None, dt.date | None, dt.date | None, str | None]:
    """An assessment's outcome, dates and reason code.

    ``reason_lists`` names, for each outcome that takes a reason, the code list the reason
    comes from and its codes. Returns (outcome, started, completed, reason code).
    """
    chosen = check_choice(check, "outcome", outcome, outcomes)
    if chosen is None:
        return None, None, None, None
    started = coerce_date(check, "started_on", started_on, required=False)
    completed = coerce_date(check, "completed_on", completed_on, required=False)
    for field, day in (("started_on", started), ("completed_on", completed)):
        if day is not None and day < referred_on:
            check.add(field, f"must be on or after {fmt(referred_on)}, the date of the referral")
        check_not_future(check, field, day, today)
    if started and completed and completed < started:
        check.add(
            "completed_on", f"must be on or after {fmt(started)}, when the assessment started"
        )
    reason_code = None
    if chosen in reason_lists:
        list_name, known = reason_lists[chosen]
        reason_code = check_code(check, "reason", list_name, reason, known, on=completed or started)
    elif reason not in (None, ""):
        check.add("reason", "is only given when the person was not assessed or found unsuitable")
    if recommended_intensity not in ("", None) and recommended_intensity not in INTENSITIES:
        check.add(
            "recommended_intensity",
            f"must be higher or lower, got {shown(recommended_intensity)}",
        )
    elif recommended_intensity and chosen != suitable:
        check.add("recommended_intensity", "is only given when the person was found suitable")
    return chosen, started, completed, reason_code


# --- The Order -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderWindow:
    """The days an Order's events may fall on.

    ``today`` None judges as of no particular day (``dtto evaluate`` ignores later events
    itself), so no day is refused as future.
    """

    made_on: dt.date
    length_months: int
    terminated_on: dt.date | None
    today: dt.date | None

    @cached_property
    def natural_end_on(self) -> dt.date:
        return add_months(self.made_on, self.length_months)

    @cached_property
    def last_day(self) -> dt.date:
        if self.terminated_on is not None:
            return self.terminated_on
        return self.natural_end_on - dt.timedelta(days=1)

    def holds(self, day: dt.date, *, may_be_future: bool = False) -> bool:
        """Whether an event may fall on ``day``: :meth:`check_day` refuses exactly the days
        this says no to, and words why."""
        return self.made_on <= day <= self.last_day and (
            may_be_future or self.today is None or day <= self.today
        )

    def check_day(
        self, check: Checker, field: str, day: dt.date | None, *, may_be_future: bool = False
    ) -> None:
        if day is None or self.holds(day, may_be_future=may_be_future):
            return
        if day < self.made_on:
            check.add(field, f"must be on or after {fmt(self.made_on)}, when the Order was made")
        elif day > self.last_day:
            last = (
                "when the Order was terminated"
                if self.terminated_on is not None
                else "the last day of the Order"
            )
            check.add(field, f"must be on or before {fmt(self.last_day)}, {last}")
        elif not may_be_future:
            check_not_future(check, field, day, self.today)


def check_order_assessment(
    check: Checker,
    *,
    assessment_outcome: str | None,
    suitable: str,
    against_advice: object,
    reason: object,
) -> str:
    """An Order follows an assessment that found the person suitable, or says why not.

    The court may sentence against the assessment's advice (unsuitable, or not assessed);
    then that is recorded with the reason. With no assessment at all there is no advice to
    go against: the assessment is recorded first. Returns the reason, stripped.
    """
    why = check_text(check, "against_advice_reason", reason)
    if assessment_outcome is None:
        check.add(
            "against_assessment_advice",
            "Record the assessment of suitability before the Order",
        )
        return why
    if against_advice is not True and against_advice is not False:
        check_yes_no(check, "against_assessment_advice", against_advice)
        return why
    if assessment_outcome == suitable:
        if against_advice:
            check.add(
                "against_assessment_advice",
                "The assessment found the person suitable, so the Order is not against its advice",
            )
        return why
    if not against_advice:
        check.add(
            "against_assessment_advice",
            "The assessment did not find the person suitable: record the Order as made"
            " against the assessment's advice, and why",
        )
    elif not why:
        check.add(
            "against_advice_reason",
            "Enter why the court made the Order against the assessment's advice",
        )
    return why


def check_order(
    check: Checker,
    *,
    made_on: object,
    length_months: object,
    intensity: object,
    born: dt.date | None,
    referred_on: dt.date | None,
    today: dt.date | None,
    text_allowed: bool = True,
) -> OrderWindow | None:
    """The Order's terms; returns the window its events must fall in, if the terms are good."""
    made = coerce_date(check, "made_on", made_on)
    length = coerce_length(check, "length_months", length_months, text_allowed=text_allowed)
    check_choice(check, "intensity", intensity, INTENSITIES)
    check_not_future(check, "made_on", made, today)
    if made is not None and referred_on is not None and made < referred_on:
        check.add("made_on", f"must be on or after {fmt(referred_on)}, the date of the referral")
    if made is not None and born is not None and born >= made:
        check.add("made_on", f"must be after {fmt(born)}, the person's date of birth")
    if made is None or length is None:
        return None
    return OrderWindow(made, length, None, today)


@dataclass(frozen=True)
class StaffMember:
    """Who is named as an Order's case manager, as plain values."""

    name: str
    active: bool
    role: str
    area: str | None


def check_case_manager(
    check: Checker,
    field: str,
    member: StaffMember | None,
    *,
    given: object,
    case_area: str,
    case_manager_role: str,
    case_area_name: str | None = None,
) -> None:
    """An Order's case manager is an active case manager of the case's area (or nobody yet).

    ``given`` is the name as written, for the message when nobody has that name;
    ``case_area`` is the area's code and ``case_area_name`` how the message names it.
    """
    if given is None or given == "":
        return
    if member is None:
        check.add(field, f"no user called {shown(given)}")
    elif not (member.active and member.role == case_manager_role and member.area == case_area):
        area = case_area_name or case_area
        check.add(field, f"{member.name} is not an active case manager in {area}")


def check_in_area(
    check: Checker, field: str, *, name: str, area: str | None, case_area: str, case_area_name: str
) -> bool:
    """A court, team or treatment provider named on an Order belongs to the case's area."""
    if area is not None and area != case_area:
        check.add(field, f"{name} is not in {case_area_name}")
        return False
    return True


# --- Events on the Order -------------------------------------------------------------------


def check_appointment(
    check: Checker,
    window: OrderWindow,
    *,
    on: dt.date | None,
    hours: object,
    with_whom: object,
    has_outcome: bool,
    with_field: str = "with_whom",
    text_allowed: bool = True,
) -> Decimal | None:
    """An appointment: within the Order, 0-12 hours, with whom. Returns the hours.

    ``with_field`` is the field's name on the path in (``with`` in a case file).
    """
    contact_hours = coerce_hours(check, "hours", hours, text_allowed=text_allowed)
    check_choice(check, with_field, with_whom, APPOINTMENT_WITH)
    # Appointments may be arranged ahead, so only an outcome makes a future date wrong.
    window.check_day(check, "on", on, may_be_future=not has_outcome)
    return contact_hours


def check_test(
    check: Checker,
    day: dt.date | None,
    *,
    outcome: object,
    results: object,
    confirmed: object,
    admitted: object,
    substances: KnownCodes | None,
) -> tuple[list[tuple[str, str, bool | None]], list[str]]:
    """A drug test's outcome, results, confirmations and admitted use.

    Returns the (substance, result, confirmed) triples and the admitted substances.
    """
    chosen = check_choice(check, "outcome", outcome, TEST_OUTCOMES)
    results = {} if results is None else results
    confirmed = {} if confirmed is None else confirmed
    admitted = [] if admitted is None else admitted
    resolved: list[tuple[str, str, bool | None]] = []
    admitted_codes: list[str] = []
    if not isinstance(results, Mapping):
        check.add("results", f"must be substances with positive or negative, got {shown(results)}")
        results = {}
    if not isinstance(confirmed, Mapping):
        check.add("confirmed", f"must be substances with true or false, got {shown(confirmed)}")
        confirmed = {}
    if not isinstance(admitted, list | tuple):
        check.add("admitted", f"must be a list of substances, got {shown(admitted)}")
        admitted = []
    if chosen is not None and chosen != "sample" and results:
        check.add("results", "Results are recorded only when a sample was given")
    for substance, result in results.items():
        field = f"results.{substance}"
        code = check_code(check, field, "substance", substance, substances, on=day)
        if result not in TEST_RESULTS:
            check.add(field, f"must be positive or negative, got {shown(result)}")
        elif code is not None:
            resolved.append((code, result, confirmed.get(substance)))
    for substance, value in confirmed.items():
        field = f"confirmed.{substance}"
        if substance not in results:
            check.add(field, "confirms a substance the test has no result for")
        elif not check_confirmable(check, field, results[substance]):
            pass
        elif not isinstance(value, bool):
            check.add(field, f"must be true or false, got {shown(value)}")
    for i, substance in enumerate(admitted):
        code = check_code(check, f"admitted[{i}]", "substance", substance, substances, on=day)
        if code is not None:
            admitted_codes.append(code)
    if admitted_codes and chosen == "refused":
        check.add("admitted", "a refused test records no admitted use; record an admission instead")
    return resolved, admitted_codes


def check_confirmable(check: Checker, field: str, result: object) -> bool:
    """Only a positive result goes to the laboratory for confirmation."""
    if result != "positive":
        check.add(field, "only a positive result is sent for confirmation")
        return False
    return True


def check_outcome_day(check: Checker, field: str, day: dt.date, today: dt.date | None) -> None:
    """What happened at an appointment is recorded once its day has come."""
    if today is not None and day > today:
        check.add(field, f"the appointment on {fmt(day)} has not happened yet")


def check_breach_dates(
    check: Checker,
    breach_on: dt.date,
    today: dt.date | None,
    *,
    decided_on: dt.date | None = None,
    hearings: Iterable[tuple[str, dt.date | None]] = (),
    warrant_issued_on: dt.date | None = None,
    warrant_executed_on: dt.date | None = None,
) -> None:
    """A breach's later dates come after it, and none is in the future."""
    dated = [("decided_on", decided_on), *hearings, ("warrant_issued_on", warrant_issued_on)]
    for field, day in dated:
        if day is not None and day < breach_on:
            check.add(
                field, f"must be on or after {fmt(breach_on)}, when the breach was instigated"
            )
        check_not_future(check, field, day, today)
    if warrant_executed_on is not None:
        if warrant_issued_on is None:
            check.add("warrant_executed_on", "a warrant must be issued before it is executed")
        elif warrant_executed_on < warrant_issued_on:
            check.add(
                "warrant_executed_on",
                f"must be on or after {fmt(warrant_issued_on)}, when the warrant was issued",
            )
        check_not_future(check, "warrant_executed_on", warrant_executed_on, today)


def check_breach_outcome(
    check: Checker, outcome: object, decided_on: dt.date | None, *, decided_given: bool
) -> str | None:
    """The court's decision: a pending breach has no decision date, a decided one has one.

    ``decided_given`` is whether a decision date was written at all (a bad one has been
    reported already).
    """
    chosen = check_choice(check, "outcome", outcome, BREACH_OUTCOMES)
    if chosen == "pending" and decided_given:
        check.add("decided_on", "a pending breach has no decision date")
    elif chosen is not None and chosen != "pending" and not decided_given:
        check.add("decided_on", f"is required when the outcome is {chosen}")
    return chosen


def check_breach_decision(
    check: Checker,
    breach_on: dt.date,
    today: dt.date | None,
    *,
    decided_on: dt.date | None,
    meaning: str | None,
    already_decided_on: dt.date | None,
) -> None:
    """Deciding a recorded breach: once, on or after it, to something other than pending."""
    if meaning == "pending":
        check.add("outcome", "a decision cannot leave the breach pending")
    if already_decided_on is not None:
        check.add("decided_on", f"this breach was already decided on {fmt(already_decided_on)}")
    if decided_on is not None:
        check_breach_dates(check, breach_on, today, decided_on=decided_on)


def check_contact_level(
    check: Checker, window: OrderWindow, *, on: dt.date | None, level: object
) -> str | None:
    window.check_day(check, "on", on)
    return check_choice(check, "level", level, CONTACT_LEVELS)


def check_review(
    check: Checker, window: OrderWindow, *, on: dt.date | None, hearing: object
) -> bool | None:
    window.check_day(check, "on", on)
    return check_yes_no(check, "hearing", hearing)


def check_bench(check: Checker, *, hearing: bool | None, sat: Sequence[str]) -> None:
    """A review hearing names who sat: continuity of the bench is judged from it (3.26).

    Only pages and the API ask this; a case file may hold hearings from before dtto whose
    bench nobody wrote down.
    """
    if hearing and not any(name.strip() for name in sat):
        check.add("sat", "Enter who sat at the hearing, one name a line")


def check_suspension(
    check: Checker,
    window: OrderWindow,
    starts: dt.date | None,
    ends: dt.date | None,
    reason: object,
) -> str:
    """A suspension of the Standard starts within the Order and ends before its term does."""
    window.check_day(check, "from", starts)
    if ends is not None and starts is not None and ends < starts:
        check.add("to", f"must be on or after {fmt(starts)}, when the suspension starts")
    elif ends is not None and ends >= window.natural_end_on:
        last = window.natural_end_on - dt.timedelta(days=1)
        check.add("to", f"must be on or before {fmt(last)}, the last day of the Order's term")
    found = len(check.errors)
    text = check_text(check, "reason", reason)
    if not text and len(check.errors) == found:  # absent or blank, not refused as text
        check.add("reason", "is required: why the Standard is suspended")
    return text


def check_termination(
    check: Checker,
    window: OrderWindow,
    *,
    on: dt.date | None,
    reason: object,
    reasons: KnownCodes,
    onward_referral_on: dt.date | None,
    custody_handover_on: dt.date | None,
    already_terminated_on: dt.date | None = None,
    latest_event_on: dt.date | None = None,
) -> str | None:
    """Ending an Order: once, within it, after everything recorded on it, for a known reason;
    onward care and custody handover no earlier than the Order. Returns the reason code.
    """
    if already_terminated_on is not None:
        check.add("on", f"the Order was already terminated on {fmt(already_terminated_on)}")
        return None
    reason_code = check_code(check, "reason", "termination_reason", reason, reasons, on=on)
    window.check_day(check, "on", on)
    if on is not None and latest_event_on is not None and latest_event_on > on:
        check.add(
            "on",
            f"must be on or after {fmt(latest_event_on)}, the day of the latest event recorded"
            " on the Order",
        )
    for field, later in (
        ("onward_referral_on", onward_referral_on),
        ("custody_handover_on", custody_handover_on),
    ):
        check_not_future(check, field, later, window.today)
        if later is not None and later < window.made_on:
            check.add(field, f"must be on or after {fmt(window.made_on)}, when the Order was made")
    return reason_code


def check_conviction(
    check: Checker,
    today: dt.date | None,
    day: dt.date | None,
    offence_day: dt.date | None,
    seriousness: object = None,
) -> str:
    """A conviction, for an earlier offence: before the referral (offending before the Order,
    3.6-3.7) or after it (reconviction, even after the Order ended). Returns its seriousness
    band ("" when not given)."""
    check_not_future(check, "on", day, today)
    if offence_day is not None and day is not None and offence_day > day:
        check.add("offence_on", f"must be on or before {fmt(day)}, the date of conviction")
    return check_optional_choice(check, "seriousness", seriousness, SERIOUSNESS_BANDS)


# --- Issue 14: continuity of care, the pre-sentence report, activities, feedback, spending -----


def check_optional_choice(check: Checker, field: str, value: object, allowed: Sequence[str]) -> str:
    """One of a fixed set of words, or nothing (returned as "")."""
    if value is None or value == "":
        return ""
    return check_choice(check, field, value, allowed) or ""


def check_activity(check: Checker, field: str, value: object) -> str:
    """What a contact was for (3.21-3.24): treatment, offence-focused work or lifestyle."""
    return check_optional_choice(check, field, value, CONTACT_ACTIVITIES)


def check_pre_sentence_report(
    check: Checker,
    referred_on: dt.date,
    today: dt.date | None,
    *,
    requested_on: object,
    adjourned_on: object,
    delivered_on: object,
) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    """The pre-sentence report (Figure 4): requested, the court adjourned for assessment, and
    delivered; each on or after the referral and not in the future, delivered not before
    requested. Returns (requested, adjourned, delivered)."""
    requested = coerce_date(check, "psr_requested_on", requested_on, required=False)
    adjourned = coerce_date(check, "adjourned_on", adjourned_on, required=False)
    delivered = coerce_date(check, "psr_delivered_on", delivered_on, required=False)
    for field, day in (
        ("psr_requested_on", requested),
        ("adjourned_on", adjourned),
        ("psr_delivered_on", delivered),
    ):
        if day is not None and day < referred_on:
            check.add(field, f"must be on or after {fmt(referred_on)}, the date of the referral")
        check_not_future(check, field, day, today)
    if requested is not None and delivered is not None and delivered < requested:
        check.add(
            "psr_delivered_on",
            f"must be on or after {fmt(requested)}, when the report was requested",
        )
    return requested, adjourned, delivered


# The unsuitable_reason code for mental health (2.15): only then is a health assessment asked for.
MENTAL_HEALTH_REASON = "mental_health"


def check_health_assessment(
    check: Checker, outcome: str | None, reason: str | None, value: object
) -> bool | None:
    """Whether a health assessment was recommended: given only for a person found unsuitable
    on mental-health grounds (recommendations iii-iv, 2.15)."""
    if value is None or value == "":
        return None
    recommended = check_yes_no(check, "health_assessment_recommended", value)
    if recommended is not None and (outcome != "unsuitable" or reason != MENTAL_HEALTH_REASON):
        check.add(
            "health_assessment_recommended",
            "is only given when the person was found unsuitable on mental-health grounds",
        )
        return None
    return recommended


def check_aftercare(
    check: Checker,
    *,
    ended_on: dt.date,
    today: dt.date | None,
    treatment_started_on: object,
    treatment_setting: object,
    treatment_intensity: object,
    custody_handover_on: dt.date | None,
    custody_handover_received_on: object,
) -> tuple[dt.date | None, str, str, dt.date | None]:
    """Treatment begun after the Order ended (3.30), and the prison's receipt of the handover.

    Treatment starts on or after the day the Order ended, with a setting and an intensity
    only when it started; the handover is received on or after it was sent, and only if
    one was sent. Returns (started, setting, intensity, received).
    """
    started = coerce_date(check, "treatment_started_on", treatment_started_on, required=False)
    setting = check_optional_choice(
        check, "treatment_setting", treatment_setting, AFTERCARE_SETTINGS
    )
    intensity = check_optional_choice(
        check, "treatment_intensity", treatment_intensity, AFTERCARE_INTENSITIES
    )
    received = coerce_date(
        check, "custody_handover_received_on", custody_handover_received_on, required=False
    )
    if started is not None and started < ended_on:
        check.add(
            "treatment_started_on", f"must be on or after {fmt(ended_on)}, when the Order ended"
        )
    check_not_future(check, "treatment_started_on", started, today)
    if started is None:
        for field, value in (("treatment_setting", setting), ("treatment_intensity", intensity)):
            if value:
                check.add(field, "is only given when treatment started (treatment_started_on)")
    if received is not None:
        check_not_future(check, "custody_handover_received_on", received, today)
        if custody_handover_on is None:
            check.add(
                "custody_handover_received_on",
                "is only given when the treatment record was handed over (custody_handover_on)",
            )
        elif received < custody_handover_on:
            check.add(
                "custody_handover_received_on",
                f"must be on or after {fmt(custody_handover_on)}, when the record was handed over",
            )
    return started, setting, intensity, received


# How the court found a review report (Appendix 1 standard 7: sentencers' views).
COURT_FEEDBACK = ("useful", "partly_useful", "not_useful")


def check_court_feedback(
    check: Checker,
    *,
    sent_on: dt.date | None,
    today: dt.date | None,
    on: object,
    feedback: object,
    notes: object,
) -> tuple[dt.date | None, str | None, str]:
    """A court's feedback on a review report it was sent: on or after it was sent, not in
    the future. Returns (on, feedback, notes)."""
    day = coerce_date(check, "on", on)
    rating = check_choice(check, "feedback", feedback, COURT_FEEDBACK)
    text = check_text(check, "notes", notes)
    if sent_on is None:
        check.add("feedback", "the report has not been sent to the court yet")
    elif day is not None and day < sent_on:
        check.add("on", f"must be on or after {fmt(sent_on)}, when the report was sent")
    check_not_future(check, "on", day, today)
    return day, rating, text


# The case manager's assessment is what the court most needs from a report: it is sent with one.
REPORT_SEND_NEEDS = ("assessment", "the case manager's assessment of attitude and response")
REPORT_STATUSES = ("draft", "sent")
# The sections of a review report, as the case manager and the provider write them.
REPORT_SECTIONS = ("tests_summary", "attendance_summary", "provider_view", "assessment", "proposal")


def scheduled_review_dues(
    intensity: str, made_on: dt.date, length_months: int
) -> frozenset[dt.date]:
    """The days the Standard schedules the Order's reviews (Figure 4; 2.14), before its term
    ends; empty when no rule set judges an Order of this intensity made that day."""
    try:
        rules = rule_set_for(intensity, made_on)
    except ValueError:
        return frozenset()
    return frozenset(rules.review_dues(made_on, length_months))


def check_review_due(
    check: Checker, field: str, review_due: dt.date | None, due_dates: Container[dt.date]
) -> None:
    """A review report is for one of the reviews due on the Order."""
    if review_due is not None and review_due not in due_dates:
        check.add(field, f"no review is due on {fmt(review_due)} for this Order")


def check_report_sendable(check: Checker, *, assessment: str) -> None:
    """A review report goes to the court only with the case manager's assessment."""
    field, label = REPORT_SEND_NEEDS
    if not assessment.strip():
        check.add(field, f"is required before sending the report: {label}")


def check_review_report(
    check: Checker,
    window: OrderWindow,
    *,
    review_due: dt.date | None,
    period_from: dt.date | None,
    period_to: dt.date | None,
    status: object,
    sent_on: dt.date | None,
    sections: Mapping[str, object],
    court_feedback: Mapping[str, object] | None,
    due_dates: Container[dt.date],
    reported_dues: Container[dt.date] = (),
) -> tuple[str | None, dict[str, str], tuple[dt.date | None, str | None, str] | None]:
    """A review report as a case file holds it: for a review due within the Order (one of
    ``due_dates``), once per review; its period in order; sent (with its day, not before the Order nor in the future,
    and with the assessment :func:`check_report_sendable` asks for) or a draft (no day); the
    court's feedback only on a sent report, by :func:`check_court_feedback`, as the page
    records it. Returns (status, sections, feedback as (on, feedback, notes) or None)."""
    # A report is drafted ahead of its review, so the review may still be to come.
    found = len(check.errors)
    window.check_day(check, "review_due", review_due, may_be_future=True)
    if len(check.errors) == found:  # within the Order: is a review due that day?
        check_review_due(check, "review_due", review_due, due_dates)
    if review_due is not None and review_due in reported_dues:
        check.add("review_due", f"a report for the review due {fmt(review_due)} is already given")
    if period_from is not None and period_to is not None and period_to < period_from:
        check.add("period_to", f"must be on or after {fmt(period_from)}, when the period starts")
    chosen = check_choice(check, "status", status, REPORT_STATUSES)
    texts = {name: check_text(check, name, sections.get(name)) for name in REPORT_SECTIONS}
    if chosen == "sent":
        if sent_on is None:
            check.add("sent_on", "is required for a report sent to the court")
        else:
            check_not_future(check, "sent_on", sent_on, window.today)
            if sent_on < window.made_on:
                check.add(
                    "sent_on",
                    f"must be on or after {fmt(window.made_on)}, when the Order was made",
                )
        check_report_sendable(check, assessment=texts["assessment"])
    elif chosen == "draft" and sent_on is not None:
        check.add("sent_on", "is only given for a report sent to the court (status sent)")
    feedback = None
    if court_feedback is not None:
        feedback = check_court_feedback(
            check.child("court_feedback"),
            sent_on=sent_on if chosen == "sent" else None,
            today=window.today,
            on=court_feedback.get("on"),
            feedback=court_feedback.get("feedback"),
            notes=court_feedback.get("notes"),
        )
    return chosen, texts, feedback


# What an area spends on the Order, by heading (3.32-3.33, Appendix 1 standard 5).
SPENDING_HEADINGS = ("supervision", "treatment", "testing", "enforcement", "other")
MAX_SPEND = Decimal("1000000000")


def check_spending(
    check: Checker, *, financial_year: object, heading: object, amount: object
) -> tuple[int | None, str | None, Decimal | None]:
    """One heading of an area's spending in a financial year (April to March, named by the
    year it starts in): pounds and pence, not negative. Returns (year, heading, amount)."""
    year: int | None = None
    if isinstance(financial_year, str) and financial_year.strip().isdigit():
        financial_year = int(financial_year)
    if isinstance(financial_year, bool) or not isinstance(financial_year, int):
        check.add("financial_year", f"must be a year such as 2003, got {shown(financial_year)}")
    elif not EARLIEST_DAY.year <= financial_year < LATEST_DAY.year:
        check.add(
            "financial_year", f"must be a year from {EARLIEST_DAY.year} to {LATEST_DAY.year - 1}"
        )
    else:
        year = financial_year
    chosen = check_choice(check, "heading", heading, SPENDING_HEADINGS)
    money: Decimal | None = None
    try:
        if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal | str):
            raise InvalidOperation
        money = Decimal(str(amount).replace(",", "").replace("£", "").strip())
        if not money.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        check.add("amount", f"Enter the amount in pounds, like 125000.50, got {shown(amount)}")
        return year, chosen, None
    if money < 0:
        check.add("amount", f"must not be negative, got {shown(amount)}")
        money = None
    elif money >= MAX_SPEND:
        check.add("amount", f"must be less than £{MAX_SPEND:,}, got {shown(amount)}")
        money = None
    elif money != money.quantize(_HUNDREDTH):
        check.add(
            "amount", f"must be in pounds and pence (two decimal places), got {shown(amount)}"
        )
        money = None
    return year, chosen, money

"""The domain events dtto publishes: one code list, with what each means and carries.

``emit`` refuses a type not listed here and a payload whose fields differ from the ones
listed; ``docs/events.md`` describes the same entries (a test keeps the two together). No
Django import: the catalogue is data.

Payloads hold references and codes only, never a name, a date of birth, an address, free
text or a drug test's per-substance results (docs/decisions/0008-domain-events-outbox.md).
"""

from __future__ import annotations

from dataclasses import dataclass

# What a payload value may be. Every kind is a code, a reference, a number, a date or a flag:
# there is deliberately no "text".
CODE = "code"
DATE = "date"
NUMBER = "number"
DECIMAL = "decimal"
FLAG = "flag"
KINDS = (CODE, DATE, NUMBER, DECIMAL, FLAG)
# Codes in dtto's code lists are at most 40 characters; a longer string is not a code.
CODE_MAX_LENGTH = 40


@dataclass(frozen=True)
class PayloadField:
    name: str
    kind: str  # one of KINDS
    description: str
    optional: bool = False  # may be null


@dataclass(frozen=True)
class EventType:
    code: str
    written_when: str
    records: tuple[str, ...]  # the kinds of record the event may name (none for a batch)
    occurred_on: str  # which day of the record the event's occurred_on is
    payload: tuple[PayloadField, ...] = ()

    @property
    def field_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.payload)


ORDER_MADE = "order.made"
APPOINTMENT_RECORDED = "appointment.recorded"
DRUG_TEST_RECORDED = "drug-test.recorded"
FAILURE_RECORDED = "failure.recorded"
WARNING_GIVEN = "warning.given"
BREACH_INSTIGATED = "breach.instigated"
BREACH_DECIDED = "breach.decided"
REVIEW_HELD = "review.held"
ORDER_TERMINATED = "order.terminated"
ONWARD_CARE_REFERRED = "onward-care.referred"
CASES_IMPORTED = "cases.imported"

# How an event names its record, by the case model's class name: public words, not tables.
RECORD_TYPES = {
    "Order": "order",
    "Appointment": "appointment",
    "DrugTest": "drug_test",
    "FormalWarning": "formal_warning",
    "Breach": "breach",
    "CourtReview": "court_review",
    "Termination": "termination",
}

# Why a record's event was written: the record was new, or something on it was recorded later.
APPOINTMENT_CHANGES = ("arranged", "outcome_recorded")
DRUG_TEST_CHANGES = ("recorded", "result_confirmed")

CATALOGUE: tuple[EventType, ...] = (
    EventType(
        ORDER_MADE,
        "The court made a DTTO on a case (the Order was recorded).",
        records=("order",),
        occurred_on="the day the Order was made",
        payload=(
            PayloadField("intensity", CODE, "higher or lower"),
            PayloadField("length_months", NUMBER, "the Order's length in months"),
            PayloadField("natural_end_on", DATE, "the first day after the Order's term"),
            PayloadField("area", CODE, "the probation area's code"),
            PayloadField("court", CODE, "the sentencing court's code", optional=True),
            PayloadField("team", CODE, "the supervising team's code", optional=True),
            PayloadField(
                "treatment_provider", CODE, "the treatment provider's code", optional=True
            ),
        ),
    ),
    EventType(
        APPOINTMENT_RECORDED,
        "An appointment was arranged (perhaps with its outcome), or its outcome was recorded"
        " or corrected later.",
        records=("appointment",),
        occurred_on="the day of the appointment",
        payload=(
            PayloadField("change", CODE, "arranged or outcome_recorded"),
            PayloadField("with_whom", CODE, "probation, treatment or other"),
            PayloadField("hours", DECIMAL, "the contact hours arranged, as a decimal string"),
            PayloadField("kind", CODE, "the appointment kind code", optional=True),
            PayloadField(
                "outcome", CODE, "the attendance outcome code (ATTC, UAAB...)", optional=True
            ),
            PayloadField(
                "activity",
                CODE,
                "what the contact is for: treatment, offence_focused or lifestyle",
                optional=True,
            ),
        ),
    ),
    EventType(
        DRUG_TEST_RECORDED,
        "A drug test was recorded (a sample, a written admission or a refusal), or the"
        " laboratory's confirmation of a positive result was recorded on it.",
        records=("drug_test",),
        occurred_on="the day of the test",
        payload=(
            PayloadField("change", CODE, "recorded or result_confirmed"),
            PayloadField("outcome", CODE, "sample, admission or refused"),
        ),
    ),
    EventType(
        FAILURE_RECORDED,
        "A day became an unacceptable failure on the Order (Figure 21 of the source: missed"
        " appointments on one day are one failure; a refused sample is always one). Written"
        " once per Order and day, with the record that made it so, in the same transaction.",
        records=("appointment", "drug_test"),
        occurred_on="the day of the failure",
        payload=(
            PayloadField(
                "reason",
                CODE,
                "the attendance outcome code of the appointment (UAAB, or the code meaning"
                " failed to comply), or refused for a drug test",
            ),
        ),
    ),
    EventType(
        WARNING_GIVEN,
        "A formal warning was given after an unacceptable failure.",
        records=("formal_warning",),
        occurred_on="the day the warning was given",
    ),
    EventType(
        BREACH_INSTIGATED,
        "Breach action was instigated; the court's decision is pending.",
        records=("breach",),
        occurred_on="the day breach action was instigated",
    ),
    EventType(
        BREACH_DECIDED,
        "The court decided a breach: the Order continued (perhaps made more onerous) or was"
        " revoked.",
        records=("breach",),
        occurred_on="the day of the decision",
        payload=(
            PayloadField("outcome", CODE, "the breach outcome code"),
            PayloadField("instigated_on", DATE, "the day breach action was instigated"),
        ),
    ),
    EventType(
        REVIEW_HELD,
        "The court held a review of the Order.",
        records=("court_review",),
        occurred_on="the day of the review",
        payload=(PayloadField("hearing", FLAG, "true if held at a hearing"),),
    ),
    EventType(
        ORDER_TERMINATED,
        "The Order ended.",
        records=("termination",),
        occurred_on="the day the Order ended",
        payload=(
            PayloadField("reason", CODE, "the termination reason code"),
            PayloadField(
                "custody_handover_on",
                DATE,
                "the day of the handover to prison drug services",
                optional=True,
            ),
        ),
    ),
    EventType(
        ONWARD_CARE_REFERRED,
        "The person was referred for onward treatment when the Order ended (continuity of"
        " care, 3.30 of the source). Written with order.terminated, just after it.",
        records=("termination",),
        occurred_on="the day of the onward referral",
        payload=(PayloadField("terminated_on", DATE, "the day the Order ended"),),
    ),
    EventType(
        CASES_IMPORTED,
        "Case files were imported: one event for the whole import, not one per historical"
        " record. Subscribers read the imported cases through the API.",
        records=(),
        occurred_on="none (null)",
        payload=(
            PayloadField("cases", NUMBER, "how many cases were imported"),
            PayloadField("orders", NUMBER, "how many of them had an Order"),
            PayloadField("records", NUMBER, "how many dated records they held in all"),
        ),
    ),
)

EVENT_TYPES: dict[str, EventType] = {event.code: event for event in CATALOGUE}
# The longest code, for the model's column.
TYPE_MAX_LENGTH = 40
assert all(len(code) <= TYPE_MAX_LENGTH for code in EVENT_TYPES)

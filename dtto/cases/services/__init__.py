"""Every change to a case record: one function per thing a user does, by part of the domain.

Each service checks its preconditions with the pure checks of dtto.standards.validation
(raising ``RecordInvalid`` naming the field, with nothing changed), does its work in one
transaction, writes one audit event, and tells listeners which Orders changed. Views, the
API, importers and commands call these; they never save case models themselves.
"""

from __future__ import annotations

from dtto.cases.services.attendance import record_appointment, record_attendance
from dtto.cases.services.common import By, audit_record, save_change, snapshot
from dtto.cases.services.enforcement import (
    decide_breach,
    give_warning,
    instigate_breach,
    record_breach_hearing,
    record_warrant,
)
from dtto.cases.services.order import assign_case_manager, make_order
from dtto.cases.services.referral import record_assessment, register_referral
from dtto.cases.services.reviews import change_contact_level, record_review, suspend_standard
from dtto.cases.services.termination import (
    latest_event_day,
    record_aftercare,
    record_conviction,
    terminate_order,
)
from dtto.cases.services.testing import confirm_test_result, correct_test, record_test

__all__ = [
    "By",
    "assign_case_manager",
    "audit_record",
    "change_contact_level",
    "confirm_test_result",
    "correct_test",
    "decide_breach",
    "give_warning",
    "instigate_breach",
    "latest_event_day",
    "make_order",
    "record_aftercare",
    "record_appointment",
    "record_assessment",
    "record_attendance",
    "record_breach_hearing",
    "record_conviction",
    "record_review",
    "record_test",
    "record_warrant",
    "register_referral",
    "save_change",
    "snapshot",
    "suspend_standard",
    "terminate_order",
]

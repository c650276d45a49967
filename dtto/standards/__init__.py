"""The National Standard as executable rules: rule sets as data, pure evaluation.

Nothing here imports Django (a test enforces it): the cases app and the case-file reader
both turn their records into :class:`CaseTimeline` and call :func:`evaluate`.
"""

from __future__ import annotations

from dtto.caseformat import CaseFileError

from .calendar import add_working_days, is_working_day
from .casefile import timeline_from_case, timelines_from_document
from .engine import (
    EVALUATION_FORMAT,
    Evaluation,
    FailureFinding,
    FirstAppointmentFinding,
    PhaseCompliance,
    ReviewFinding,
    TerminationFinding,
    WeekSummary,
    add_months,
    evaluate,
    evaluation_document,
)
from .findings import DatedFinding, dated_findings
from .rules import RULE_SETS, ContactMinimum, RuleSet, rule_set_for
from .timeline import (
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

__all__ = [
    "EVALUATION_FORMAT",
    "RULE_SETS",
    "Appointment",
    "Breach",
    "CaseFileError",
    "CaseTimeline",
    "ContactLevel",
    "ContactMinimum",
    "DatedFinding",
    "DrugTest",
    "Evaluation",
    "FailureFinding",
    "FirstAppointmentFinding",
    "FormalWarning",
    "OrderTerms",
    "PhaseCompliance",
    "Review",
    "ReviewFinding",
    "RuleSet",
    "Suspension",
    "Termination",
    "TerminationFinding",
    "WeekSummary",
    "add_months",
    "add_working_days",
    "dated_findings",
    "evaluate",
    "evaluation_document",
    "is_working_day",
    "rule_set_for",
    "timeline_from_case",
    "timelines_from_document",
]

"""Changes to review reports: draft, edit, add the provider's view, send. Each audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from dtto.accounts import permissions
from dtto.audit.services import Actor
from dtto.cases.models import Order, ReviewReport
from dtto.cases.review_reports import draft_text, long_date
from dtto.cases.services import By, audit_record, save_change, snapshot
from dtto.cases.timeline import evaluate_order
from dtto.standards.errors import Checker, RecordInvalid, checked
from dtto.standards.validation import (
    check_court_feedback,
    check_report_sendable,
    check_review_due,
)

# The case manager's sections. The provider's view is not among them: only the treatment
# provider writes it (add_provider_view).
EDITABLE = ("tests_summary", "attendance_summary", "assessment", "proposal")


def _today(today: dt.date | None) -> dt.date:
    return today if today is not None else timezone.localdate()


def draft_review_report(
    order: Order, *, by: By, review_due: dt.date, today: dt.date | None = None
) -> ReviewReport:
    """Draft the progress report for one of the reviews the Standard asks for."""
    today = _today(today)
    check = Checker()
    check_review_due(
        check, "review_due", review_due, {r.due for r in evaluate_order(order, today).reviews}
    )
    check.raise_if_any()
    try:
        with transaction.atomic():
            report = ReviewReport.objects.create(
                order=order, review_due=review_due, **draft_text(order, review_due, today)
            )
            audit_record(
                by, "cases.review_report.drafted", report, order.case, after=snapshot(report)
            )
    except IntegrityError:
        raise RecordInvalid.one(
            "review_due", f"a report for the review due {long_date(review_due)} already exists"
        ) from None
    return report


def _must_be_draft(report: ReviewReport) -> None:
    if report.status != ReviewReport.Status.DRAFT:
        raise RecordInvalid.one(
            "status",
            f"the report was sent to the court on {long_date(report.sent_on or report.review_due)} and cannot change",
        )


def edit_review_report(
    report: ReviewReport, *, by: By, loaded_version: int | None = None, **fields: Any
) -> ReviewReport:
    """The case manager's edits to a draft."""
    unknown = set(fields) - set(EDITABLE)
    if "provider_view" in unknown:
        raise RecordInvalid.one("provider_view", _PROVIDER_ONLY)
    if unknown:
        raise RecordInvalid.one(sorted(unknown)[0], "cannot be edited")
    return _save_draft(report, by, "cases.review_report.edited", loaded_version, **fields)


_PROVIDER_ONLY = "is written only by the Order's treatment provider"


def add_provider_view(
    report: ReviewReport, *, by: By, provider_view: str, loaded_version: int | None = None
) -> ReviewReport:
    """The treatment provider's view, written by a treatment worker of the Order's provider."""
    user = by.user if isinstance(by, Actor) else by
    if user is None or not permissions.writes_provider_view(user, report.order):
        raise RecordInvalid.one("provider_view", _PROVIDER_ONLY)
    if not (provider_view or "").strip():
        raise RecordInvalid.one("provider_view", "is required: the provider's view for the court")
    return _save_draft(
        report,
        by,
        "cases.review_report.provider_view_added",
        loaded_version,
        provider_view=provider_view,
    )


def _save_draft(
    report: ReviewReport, by: By, action: str, loaded_version: int | None, **fields: Any
) -> ReviewReport:
    with transaction.atomic():
        report = (
            ReviewReport.objects.select_for_update().select_related("order__case").get(pk=report.pk)
        )
        _must_be_draft(report)
        cleaned: dict[str, Any] = {name: (value or "").strip() for name, value in fields.items()}
        save_change(by, action, report, report.order.case, loaded_version=loaded_version, **cleaned)
    return report


def send_review_report(
    report: ReviewReport, *, by: By, today: dt.date | None = None
) -> ReviewReport:
    """Send the report to the court; it cannot change after."""
    today = _today(today)
    with transaction.atomic():
        report = (
            ReviewReport.objects.select_for_update().select_related("order__case").get(pk=report.pk)
        )
        _must_be_draft(report)
        # The same check an imported case file's sent report passes (dtto.standards.validation).
        check = Checker()
        check_report_sendable(check, assessment=report.assessment)
        check.raise_if_any()
        save_change(
            by,
            "cases.review_report.sent",
            report,
            report.order.case,
            status=ReviewReport.Status.SENT,
            sent_on=today,
        )
    return report


def reopen_review_report(
    report: ReviewReport, *, by: By, reason: str, loaded_version: int | None = None
) -> ReviewReport:
    """Take a sent report back to draft to correct it; the court sees it again once re-sent.

    The reason is kept on the audit trail with the report as it was sent, so what the court
    was first given can always be shown.
    """
    if not (reason or "").strip():
        raise RecordInvalid.one("reason", "is required: what needs correcting")
    with transaction.atomic():
        report = (
            ReviewReport.objects.select_for_update().select_related("order__case").get(pk=report.pk)
        )
        if report.status != ReviewReport.Status.SENT:
            raise RecordInvalid.one("status", "only a report sent to the court can be reopened")
        save_change(
            by,
            "cases.review_report.reopened",
            report,
            report.order.case,
            detail={"reason": reason.strip()},
            loaded_version=loaded_version,
            status=ReviewReport.Status.DRAFT,
            sent_on=None,
            # The court's view was of the report as it was sent, which is withdrawn for
            # correction; the audit trail keeps both. A report's feedback is only ever on the
            # report as last sent (dtto.standards.validation.check_court_feedback).
            court_feedback="",
            court_feedback_notes="",
            court_feedback_on=None,
        )
    return report


def record_court_feedback(
    report: ReviewReport,
    *,
    by: By,
    feedback: str,
    notes: str = "",
    on: dt.date | str | None = None,
    today: dt.date | None = None,
) -> ReviewReport:
    """The court's view of a review report it was sent (useful, partly useful, not useful),
    given by a user of the Order's court; a later view replaces an earlier one."""
    today = _today(today)
    user = by.user if isinstance(by, Actor) else by
    if user is None or not permissions.writes_court_feedback(user, report):
        raise RecordInvalid.one(
            "feedback", "Only the court that made the Order gives its view of the report"
        )
    check = Checker()
    with transaction.atomic():
        report = (
            ReviewReport.objects.select_for_update().select_related("order__case").get(pk=report.pk)
        )
        day, rating, text = check_court_feedback(
            check,
            sent_on=report.sent_on if report.status == ReviewReport.Status.SENT else None,
            today=today,
            on=on if on is not None else today,
            feedback=feedback,
            notes=notes,
        )
        check.raise_if_any()
        save_change(
            by,
            "cases.review_report.court_feedback",
            report,
            report.order.case,
            court_feedback=checked(rating),
            court_feedback_notes=text,
            court_feedback_on=checked(day),
        )
    return report

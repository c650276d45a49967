"""Every report page and download, and every report written by ``dtto report``, goes on the
audit trail with its scope and period (the figures are aggregates; no person is named)."""

from __future__ import annotations

import datetime as dt

from dtto.accounts.models import User
from dtto.audit.services import Actor, record_seen
from dtto.reports.queries import Period, Scope


def _day(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def report_seen(
    by: User | Actor,
    *,
    page: str,
    scope: Scope,
    period: Period,
    as_of: dt.date | None = None,
    fmt: str = "",
) -> None:
    """``fmt`` empty for a page (``reports.report.viewed``), else the download's format
    (``exports.export.made``)."""
    shown = {
        "report": page,
        "scope": scope.kind,
        "code": scope.code,
        "from": _day(period.start),
        "to": _day(period.end),
        "as_of": _day(as_of),
    }
    if fmt:
        shown["format"] = fmt
    record_seen(
        by,
        "exports.export.made" if fmt else "reports.report.viewed",
        target_type="report",
        target_id=f"{scope.kind}:{scope.code or 'england-and-wales'}"[:64],
        shown=shown,
    )

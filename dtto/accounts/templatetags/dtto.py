"""Template helpers for the service's pages: navigation by role, findings as words."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse

from dtto.accounts import permissions
from dtto.accounts.models import User
from dtto.lib.dates import long_date

register = template.Library()


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


def _items_for(user: User) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    own_queue = permissions.home_queue_label(user)
    if own_queue is not None:
        items.append((own_queue, reverse("home")))
    if permissions.sees_team_queue(user):
        items.append(("Team queue", reverse("team-queue")))
    if permissions.has_case_access(user):
        items.append(("Cases", reverse("cases:list")))
    if permissions.can_record(user, "referral"):
        items.append(("New referral", reverse("cases:referral")))
    if permissions.sees_reports(user):
        # Court users too: aggregated results for sentencers (Appendix 1 standard 7).
        items.append(("Reports", "/reports/"))
    if permissions.providers_for(user).exists():
        items.append(("Treatment providers", reverse("reports:providers")))
    if permissions.reads_spending(user):
        items.append(("Spending", reverse("reports:spending")))
    if permissions.administers(user):
        items.append(("Administration", reverse("admin:index")))
    return items


@register.simple_tag(takes_context=True)
def nav_items(context: dict[str, Any]) -> list[NavItem]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return []
    path = request.path if request is not None else ""
    items = _items_for(user)
    # The longest matching prefix is the current page (so /cases/X/ marks "Cases").
    best = max((u for _, u in items if path.startswith(u)), key=len, default="")
    return [NavItem(label, url, url == best) for label, url in items]


@register.filter
def met_label(met: bool | None) -> str:
    """A finding's verdict in words: met, not met, or not yet known."""
    if met is None:
        return "Not due yet"
    return "Met" if met else "Not met"


@register.filter
def met_tag(met: bool | None) -> str:
    """The GOV.UK tag colour for a verdict."""
    if met is None:
        return "govuk-tag--grey"
    return "govuk-tag--green" if met else "govuk-tag--red"


@register.filter
def hours(value: float | int | Decimal | None) -> str:
    """Contact hours as people write them: 3.5 h, 2 h (not 3.50 h)."""
    if value is None:
        return ""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return f"{text} h"


@dataclass(frozen=True)
class DatePart:
    suffix: str
    label: str
    value: str
    width: int


@register.filter
def date_parts(field: Any) -> list[DatePart]:
    """The day, month and year boxes of a GOV.UK date input, keeping what was typed."""
    value = field.value()
    if hasattr(value, "year"):
        parts = [str(value.day), str(value.month), str(value.year)]
    elif isinstance(value, list | tuple):
        parts = [str(v or "") for v in value] + ["", "", ""]
    else:
        parts = ["", "", ""]
    return [
        DatePart("_day", "Day", parts[0], 2),
        DatePart("_month", "Month", parts[1], 2),
        DatePart("_year", "Year", parts[2], 4),
    ]


@register.filter
def anchor(ref: str) -> str:
    """An engine evidence ref (``appointment:42``) as the id of its row in the timeline."""
    return str(ref).replace(":", "-")


@register.filter
def evidence_label(ref: str) -> str:
    """An engine evidence ref (``appointment:42``) as words for its link (``the appointment``)."""
    kind = str(ref).split(":", 1)[0].split("@", 1)[0].replace("_", " ")
    return f"the {kind}" if kind else str(ref)


@register.filter
def error_target(field: Any) -> str:
    """The id of a field's first input, where an error summary link moves focus to.

    A date's first box is its day; a list of radios or checkboxes starts at its first option
    (the wrapper around them cannot take focus, GOV.UK error summary guidance).
    """
    kind = field.widget_type
    if kind == "dateparts":
        return f"{field.auto_id}{date_parts(field)[0].suffix}"
    if kind in ("radioselect", "checkboxselectmultiple"):
        options = list(field)
        return str(options[0].id_for_label) if options else str(field.auto_id)
    return str(field.id_for_label or field.auto_id)


@register.filter(name="long_date")
def long_date_filter(day: Any) -> str:
    """A date as "15 November 2026" (``dtto.lib.dates.long_date``); empty for no date."""
    return long_date(day) if day else ""

"""An area's spending on the Order by financial year and heading (3.32-3.33, Appendix 1
standard 5): read by those who read the area's costs, recorded and corrected by its area
manager or an administrator through ``accounts.services.record_spending``.

Who reads and who records is decided by ``accounts.permissions`` (``spending_areas_for``,
``records_spending``). The recording form carries the one-time token every recording form
carries (decision 0006), so saving it twice records once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dtto.accounts import permissions
from dtto.accounts.models import Area, AreaSpending
from dtto.accounts.services import record_spending
from dtto.cases.forms import ServiceForm
from dtto.cases.views import once
from dtto.cases.views.common import bound, save_once, signed_in
from dtto.reports.periods import financial_year_words
from dtto.reports.sections import money


class SpendingForm(ServiceForm):
    """One heading of one financial year; the service checks it (``check_spending``)."""

    financial_year = forms.CharField(
        label="Financial year",
        help_text="The year it starts in: for April 2003 to March 2004, enter 2003",
        widget=forms.TextInput(attrs={"width": 4, "inputmode": "numeric"}),
    )
    heading = forms.ChoiceField(
        label="Heading",
        choices=AreaSpending.Heading.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the heading the money was spent under"},
    )
    amount = forms.CharField(
        label="Amount spent, in pounds",
        help_text="For example 125000.50. A figure already recorded for the year and heading "
        "is replaced",
        widget=forms.TextInput(attrs={"width": 10, "inputmode": "decimal"}),
    )


@dataclass(frozen=True)
class YearSpending:
    """What an area recorded for one financial year: each heading and the total."""

    year: int
    words: str
    rows: list[tuple[AreaSpending, str]]  # the record and its amount in pounds
    total: str


def _by_year(area: Area) -> list[YearSpending]:
    recorded = AreaSpending.objects.filter(area=area).order_by("-financial_year", "heading")
    order = {code: i for i, code in enumerate(AreaSpending.Heading.values)}
    years: dict[int, list[AreaSpending]] = {}
    for spending in recorded:
        years.setdefault(spending.financial_year, []).append(spending)
    return [
        YearSpending(
            year,
            financial_year_words(year),
            [(s, money(float(s.amount))) for s in sorted(rows, key=lambda s: order[s.heading])],
            money(float(sum((s.amount for s in rows), Decimal(0)))),
        )
        for year, rows in years.items()
    ]


@login_required
def areas(request: HttpRequest) -> HttpResponse:
    """The areas whose spending the user reads; straight to it when there is one."""
    found = permissions.spending_areas_for(request.user).order_by("name")
    if not found.exists():
        raise PermissionDenied("You do not have access to areas' spending.")
    if found.count() == 1:
        only = found.first()
        assert only is not None
        return redirect("reports:spending-area", area=only.code)
    return render(request, "reports/spending_areas.html", {"areas": found})


@login_required
def area(request: HttpRequest, area: str) -> HttpResponse:
    """What the area recorded, year by year, heading by heading, with each year's total."""
    found = permissions.get_spending_area_for(request.user, area)
    return render(
        request,
        "reports/spending.html",
        {
            "area": found,
            "years": _by_year(found),
            "may_record": permissions.records_spending(request.user, found),
            "several_areas": permissions.spending_areas_for(request.user).count() > 1,
        },
    )


def _initial(request: HttpRequest, area: Area) -> dict[str, Any]:
    """From a "Change" link (``?year=&heading=``): the figure recorded, to correct it."""
    year, heading = request.GET.get("year", ""), request.GET.get("heading", "")
    if not year.isdigit() or heading not in AreaSpending.Heading.values:
        return {}
    recorded = AreaSpending.objects.filter(
        area=area, financial_year=int(year), heading=heading
    ).first()
    initial: dict[str, Any] = {"financial_year": year, "heading": heading}
    if recorded is not None:
        initial["amount"] = f"{recorded.amount:.2f}"
    return initial


@login_required
def record(request: HttpRequest, area: str) -> HttpResponse:
    """Record or correct one heading of one year's spending."""
    user = signed_in(request)
    found = permissions.get_spending_area_for(user, area)
    if not permissions.records_spending(user, found):
        raise PermissionDenied("Only the area's manager or an administrator records its spending.")
    form = SpendingForm(bound(request), initial=_initial(request, found))
    token, saved_before = once.token_for_page(request, user)
    listing = reverse("reports:spending-area", kwargs={"area": found.code})
    if request.method == "POST":
        saved = save_once(
            request,
            form,
            action="spending",
            save=lambda: record_spending(found, by=user, **form.cleaned_data),
            shown_at=lambda _: listing,
        )
        if isinstance(saved, HttpResponse):
            return saved
        token = saved.token
        if saved.recorded:
            messages.success(request, "Spending recorded")
            return redirect(listing)
    return render(
        request,
        "reports/spending_record.html",
        {
            "area": found,
            "form": form,
            "form_token": token,
            "saved_before": saved_before if request.method == "GET" else None,
            "title": f"Record spending: {found.name}",
            "listing": listing,
        },
    )

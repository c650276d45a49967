"""Report pages for area managers, court users and national analysts.

Who sees which areas is decided by ``accounts.permissions.report_areas_for``; every page shows
published figures only (``statistics.publish``: counts under 5 withheld with what rests on them).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from dtto.accounts.models import Area, Court, Team
from dtto.accounts.permissions import report_areas_for
from dtto.reports import exports, measures
from dtto.reports.queries import Period, Scope
from dtto.reports.results import PublishedReport, PublishedSummary
from dtto.reports.sections import (
    DISCLOSURE_NOTE,
    document_sections,
    report_sections,
    sentencer_sections,
)
from dtto.reports.statistics import publish


def render_document(data: PublishedReport | PublishedSummary, title: str) -> str:
    """A self-contained HTML document (styles inline, no network) for ``dtto report``."""
    sections = document_sections(data)
    return render_to_string(
        "reports/document.html",
        {"title": title, "data": data, "sections": sections, "disclosure_note": DISCLOSURE_NOTE},
    )


def _day(request: HttpRequest, name: str) -> dt.date | None:
    text = request.GET.get(name, "")
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _period(request: HttpRequest) -> Period:
    return Period(_day(request, "from"), _day(request, "to"))


def _allowed(request: HttpRequest) -> list[Area] | None:
    areas = report_areas_for(request.user)
    if areas == []:
        raise PermissionDenied("You do not have access to reports.")
    return areas


def _scope(request: HttpRequest, areas: list[Area] | None) -> Scope:
    allowed = None if areas is None else {a.pk for a in areas}
    team, court, area = (request.GET.get(k, "") for k in ("team", "court", "area"))
    if team:
        found = Team.objects.filter(code=team).first()
        if found is None or (allowed is not None and found.area_id not in allowed):
            raise Http404("No such team")
        return Scope.team(team)
    if court:
        found_court = Court.objects.filter(code=court).first()
        if found_court is None or (allowed is not None and found_court.area_id not in allowed):
            raise Http404("No such court")
        return Scope.court(court)
    if area:
        found_area = Area.objects.filter(code=area).first()
        if found_area is None or (allowed is not None and found_area.pk not in allowed):
            raise Http404("No such area")
        return Scope.area(area)
    if areas is None:
        return Scope.national()
    return Scope.area(areas[0].code)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    areas = _allowed(request)
    scope = _scope(request, areas)
    period = _period(request)
    as_of = _day(request, "as_of")  # what was recorded and final on that day (default today)
    data = publish(measures.report(scope, period, as_of=as_of))
    fmt = request.GET.get("format", "")
    if fmt in ("json", "csv"):
        text = exports.to_json(data) if fmt == "json" else exports.to_csv(data)
        response = HttpResponse(text, content_type=f"text/{fmt}; charset=utf-8")
        if fmt == "json":
            response["Content-Type"] = "application/json"
        response["Content-Disposition"] = f'attachment; filename="dtto-report.{fmt}"'
        return response
    choices = Area.objects.all() if areas is None else areas
    return render(
        request,
        "reports/dashboard.html",
        {
            "scope": scope,
            "period": period,
            "as_of": as_of,
            "data": data,
            "sections": report_sections(data),
            "disclosure_note": DISCLOSURE_NOTE,
            "areas": choices,
            "national": areas is None,
            "courts": Court.objects.filter(area__in=list(choices)),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def sentencers(request: HttpRequest, court: str) -> HttpResponse:
    areas = _allowed(request)
    found = Court.objects.filter(code=court).first()
    if found is None or (areas is not None and found.area_id not in {a.pk for a in areas}):
        raise Http404("No such court")
    period = _period(request)
    data = publish(measures.sentencer_summary(court, period, as_of=_day(request, "as_of")))
    return render(
        request,
        "reports/sentencers.html",
        {"court": found, "period": period, "data": data, "sections": sentencer_sections(data)},
    )

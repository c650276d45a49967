"""Report pages for area managers, court users and national analysts.

Each scope (national, an area, a team, a court) has a headline page with the few figures that
matter (``headline.py``), linking to one page per section; national analysts also have the
area comparison. Every page takes the period from GOV.UK date inputs or the financial-year
picker (``periods.py``: a mistake is shown as an error, never dropped) and is offered as a
PDF and, per section, as a tidy CSV (``?format=pdf``, ``?format=csv``, or the ``Accept``
header).

Who sees which areas is decided by ``accounts.permissions.report_areas_for``; every page shows
published figures only (``statistics.publish``: counts under 5 withheld with what rests on them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from dtto.accounts.models import Area, Court, Team, User
from dtto.accounts.permissions import reads_spending, report_areas_for
from dtto.reports import exports, measures, periods
from dtto.reports.audit import report_seen
from dtto.reports.headline import headlines
from dtto.reports.labels import Labels
from dtto.reports.queries import Period, Scope
from dtto.reports.results import PublishedProvider, PublishedReport, PublishedSummary
from dtto.reports.sections import (
    DISCLOSURE_NOTE,
    Section,
    document_sections,
    report_sections,
    sentencer_sections,
)
from dtto.reports.statistics import publish

# What ``?format=`` may ask for, and the media type the ``Accept`` header names it by.
DOWNLOADS = {"pdf": "application/pdf", "csv": "text/csv", "json": "application/json"}


def render_document(
    data: PublishedReport | PublishedSummary | PublishedProvider,
    title: str,
    *,
    sections: list[Section] | None = None,
) -> str:
    """A self-contained HTML document (styles inline, no network) for ``dtto report``: the
    whole report, or the ``sections`` given (a provider's)."""
    if sections is None:
        assert "provider" not in data, "a provider's document is rendered from its sections"
        sections = document_sections(data)
    return render_to_string(
        "reports/document.html",
        {"title": title, "data": data, "sections": sections, "disclosure_note": DISCLOSURE_NOTE},
    )


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
            raise Http404("There is no team with that code in the areas you can see.")
        return Scope.team(team)
    if court:
        found_court = Court.objects.filter(code=court).first()
        if found_court is None or (allowed is not None and found_court.area_id not in allowed):
            raise Http404("There is no court with that code in the areas you can see.")
        return Scope.court(court)
    if area:
        found_area = Area.objects.filter(code=area).first()
        if found_area is None or (allowed is not None and found_area.pk not in allowed):
            raise Http404("There is no area with that code that you can see.")
        return Scope.area(area)
    if areas is None:
        return Scope.national()
    return Scope.area(areas[0].code)


def _format(request: HttpRequest) -> str:
    """The download asked for: ``?format=``, else the first media type in ``Accept`` that is
    one (a browser asking for text/html gets the page)."""
    asked = request.GET.get("format", "")
    if asked:
        return asked
    accept = request.headers.get("Accept", "")
    for part in accept.split(","):
        media = part.split(";")[0].strip()
        if media == "text/html":
            return ""
        for name, media_type in DOWNLOADS.items():
            if media == media_type:
                return name
    return ""


def _filename(scope: Scope, period: Period, part: str, extension: str) -> str:
    pieces = ["dtto", scope.code or "national", part]
    if period.start is not None:
        pieces.append(f"from-{period.start.isoformat()}")
    if period.end is not None:
        pieces.append(f"to-{period.end.isoformat()}")
    return "-".join(pieces) + "." + extension


def _seen(request: HttpRequest, page: str, asked: Asked, fmt: str = "") -> None:
    """Audit a report shown or downloaded (reports/audit.py)."""
    assert isinstance(request.user, User)
    report_seen(
        request.user,
        page=page,
        scope=asked.scope,
        period=asked.form.period,
        as_of=asked.form.as_of,
        fmt=fmt,
    )


def _download(text: str | bytes, media_type: str, filename: str) -> HttpResponse:
    charset = "" if isinstance(text, bytes) else "; charset=utf-8"
    response = HttpResponse(text, content_type=media_type + charset)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass
class Link:
    text: str
    href: str
    hint: str = ""


def _scope_query(scope: Scope) -> str:
    return "" if scope.code is None else f"{scope.kind}={scope.code}"


def _with_query(path: str, *parts: str) -> str:
    query = "&".join(p for p in parts if p)
    return f"{path}?{query}" if query else path


def _below(scope: Scope, areas: list[Area] | None, period_query: str) -> list[Link]:
    """The smaller scopes a page links to: every area from national, every team from an area."""
    page = reverse("reports:dashboard")
    if scope.kind == "national":
        return [
            Link(a.name, _with_query(page, f"area={a.code}", period_query))
            for a in Area.objects.all()
        ]
    if scope.kind == "area":
        return [
            Link(t.name, _with_query(page, f"team={t.code}", period_query))
            for t in Team.objects.filter(area__code=scope.code)
        ]
    return []


@dataclass
class Asked:
    """A report page's scope, period form and, when the form is valid, its published report."""

    scope: Scope
    form: periods.PeriodForm
    areas: list[Area] | None
    data: PublishedReport | None = None


def _asked(request: HttpRequest) -> Asked:
    areas = _allowed(request)
    scope = _scope(request, areas)
    form = periods.read(request.GET)
    asked = Asked(scope, form, areas)
    if form.is_valid:
        asked.data = publish(measures.report(scope, form.period, as_of=form.as_of))
    return asked


def _period_query(request: HttpRequest) -> str:
    """The period part of the address, carried from page to page."""
    return periods.query_without(request.GET, "format", "area", "team", "court", "sort")


def _context(request: HttpRequest, asked: Asked, **extra: object) -> dict[str, object]:
    period_query = _period_query(request)
    scope_query = _scope_query(asked.scope)
    return {
        "scope": asked.scope,
        "form": asked.form,
        "national": asked.areas is None,
        "disclosure_note": DISCLOSURE_NOTE,
        "period_query": period_query,
        "scope_query": scope_query,
        "here_query": "&".join(q for q in (scope_query, period_query) if q),
        "home": _with_query(reverse("reports:dashboard"), scope_query, period_query),
        "national_home": _with_query(reverse("reports:dashboard"), period_query),
        # Where the costs come from: the spending recorded by area, year and heading.
        "spending_link": reverse("reports:spending") if reads_spending(request.user) else "",
        **extra,
    }


def _varies_by_accept(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The same address gives a page or a download by the ``Accept`` header: caches must know."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response

    return wrapped


@login_required
@_varies_by_accept
def dashboard(request: HttpRequest) -> HttpResponse:
    """The headline page of a scope: a few figures with their intervals and trend."""
    asked = _asked(request)
    fmt = _format(request)
    if fmt and fmt not in DOWNLOADS:
        return HttpResponseBadRequest("Choose a download as pdf, csv or json.")
    if asked.data is None or not fmt:
        return _headline_page(request, asked)
    data, scope, period = asked.data, asked.scope, asked.form.period
    _seen(request, "headline" if fmt != "pdf" else "report", asked, fmt)
    if fmt == "json":
        return _download(
            exports.to_json(data), DOWNLOADS["json"], _filename(scope, period, "report", "json")
        )
    labels = Labels.load()
    if fmt == "csv":
        # The headline page's own CSV: the headline figures as one tidy table.
        return _download(
            exports.section_csv(data, _headline_section(asked)),
            DOWNLOADS["csv"],
            _filename(scope, period, "headline", "csv"),
        )
    from dtto.reports.pdf import to_pdf

    title = f"Drug Treatment and Testing Orders: {scope.label()}"
    return _download(
        to_pdf(data, title, sections=report_sections(data, labels)),
        DOWNLOADS["pdf"],
        _filename(scope, period, "report", "pdf"),
    )


def _before(asked: Asked) -> tuple[PublishedReport | None, Period | None]:
    previous = periods.previous(asked.form.period)
    if previous is None or previous.end is None:
        return None, None
    return publish(measures.report(asked.scope, previous, as_of=asked.form.as_of)), previous


def _headline_section(asked: Asked) -> Section:
    assert asked.data is not None
    before, previous = _before(asked)
    figures = headlines(asked.data, before)
    section = Section("headline", "Headline figures")
    previous_from = None if previous is None else previous.start
    previous_to = None if previous is None else previous.end
    section.records = [
        {
            "figure": h.id,
            "label": h.label,
            "value": h.number,
            "ci_low": h.ci_low,
            "ci_high": h.ci_high,
            "previous_period_from": previous_from,
            "previous_period_to": previous_to,
            "previous_value": h.previous_number,
        }
        for h in figures
    ]
    return section


def _headline_page(request: HttpRequest, asked: Asked) -> HttpResponse:
    period_query = _period_query(request)
    extra: dict[str, object] = {"title": f"Report: {asked.scope.label()}"}
    if asked.data is not None:
        _seen(request, "headline", asked)
        labels = Labels.load()
        before, previous = _before(asked)
        sections = report_sections(asked.data, labels)
        extra.update(
            figures=headlines(asked.data, before),
            previous=None if previous is None else periods.describe(previous),
            sections=[s for s in sections if s.id not in COMPARISON_SECTIONS],
            below=_below(asked.scope, asked.areas, period_query),
            below_kind={"national": "area", "area": "team"}.get(asked.scope.kind, ""),
        )
    if asked.scope.kind == "court" and asked.scope.code:
        extra["sentencers_link"] = reverse("reports:sentencers", args=[asked.scope.code])
    return render(request, "reports/dashboard.html", _context(request, asked, **extra))


@login_required
@_varies_by_accept
def section(request: HttpRequest, section_id: str) -> HttpResponse:
    """One section of a scope's report: its chart, its table and notes, and its CSV."""
    asked = _asked(request)
    fmt = _format(request)
    if fmt and fmt not in ("csv", "pdf"):
        return HttpResponseBadRequest("Choose a download as pdf or csv.")
    found: Section | None = None
    if asked.data is not None:
        found = next((s for s in report_sections(asked.data) if s.id == section_id), None)
        if found is None:
            raise Http404("There is no such section in this report.")
    elif section_id not in SECTION_IDS:
        raise Http404("There is no such section in this report.")
    if found is not None:
        _seen(request, found.id, asked, fmt)
    if found is not None and asked.data is not None and fmt:
        scope, period = asked.scope, asked.form.period
        if fmt == "csv":
            return _download(
                exports.section_csv(asked.data, found),
                DOWNLOADS["csv"],
                _filename(scope, period, found.id, "csv"),
            )
        from dtto.reports.pdf import to_pdf

        title = f"{found.heading}: {scope.label()}"
        return _download(
            to_pdf(asked.data, title, sections=[found]),
            DOWNLOADS["pdf"],
            _filename(scope, period, found.id, "pdf"),
        )
    heading = found.heading if found is not None else "Report section"
    return render(
        request,
        "reports/section.html",
        _context(request, asked, section=found, title=heading),
    )


# Every section a report can have (a page whose period has a mistake still knows its name).
SECTION_IDS = frozenset(
    {
        "commencements",
        "referrals",
        "terminations",
        "enforcement",
        "compliance",
        "retention",
        "drug-use",
        "reach-age_band",
        "reach-sex",
        "reach-ethnic_group",
        "reach-main_drug",
        "reach-accommodation",
        "reach-mental_health_need",
        "revocation",
        "drug-use-clear-majority",
        "costs",
        "reconviction",
        "reviews-bench",
        "continuity",
        "contact-hours",
        "areas",
        "compliance-completion",
        "areas-context",
    }
)
# The national report's sections shown on the comparison page rather than the headline page.
COMPARISON_SECTIONS = frozenset({"areas", "compliance-completion", "areas-context"})

# The comparison table's columns a reader can sort by without script (``?sort=``).
SORTS = {
    "area": "Area",
    "terminations": "Terminations",
    "rate": "Successful completion",
    "compliance": "Compliance index",
}


@login_required
def areas(request: HttpRequest) -> HttpResponse:
    """Every area side by side: the funnel plot with the areas named and a sortable table."""
    allowed = _allowed(request)
    if allowed is not None:
        raise PermissionDenied("Only national analysts compare every area.")
    form = periods.read(request.GET)
    scope = Scope.national()
    asked = Asked(scope, form, allowed)
    extra: dict[str, object] = {"title": "Areas compared"}
    fmt = _format(request)
    if form.is_valid:
        labels = Labels.load()
        whole = publish(measures.report(scope, form.period, as_of=form.as_of))
        data = whole["areas"]
        sections = {s.id: s for s in report_sections(whole, labels)}
        funnel = sections["areas"]
        _seen(request, "areas", asked, "csv" if fmt == "csv" else "")
        if fmt == "csv":
            return _download(
                exports.section_csv(whole, funnel),
                DOWNLOADS["csv"],
                _filename(scope, form.period, "areas", "csv"),
            )
        sort = request.GET.get("sort", "area")
        rows = _comparison_rows(data, labels, request)
        key = SORTS.get(sort) and sort
        if key:
            rows.sort(key=lambda r: r.sort_key(key))
        extra.update(
            funnel=funnel,
            correlation=sections["compliance-completion"],
            context=sections["areas-context"],
            rows=rows,
            sort=sort if key else "area",
            sorts=SORTS,
        )
    return render(request, "reports/areas.html", _context(request, asked, **extra))


@dataclass
class AreaRow:
    code: str
    name: str
    href: str
    successful: str
    terminations: str
    terminations_value: int | None
    rate: str
    rate_value: float | None
    interval: str
    position: str
    compliance: str
    compliance_value: float | None

    def sort_key(self, key: str) -> tuple[int, float | str]:
        """Sorted with missing figures last; rates and counts highest first."""
        if key == "area":
            return (0, self.name)
        value = {
            "terminations": self.terminations_value,
            "rate": self.rate_value,
            "compliance": self.compliance_value,
        }[key]
        return (1, 0.0) if value is None else (0, -float(value))


def _comparison_rows(data: object, labels: Labels, request: HttpRequest) -> list[AreaRow]:
    from dtto.reports.results import AreaComparison
    from dtto.reports.sections import _position, ci, count, pct, rate_pct

    comparison: AreaComparison[int | None] = data  # type: ignore[assignment]
    period_query = _period_query(request)
    rows = []
    for x in comparison["areas"]:
        done = x["successful_completion"]
        withheld = bool(done.get("suppressed"))
        rows.append(
            AreaRow(
                code=x["area"],
                name=labels.area(x["area"]),
                href=_with_query(reverse("reports:dashboard"), f"area={x['area']}", period_query),
                successful=count(done["numerator"]),
                terminations=count(done["denominator"]),
                terminations_value=done["denominator"],
                rate=rate_pct(done),
                rate_value=None if withheld else done["rate"],
                interval=ci(done),
                position=_position(x["funnel"]),
                compliance=pct(x["compliance_index"]),
                compliance_value=x["compliance_index"],
            )
        )
    return rows


@login_required
def courts(request: HttpRequest) -> HttpResponse:
    """The courts whose summaries for sentencers the user may see, as a table by area."""
    allowed = _allowed(request)
    found = Court.objects.select_related("area").order_by("area__name", "name")
    if allowed is not None:
        found = found.filter(area__in=allowed)
    return render(
        request,
        "reports/courts.html",
        {"courts": found, "period_query": _period_query(request)},
    )


@login_required
@_varies_by_accept
def sentencers(request: HttpRequest, court: str) -> HttpResponse:
    areas = _allowed(request)
    found = Court.objects.filter(code=court).first()
    if found is None or (areas is not None and found.area_id not in {a.pk for a in areas}):
        raise Http404("No such court")
    form = periods.read(request.GET)
    data = None
    sections: list[Section] = []
    if form.is_valid:
        data = publish(measures.sentencer_summary(court, form.period, as_of=form.as_of))
        fmt = _format(request)
        _seen(
            request,
            "sentencers",
            Asked(Scope.court(court), form, areas),
            "pdf" if fmt == "pdf" else "",
        )
        if fmt == "pdf":
            from dtto.reports.pdf import to_pdf

            title = f"The Drug Treatment and Testing Order at {found.name}"
            return _download(
                to_pdf(data, title),
                DOWNLOADS["pdf"],
                _filename(Scope.court(court), form.period, "sentencers", "pdf"),
            )
        sections = sentencer_sections(data)
    return render(
        request,
        "reports/sentencers.html",
        {
            "court": found,
            "form": form,
            "data": data,
            "sections": sections,
            "period_query": _period_query(request),
            "title": f"The Order at {found.name}",
        },
    )

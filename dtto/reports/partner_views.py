"""Partners' pages: treatment providers' activity, for their commissioners (Drug Action
Teams), area managers, national analysts and the provider's own workers.

Who reads which provider is decided by ``accounts.permissions.providers_for``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from dtto.accounts import permissions
from dtto.reports import measures, periods
from dtto.reports.outcome_publish import publish_provider
from dtto.reports.outcome_sections import provider_sections


@login_required
def providers(request: HttpRequest) -> HttpResponse:
    """The treatment providers whose activity the user may read."""
    found = permissions.providers_for(request.user).select_related("area")
    if not found.exists():
        raise PermissionDenied("You do not have access to treatment providers' reports.")
    return render(
        request,
        "reports/providers.html",
        {"providers": found.order_by("area__name", "name")},
    )


@login_required
def provider(request: HttpRequest, code: str) -> HttpResponse:
    """One provider's Orders: referred, started, retained at 3 months, referred on."""
    found = permissions.get_provider_for(request.user, code)
    form = periods.read(request.GET)
    data = None
    sections = []
    if form.is_valid:
        data = publish_provider(measures.provider_activity(found, form.period, as_of=form.as_of))
        if request.GET.get("format") == "json":
            return JsonResponse(data)
        sections = provider_sections(data)
    return render(
        request,
        "reports/provider.html",
        {"provider": found, "form": form, "data": data, "sections": sections},
    )

"""The start pages: what needs me today, the team's queue, and the list of cases."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dtto.accounts import permissions
from dtto.accounts.models import User
from dtto.audit.services import record_seen
from dtto.cases import queues
from dtto.cases.views.common import signed_in, today

# The queue sections each kind of home queue shows.
SECTIONS_BY_QUEUE = {
    permissions.QueueKind.CASE_MANAGER: queues.CASE_MANAGER_SECTIONS,
    permissions.QueueKind.TREATMENT: queues.TREATMENT_SECTIONS,
    permissions.QueueKind.COURT: queues.COURT_SECTIONS,
}


def _queue_seen(user: User, kind: str, queue: queues.Queue) -> None:
    """A queue names people: audit which cases it showed (by reference only)."""
    record_seen(
        user,
        "cases.queue.viewed",
        target_type="queue",
        target_id=kind,
        shown={
            "queue": kind,
            "references": sorted({item.reference for s in queue.sections for item in s.items}),
        },
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs me today: the queue for the user's role."""
    user = signed_in(request)
    scope = permissions.home_queue_for(user)
    if scope.kind == permissions.QueueKind.TEAM:
        return redirect("team-queue")
    if scope.kind == permissions.QueueKind.NONE:
        return render(
            request,
            "cases/home_other.html",
            {
                "today": today(),
                "sees_all_areas": permissions.sees_all_areas(user),
                "administers": permissions.administers(user),
                "commissions": permissions.commissions(user),
            },
        )
    queue = queues.build_queue(
        scope.orders, today(), sections=SECTIONS_BY_QUEUE[scope.kind], cases=scope.cases
    )
    _queue_seen(user, str(scope.kind), queue)
    return render(
        request,
        "cases/queue.html",
        {
            "queue": queue,
            "title": scope.title,
            "may_record": permissions.recording_actions_for(user),
        },
    )


@login_required
def team_queue(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    scope = permissions.team_queue_for(user)
    if scope is None:
        raise PermissionDenied
    queue = queues.build_queue(scope.orders, today(), cases=scope.cases)
    _queue_seen(user, "team", queue)
    return render(
        request,
        "cases/queue.html",
        {
            "queue": queue,
            "title": scope.title,
            "team": True,
            "may_record": permissions.recording_actions_for(user),
        },
    )


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not permissions.has_case_access(user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    cases = permissions.cases_for(user).select_related("person", "order")
    if query:
        cases = cases.filter(Q(reference__icontains=query) | Q(person__name__icontains=query))
    page = Paginator(cases.order_by("-referred_on", "reference"), 50).get_page(
        request.GET.get("page")
    )
    # What was typed may be a name: record only that there was a search, and what it showed.
    record_seen(
        user,
        "cases.list.viewed",
        target_type="case_list",
        target_id="search" if query else "all",
        shown={
            "searched": bool(query),
            "page": page.number,
            "references": [case.reference for case in page.object_list],
        },
    )
    return render(request, "cases/case_list.html", {"page": page, "query": query})

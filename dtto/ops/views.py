"""Probes for a load balancer or orchestrator: is the process up, can it serve requests."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers; nothing else is checked, so a database outage does not restart it."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """The database answers and every migration in the code has been applied to it."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        # The exception's first line only: enough to tell a refused connection from a bad
        # password, without echoing a connection string.
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return JsonResponse(
            {"status": "unavailable", "reason": f"database unreachable: {reason}"}, status=503
        )
    if unapplied:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in unapplied[:3])
        more = f" and {len(unapplied) - 3} more" if len(unapplied) > 3 else ""
        return JsonResponse(
            {
                "status": "unavailable",
                "reason": f"{len(unapplied)} unapplied migration(s): {names}{more}",
            },
            status=503,
        )
    return JsonResponse({"status": "ok"})

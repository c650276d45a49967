"""Every API request on the audit trail with its client's name; API answers never cached."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from dtto.api.clients import client_actor
from dtto.audit.services import record_event

API_PREFIX = "/api/"


class ApiRequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path_info.startswith(API_PREFIX):
            return response
        # Answers carry personal details and are for one client: no browser or proxy keeps them.
        add_never_cache_headers(response)
        client = getattr(request, "api_client", None)
        if client is not None:
            record_event(
                client_actor(client),
                "api.request",
                target_type="apiclient",
                target_id=client.pk,
                case_reference=getattr(request, "api_case_reference", ""),
                detail={
                    "method": request.method,
                    # A NUL no JSON column can hold: kept visible, escaped.
                    "path": request.path.replace("\x00", "\\x00"),
                    "query": request.META.get("QUERY_STRING", "")[:500],
                    "status": response.status_code,
                },
            )
        return response

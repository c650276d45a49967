"""Every request gets an id, taken from ``X-Request-ID`` or made, logged and sent back.

A proxy or a user reporting a fault can then name the request, and every log line written
while it was handled carries the same id.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_current: ContextVar[str | None] = ContextVar("dtto_request_id", default=None)
# An id from outside goes into log lines: short, and nothing that could forge a line.
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def current_request_id() -> str | None:
    """The id of the request being handled in this thread, if any."""
    return _current.get()


def request_id_for(request: HttpRequest) -> str:
    offered = request.headers.get(HEADER, "")
    return offered if _ACCEPTABLE.fullmatch(offered) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request)
        # Kept until the response is closed, not just until this returns: Django logs
        # "Not Found" and server errors after the middleware has finished.
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _forget_request_id(**kwargs: object) -> None:
    _current.set(None)


request_finished.connect(_forget_request_id, dispatch_uid="dtto.ops.request_id")

"""Every refusal as ``application/problem+json`` (RFC 9457), naming each field at fault.

One shape whatever refused the request: the services' checks (``RecordInvalid``, each
``FieldError`` naming its field), ninja's own checks of the request against its schema,
authentication, the client's role, rate limits and idempotency keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from dtto.standards.errors import RecordInvalid

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Problem types: "about:blank" where the status says it all (RFC 9457, 4.2.1); otherwise
# a URN naming the problem, documented in docs/api.md.
INVALID = "urn:dtto:problem:invalid-request"
KEY_REUSED = "urn:dtto:problem:idempotency-key-reused"
NOT_FOUND = "urn:dtto:problem:not-found"


class FieldProblem(Schema):
    field: str
    # Where the field is: body, query, path or header.
    location: str
    message: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldProblem] = []


class ApiProblem(Exception):
    """Raised by an endpoint to refuse with a problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        type: str = "about:blank",
        errors: Sequence[FieldProblem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type
        self.errors = list(errors)
        self.headers = headers or {}


def problem_response(request: HttpRequest, problem: ApiProblem) -> HttpResponse:
    document = Problem(
        type=problem.type,
        title=problem.title,
        status=problem.status,
        detail=problem.detail,
        instance=request.path,
        errors=problem.errors,
    )
    response = HttpResponse(
        json.dumps(document.model_dump(mode="json")),
        status=problem.status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in problem.headers.items():
        response[name] = value
    return response


# A hostile request may name a field (a substance code) or send a value megabytes long; a
# refusal quotes no more than this much of either.
LONGEST_FIELD = 80
LONGEST_MESSAGE = 300


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def invalid(errors: Iterable[FieldProblem], detail: str = "") -> ApiProblem:
    listed = [
        FieldProblem(
            field=_cut(e.field, LONGEST_FIELD),
            location=e.location,
            message=_cut(e.message, LONGEST_MESSAGE),
        )
        for e in errors
    ]
    return ApiProblem(
        422,
        "The request is not valid",
        detail or "; ".join(f"{e.field}: {e.message}" for e in listed),
        type=INVALID,
        errors=listed,
    )


def field_invalid(field: str, message: str, *, location: str = "body") -> ApiProblem:
    return invalid([FieldProblem(field=field, location=location, message=message)])


def not_found(what: str) -> ApiProblem:
    return ApiProblem(404, "Not found", what, type=NOT_FOUND)


def forbidden(detail: str) -> ApiProblem:
    return ApiProblem(403, "Forbidden", detail)


def from_record_invalid(error: RecordInvalid, *, location: str = "body") -> ApiProblem:
    return invalid(
        FieldProblem(field=e.field, location=location, message=e.message) for e in error.errors
    )


def _pydantic_field(loc: Sequence[Any]) -> tuple[str, str]:
    """ninja's ``("body", "payload", "results", "opiates")`` as ``("body", "results.opiates")``."""
    location = str(loc[0]) if loc else "body"
    parts = [str(p) for p in loc[1:]]
    # ninja names the body by the view's argument; a client knows only the fields within.
    if location == "body" and parts and parts[0] == "payload":
        parts = parts[1:]
    if location in ("query", "path") and len(parts) > 1 and parts[0] == "filters":
        parts = parts[1:]
    return location, ".".join(parts) or location


def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location, field = _pydantic_field(error.get("loc", ()))
        errors.append(FieldProblem(field=field, location=location, message=str(error["msg"])))
    return problem_response(request, invalid(errors))


def _on_record_invalid(request: HttpRequest, exc: RecordInvalid) -> HttpResponse:
    return problem_response(request, from_record_invalid(exc))


def _on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        ApiProblem(
            401,
            "Not signed in",
            "Send a client token as 'Authorization: Bearer TOKEN'; the token given is "
            "missing, unknown or revoked.",
            headers={"WWW-Authenticate": 'Bearer realm="dtto"'},
        ),
    )


def _on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return problem_response(
        request,
        ApiProblem(429, "Too many requests", "This client has sent too many requests; wait."),
    )


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own refusals, such as a body that is not JSON.
    return problem_response(
        request, ApiProblem(exc.status_code, "The request was refused", str(exc.message))
    )


def _on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, not_found(str(exc) or "Not found"))


def _on_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem_response(request, exc)


HANDLERS: list[tuple[type[Exception], Any]] = [
    (ValidationError, _on_validation_error),
    (RecordInvalid, _on_record_invalid),
    (AuthenticationError, _on_authentication_error),
    (Throttled, _on_throttled),
    (HttpError, _on_http_error),
    (Http404, _on_404),
    (ApiProblem, _on_problem),
]

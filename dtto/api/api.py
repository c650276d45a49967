"""The versioned API, ``/api/v1/``: one NinjaAPI, its routers, its refusals, its document."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.openapi.schema import OpenAPISchema

from dtto.api import cases, events, exports, recording, reports
from dtto.api.access import ClientToken
from dtto.api.problems import HANDLERS, PROBLEM_CONTENT_TYPE
from dtto.api.throttling import PerClientThrottle

DESCRIPTION = """\
dtto's API for other systems: laboratories, treatment providers' case systems, readers of
cases and analysts' scripts. Each client signs in with its own token
(`Authorization: Bearer TOKEN`, made by `dtto api-client create`); what it may do is its
role's. Refusals are `application/problem+json` (RFC 9457) naming each field. Every post
honours an `Idempotency-Key` header. See docs/api.md."""


class DttoApi(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The document, with refusals declared as ``application/problem+json``."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
        return schema


api = DttoApi(
    title="dtto API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=ClientToken(),
    throttle=[PerClientThrottle()],
    # No badge from validator.swagger.io: the page makes no request off the site.
    docs=Swagger(settings={"persistAuthorization": False, "validatorUrl": None}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
for exception, handler in HANDLERS:
    api.add_exception_handler(exception, handler)
api.add_router("", cases.router)
api.add_router("", recording.router)
api.add_router("", reports.router)
api.add_router("", events.router)
api.add_router("", exports.router)

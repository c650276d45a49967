"""Security headers on every page, and the refusal to serve production with the demo key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Scripts only from dtto's own static files: no inline script, no event-handler attributes.
# Styles allow 'unsafe-inline' because the report pages and their SVG charts carry <style>
# elements; a style cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

DEMO_KEY_REFUSED = (
    "DTTO_SECRET_KEY is not set, so dtto would sign sessions with the public demo key. "
    "Set DTTO_SECRET_KEY (or DTTO_SECRET_KEY_FILE) to a long random value, for example "
    "the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
    "(The demo key is accepted only by `dtto demo` and with DTTO_DEBUG=true.)"
)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every response, and no-store for a signed-in user.

    Every page a signed-in user sees may show a person's details (names in the queues,
    drug test results on the case page), so none of them may be kept by a browser or proxy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


def serving_with_demo_key(*, demo: bool) -> bool:
    """Whether a server is about to run production (not the demo, not DEBUG) on the demo key."""
    return settings.SECRET_KEY == settings.DEMO_SECRET_KEY and not (demo or settings.DEBUG)


def refuse_demo_key(*, demo: bool) -> None:
    """Stop a server from starting in production with the demo key."""
    if serving_with_demo_key(demo=demo):
        raise ImproperlyConfigured(DEMO_KEY_REFUSED)


@register(Tags.security, deploy=True)
def check_secret_key_is_not_the_demo_key(**kwargs: Any) -> list[CheckMessage]:
    if serving_with_demo_key(demo=False):
        return [CheckError(DEMO_KEY_REFUSED, id="dtto.E001")]
    return []

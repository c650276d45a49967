"""Rate limits per client, counted in Django's cache.

With the default cache (local memory) each server process counts on its own, so a client
may make up to the limit times the number of processes: docs/api.md, "Rate limits".
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

from dtto.api.models import ApiClient


class PerClientThrottle(SimpleRateThrottle):
    scope = "api-client"

    def get_rate(self) -> str | None:
        rate: str = settings.DTTO_API_RATE
        return rate

    def allow_request(self, request: HttpRequest) -> bool:
        # The rate is read on each request, not once at start, so a test or an operator's
        # settings override takes effect.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        client = getattr(request, "auth", None)
        if not isinstance(client, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}

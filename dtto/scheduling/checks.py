"""``check --deploy`` refuses the public demo test-draw key, as it refuses the demo secret key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError


@register(Tags.security, deploy=True)
def check_test_draw_key_is_not_the_demo_key(**kwargs: Any) -> list[CheckMessage]:
    from dtto.scheduling.services import DEMO_KEY_REFUSED

    if settings.DTTO_TEST_DRAW_KEY == settings.DEMO_TEST_DRAW_KEY and not settings.DEBUG:
        return [CheckError(DEMO_KEY_REFUSED, id="dtto.E101")]
    return []

"""The API's reference page works offline under the site's Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def enforcing_page(browser: Any) -> Iterator[Any]:
    """A page that keeps the CSP (the shared fixture bypasses it for axe-core)."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_the_reference_page_shows_every_operation_from_local_files_only(
    enforcing_page: Any, live_server: Any
) -> None:
    page = enforcing_page
    refused: list[str] = []
    elsewhere: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    here = urlsplit(live_server.url).netloc
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if urlsplit(request.url).netloc not in (here, "")
            and not request.url.startswith("data:")
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock")
    # Swagger UI drew one block per operation from /api/v1/openapi.json: cases (list and
    # read), a case's evaluation, appointments and attendance, drug tests, the national and
    # area reports, the event feed and the NDTMS export (docs/api.md).
    assert page.locator(".opblock").count() == 10
    assert refused == []
    assert elsewhere == []

"""Playwright driving Debian's chromium (never a downloaded browser), with axe-core."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed (scripts/bootstrap --dev installs it)")
    from playwright import sync_api

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the
    # test body are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser: Any, **options: Any) -> Any:
    """A page in a context of its own (close it with ``page.context.close()``)."""
    # axe-core is injected as an inline script, which dtto's CSP forbids; the CSP itself is
    # checked with it enforced in test_content_security_policy.py.
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", bypass_csp=True, **options
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = new_page(browser)
    yield page
    page.context.close()


def axe_violations(page: Any, *, every_impact: bool = False) -> list[dict[str, Any]]:
    """Serious and critical accessibility violations on the page as it is now; with
    ``every_impact``, moderate and minor ones too, which include the landmark rules (every
    piece of content inside a landmark, one main, no duplicate banner)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run npm ci (scripts/bootstrap does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if every_impact or v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}: {json.dumps(violations, indent=1)}"


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Areas and code lists, which a transactional test's flush may have removed."""
    import importlib

    from django.apps import apps

    from dtto.accounts.models import Area
    from dtto.accounts.reference import load_areas
    from dtto.cases.models import Code

    if not Area.objects.exists():
        load_areas(apps)
    if not Code.objects.exists():
        codes = importlib.import_module("dtto.cases.migrations.0002_code_lists")
        codes.forwards(apps, None)

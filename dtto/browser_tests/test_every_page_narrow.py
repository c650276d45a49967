"""Every page at 320 CSS pixels, the narrowest screen GOV.UK designs for (issue 11 item 6).

Each role's pages are visited in one test (one browser, one world built per role): the
page itself never scrolls sideways (a wide table scrolls inside its own focusable box,
``.dtto-table-scroll`` in dtto.css), axe-core finds no violation at any impact, landmark
and best-practice rules included, and the title is the page's heading ("Error: " before
it when a form has errors); its footer links to the accessibility statement and the privacy
notice. Problems are gathered and reported together so one run names every failing page.
A keyboard test walks a form by Tab alone and follows its error summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dtto.accounts.models import Court, Role, TreatmentProvider, User
from dtto.accounts.tests.signing_in import give_device, sign_in_as
from dtto.browser_tests.conftest import axe_violations, new_page
from dtto.browser_tests.test_report_journeys import _orders
from dtto.cases import services
from dtto.cases.models import DrugTestResult
from dtto.cases.tests.factories import assessed_suitable, make_case
from dtto.cases.tests.test_pages_by_role import PAGES, _url
from dtto.cases.tests.web import (
    ACTOR,
    PASSWORD,
    PERSONAS,
    RunningCase,
    make_personas,
    make_running_case,
)
from dtto.cases.tests.web import make_user as make_persona
from dtto.reports.views import SECTION_IDS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NARROWEST = {"width": 320, "height": 640}
SERVICE = "\N{EN DASH} dtto"


CUT_LABELS = """() => [...document.querySelectorAll('svg')].flatMap(svg => {
  const box = svg.viewBox.baseVal;
  if (!box || !box.width) return [];
  return [...svg.querySelectorAll('text')].filter(text => {
    const b = text.getBBox();
    return b.x < box.x - 1 || b.y < box.y - 1
      || b.x + b.width > box.x + box.width + 1 || b.y + b.height > box.y + box.height + 1;
  }).map(text => text.textContent.trim());
})"""


def problems_on(page: Any) -> list[str]:
    """What is wrong with the page as shown: sideways scrolling, axe, chart labels cut off,
    the footer's links to the accessibility statement and privacy notice, the title against
    the heading."""
    found: list[str] = []
    where = page.url.split("://", 1)[1].split("/", 1)[1]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.evaluate("window.innerWidth"):
        found.append(f"/{where}: the page is {width} px wide")
    for violation in axe_violations(page, every_impact=True):
        found.append(f"/{where}: axe {violation['id']} at {violation['nodes']}")
    # A chart's label cut off ("First probation appointment wi") is one drawn outside the
    # chart's own box (its viewBox), which scales down with the screen.
    cut = page.evaluate(CUT_LABELS)
    if cut:
        found.append(f"/{where}: chart labels cut off: {cut}")
    footer = page.eval_on_selector_all(
        "footer a", "links => links.map(a => a.getAttribute('href'))"
    )
    if not {"/accessibility/", "/privacy/"} <= set(footer):
        found.append(f"/{where}: the footer links to {footer}")
    headings = page.locator("h1").all_inner_texts()
    if len(headings) != 1:
        found.append(f"/{where}: {len(headings)} h1 headings")
    else:
        error = "Error: " if page.locator(".govuk-error-summary").count() else ""
        expected = f"{error}{' '.join(headings[0].split())} {SERVICE}"
        if page.title() != expected:
            found.append(f"/{where}: title {page.title()!r}, heading {headings[0]!r}")
    return found


def visit_all(page: Any, base: str, addresses: list[str], status: int = 200) -> list[str]:
    """Each address opened in turn; one that answers otherwise than ``status`` is a problem
    too (a refusal page passing the checks would hide the page meant)."""
    found: list[str] = []
    for address in addresses:
        answer = page.goto(f"{base}{address}")
        if answer.status != status:
            found.append(f"{address}: answered {answer.status}, not {status}")
        found += problems_on(page)
    return found


def narrow_page(browser: Any, base: str, client: Client | None = None) -> Any:
    """A 320 px page (with the session of Django's test ``client`` when given)."""
    page = new_page(browser, viewport=NARROWEST)
    if client is not None:
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}]
        )
    return page


def signed_in_page(browser: Any, base: str, user: User) -> Any:
    """Signed in as the user, second factor included, by the test client: signing in
    through the form is tested elsewhere (and hashing a password is slow on purpose)."""
    return narrow_page(browser, base, sign_in_as(Client(), user))


def _world() -> tuple[dict[str, User], RunningCase]:
    users = make_personas()
    return users, make_running_case(users["case_manager"])


def _case_pages(persona: str, running: RunningCase) -> list[str]:
    """The case pages the role may open, from the role table (dtto/cases/tests)."""
    column = PERSONAS.index(persona)
    return [
        _url(name, running)
        for name, answers in PAGES
        if answers[column] == 200 and name not in ("cases:review-report-pdf", "home")
    ]


def _case_manager_extras(running: RunningCase, user: User) -> list[str]:
    """Pages the role table reaches only in other states: the Order form on an assessed
    case, the aftercare form on an ended Order, a breach's warrant, a positive's check."""
    today = timezone.localdate()
    assessed = assessed_suitable(make_case())
    ended = make_running_case(user, reference="WEB-0002")
    services.terminate_order(ended.order, by=ACTOR, on=today, reason="completed")
    ref = running.case.reference
    positive = DrugTestResult.objects.filter(test__order=running.order, result="positive").get()
    return [
        reverse("cases:order", args=[assessed.reference]),
        reverse("cases:aftercare", args=[ended.case.reference]),
        reverse("cases:breach-warrant", args=[ref, running.breach.pk]),
        reverse("cases:confirm-result", args=[ref, positive.pk]),
        "/accounts/password/",
        "/accounts/sessions/",
    ]


def _submitted_empty(page: Any, base: str, addresses: list[str]) -> list[str]:
    """Each form sent back empty: the page with its error summary."""
    found: list[str] = []
    for address in addresses:
        page.goto(f"{base}{address}")
        page.locator("main button[type=submit]").first.click()
        page.wait_for_load_state()
        assert page.locator(".govuk-error-summary").count() == 1, address
        found += problems_on(page)
    return found


def _report_pages() -> list[str]:
    court = Court.objects.filter(area__code="dorset").order_by("code").first()
    assert court is not None, "the reference data has courts in Dorset"
    return [
        "/reports/?year=2004",
        "/reports/areas/?year=2004",
        *(f"/reports/sections/{section}/?year=2004" for section in sorted(SECTION_IDS)),
        "/reports/courts/",
        f"/reports/courts/{court.code}/",
        "/reports/?year=2004&from_day=31&from_month=2&from_year=2004",
    ]


def _provider_pages() -> list[str]:
    provider = TreatmentProvider.objects.get(code="leicestershire-treatment")
    return ["/reports/providers/", f"/reports/providers/{provider.code}/?year=2004"]


ROLE_PAGES: dict[str, Callable[[dict[str, User], RunningCase], list[str]]] = {
    "case_manager": lambda users, running: [
        "/",
        "/team/",
        *_case_pages("case_manager", running),
        *_case_manager_extras(running, users["case_manager"]),
    ],
    "treatment_worker": lambda users, running: [
        "/",
        *_case_pages("treatment_worker", running),
        *_provider_pages(),
    ],
    "court_user": lambda users, running: ["/", *_case_pages("court_user", running)],
    "area_manager": lambda users, running: [
        "/team/",
        *_case_pages("area_manager", running),
        "/reports/",
        *_provider_pages(),
    ],
    "national_analyst": lambda users, running: ["/", *_report_pages()],
    "commissioner": lambda users, running: ["/", *_provider_pages()],
    "administrator": lambda users, running: ["/", "/accounts/sessions/"],
}


@pytest.mark.parametrize("persona", list(ROLE_PAGES))
def test_every_page_a_role_opens_fits_320_px_passes_axe_and_is_titled_by_its_heading(
    browser: Any, live_server: Any, reference_data: None, persona: str
) -> None:
    users, running = _world()
    if persona in ("national_analyst", "area_manager", "commissioner"):
        _orders()
    addresses = ROLE_PAGES[persona](users, running)
    page = signed_in_page(browser, live_server.url, users[persona])
    found = visit_all(page, live_server.url, addresses)
    if persona == "case_manager":
        ref = running.case.reference
        found += _submitted_empty(
            page,
            live_server.url,
            [
                reverse("cases:referral"),
                reverse("cases:appointment-new", args=[ref]),
                reverse("cases:terminate", args=[ref]),
                "/accounts/password/",
            ],
        )
    if persona == "court_user":
        found += _submitted_empty(
            page, live_server.url, [reverse("cases:review-record", args=[running.case.reference])]
        )
    page.context.close()
    assert not found, "\n".join(found)


def test_signed_out_pages_and_error_pages_fit_320_px_pass_axe_and_are_titled_by_heading(
    browser: Any, live_server: Any, reference_data: None, settings: Any
) -> None:
    # The error pages' own test adds a failing view and a bad request to the service's
    # addresses; DEBUG off renders them as in production.
    settings.ROOT_URLCONF = "dtto.ops.tests.test_error_pages"
    settings.DEBUG = False
    base = live_server.url
    admin = make_persona("admin", Role.ADMINISTRATOR, None, password=PASSWORD)
    give_device(admin)
    make_persona("cm", Role.CASE_MANAGER, password=PASSWORD)
    page = narrow_page(browser, base)
    found = visit_all(
        page,
        base,
        ["/accounts/sign-in/", "/accounts/signed-out/", "/accessibility/", "/privacy/"],
    )
    found += visit_all(page, base, ["/no-such-page/"], status=404)
    found += visit_all(page, base, ["/bad/"], status=400)
    found += visit_all(page, base, ["/boom/"], status=500)
    # A wrong password, then more: after 5 from one address the sixth must wait (429,
    # dtto.accounts.signin.FROM_ONE_ADDRESS), shown on the sign-in page with its error.
    answers = []
    for _ in range(6):
        page.goto(f"{base}/accounts/sign-in/")
        page.fill("#id_username", "cm")
        page.fill("#id_password", "not the password")
        with page.expect_navigation() as sent:
            page.click("button:has-text('Sign in')")
        answers.append(sent.value.status)
        found += problems_on(page)
    assert answers == [200] * 5 + [429]
    # The code page after an administrator's password, then the refusal of another role.
    page.goto(f"{base}/accounts/sign-in/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
    assert "/accounts/sign-in/code/" in page.url
    found += problems_on(page)
    page.context.close()
    page = signed_in_page(browser, base, make_persona("tw", Role.TREATMENT_WORKER))
    found += visit_all(page, base, ["/team/"], status=403)
    found += visit_all(page, base, ["/cases/NO-SUCH-CASE/"], status=404)
    page.context.close()
    # An administrator without a second factor is asked to set one up.
    client = Client()
    client.force_login(make_persona("admin2", Role.ADMINISTRATOR, None))
    page = narrow_page(browser, base, client)
    page.goto(f"{base}/")
    assert "/accounts/second-factor/" in page.url
    found += problems_on(page)
    page.context.close()
    assert not found, "\n".join(found)


def _tab_stops(page: Any, last: str, most: int = 60) -> list[str]:
    """Press Tab from the top of the page until ``last`` has focus: each stop's id, or its
    tag and text when it has none."""
    stops: list[str] = []
    for _ in range(most):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                "(() => { const e = document.activeElement;"
                " return e.id || `${e.tagName}:${e.textContent.trim()}`; })()"
            )
        )
        if stops[-1] == last:
            return stops
    raise AssertionError(f"{last} was never reached by Tab: {stops}")


def test_a_form_is_walked_by_tab_alone_and_its_error_summary_moves_focus_to_each_field(
    browser: Any, live_server: Any, reference_data: None
) -> None:
    cm = make_persona("cm", Role.CASE_MANAGER)
    running = make_running_case(cm)
    page = signed_in_page(browser, live_server.url, cm)
    url = f"{live_server.url}{reverse('cases:appointment-new', args=[running.case.reference])}"
    page.goto(url)
    stops = _tab_stops(page, "BUTTON:Save")
    assert stops[0] == "A:Skip to main content"
    # The appointment form's fields in the order they are shown (dtto.cases.forms
    # .AppointmentForm); a group of radios with none chosen is one stop, at its first.
    fields = [
        "id_on_day",
        "id_on_month",
        "id_on_year",
        "id_hours",
        "id_with_whom_0",
        "id_kind",
        "id_activity",
        "id_outcome",
        "BUTTON:Save",
    ]
    assert stops[stops.index("id_on_day") :] == fields

    # Sent with the day taken out of the date (the form offers today) and nothing else, by
    # pressing Enter on the button: the summary takes focus, and each of its links, followed
    # by keyboard, puts focus in the first input of its field.
    page.fill("#id_on_day", "")
    page.focus("button:text-is('Save')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    links = page.locator(".govuk-error-summary a")
    reached = []
    for number in range(links.count()):
        links.nth(number).focus()
        page.keyboard.press("Enter")
        reached.append(page.evaluate("document.activeElement.id"))
    # A date without its day, no hours, no one it was with; the rest may be left empty.
    assert reached == ["id_on_day", "id_hours", "id_with_whom_0"]
    page.context.close()

"""The hostile-input corpus: every bad input refused naming its field, never a crash.

The corpus is ``dtto/caseformat/tests/hostile/`` (one file each, with its expected outcome
in ``expected.json``, worked out from docs/case-format.md "What is refused") and the huge
files ``hostile_generated.py`` builds at test time. Each runs through the importer and the
evaluator here, and through the ``dtto import`` and ``dtto evaluate`` commands in child
processes in dtto/ops/tests/test_hostile_commands.py; the values a page or the API could be
sent run through the case pages' forms and the API's appointment and drug-test posts.
A refusal names the expected field, quotes no more than a short excerpt, never the person's
name or date of birth, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dtto.api.tests.clients import World, make_world
from dtto.audit.models import AuditEvent
from dtto.audit.services import Actor
from dtto.caseformat.tests.hostile_generated import GENERATED, HOSTILE, Generated
from dtto.cases.importing import import_case_document, read_case_file
from dtto.cases.models import Appointment, Case, DrugTest, Order, Person
from dtto.cases.tests.web import make_running_case, make_user
from dtto.standards.batch import FileError, evaluate_files
from dtto.standards.errors import RecordInvalid

pytestmark = pytest.mark.django_db

EXPECTED: dict[str, dict[str, str]] = json.loads((HOSTILE / "expected.json").read_text())
TODAY = dt.date(2026, 12, 1)
# The base case's personal details, which no message may repeat.
PERSONAL = ("Jane Example", "1975-04-02", "Jane")
# A message may quote a value cut to 60 characters; with its field and words, well under this.
LONGEST_MESSAGE = 300


def test_the_corpus_holds_at_least_sixty_files_each_with_an_expected_outcome() -> None:
    files = sorted(p.name for p in HOSTILE.glob("*.json") if p.name != "expected.json")
    assert len(files) >= 60
    assert files == sorted(EXPECTED)
    assert {e["outcome"] for e in EXPECTED.values()} == {"accepted", "refused"}


def _state() -> tuple[int, int, int, int]:
    return (
        Case.objects.count(),
        Person.objects.count(),
        Appointment.objects.count(),
        AuditEvent.objects.count(),
    )


def _discreet(message: str) -> bool:
    return len(message) <= LONGEST_MESSAGE and not any(p in message for p in PERSONAL)


def _import(path: Path) -> RecordInvalid | None:
    try:
        import_case_document(read_case_file(path), by=Actor.system("test"), today=TODAY)
    except RecordInvalid as refused:
        return refused
    return None


def _evaluate(path: Path) -> FileError | None:
    class Discard:
        def write(self, text: str) -> None:
            pass

    try:
        evaluate_files([str(path)], TODAY, Discard(), workers=1)
    except FileError as refused:
        return refused
    return None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_import_refuses_or_accepts_each_corpus_file_as_expected(name: str) -> None:
    expected = EXPECTED[name]
    before = _state()

    refused = _import(HOSTILE / name)

    if expected["outcome"] == "accepted":
        assert refused is None, refused
        return
    assert refused is not None, "accepted a file that should be refused"
    fields = [e.field.removeprefix(f"{HOSTILE / name}") or "(document)" for e in refused.errors]
    assert expected["field"] in fields, refused
    assert all(_discreet(e.message) for e in refused.errors), refused
    assert _state() == before


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_evaluate_refuses_or_accepts_each_corpus_file_as_expected(name: str) -> None:
    expected = EXPECTED[name]

    refused = _evaluate(HOSTILE / name)

    if expected.get("evaluate", expected["outcome"]) == "accepted":
        assert refused is None, refused
        return
    assert refused is not None, "accepted a file that should be refused"
    message = str(refused).removeprefix(f"{HOSTILE / name}: ")
    assert message.startswith(f"{expected['field']}: "), message
    assert _discreet(message), message


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for item in GENERATED:
        item.write(folder / f"{item.name}.json")
    return folder


@pytest.mark.parametrize("item", GENERATED, ids=lambda g: g.name)
def test_import_refuses_each_huge_file_naming_the_field(generated: Path, item: Generated) -> None:
    before = _state()

    refused = _import(generated / f"{item.name}.json")

    assert refused is not None
    fields = [e.field.removeprefix(str(generated / f"{item.name}.json")) for e in refused.errors]
    assert item.field in [f or "(document)" for f in fields], refused
    assert all(_discreet(e.message) for e in refused.errors), refused
    assert _state() == before


@pytest.mark.parametrize("item", GENERATED, ids=lambda g: g.name)
def test_evaluate_refuses_each_huge_file_naming_the_field(generated: Path, item: Generated) -> None:
    refused = _evaluate(generated / f"{item.name}.json")

    assert refused is not None
    message = str(refused).removeprefix(f"{generated / item.name}.json: ")
    assert message.startswith(f"{item.evaluate_field or item.field}: "), message
    assert _discreet(message), message


# --- The pages -------------------------------------------------------------------------------


def _parts(prefix: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{prefix}_day": day, f"{prefix}_month": month, f"{prefix}_year": year}


_REFERRAL = {
    "reference": "HOSTILE-PAGE",
    "name": "Jane Example",
    **_parts("date_of_birth", "2", "4", "1975"),
    "sex": "F",
    "ethnicity": "W1",
    **_parts("referred_on", "10", "1", "2003"),
    "referral_source": "court",
}

# (page, what is changed from a good form, the field named in the error)
PAGE_CASES: list[tuple[str, dict[str, str], str]] = [
    ("referral", {"name": "Jane\x00Example"}, "name"),
    ("referral", {"name": "Jane\x07Example"}, "name"),
    ("referral", {"name": "Jane\x1b[31mExample"}, "name"),
    ("referral", {"name": "J" * 201}, "name"),
    ("referral", {"reference": "<script>alert(1)</script>"}, "reference"),
    ("referral", {"reference": "../../etc/passwd"}, "reference"),
    ("referral", {"reference": "R" * 41}, "reference"),
    ("referral", _parts("referred_on", "1", "1", "99999999999999999999"), "referred_on"),
    ("referral", _parts("referred_on", "1", "1", "1"), "referred_on"),
    ("referral", _parts("referred_on", "1", "1", "0001"), "referred_on"),
    ("referral", _parts("referred_on", "31", "12", "9999"), "referred_on"),
    ("referral", _parts("referred_on", "99999999999999999999", "1", "2003"), "referred_on"),
    ("referral", _parts("referred_on", "1", "99999999999999999999", "2003"), "referred_on"),
    # A year in fullwidth digits, which int() would read as 2003.
    ("referral", _parts("date_of_birth", "1", "1", "\uff12\uff10\uff10\uff13"), "date_of_birth"),
    ("appointment", {"hours": "NaN"}, "hours"),
    ("appointment", {"hours": "Infinity"}, "hours"),
    ("appointment", {"hours": "-2"}, "hours"),
    ("appointment", {"hours": "13"}, "hours"),
    ("appointment", {"hours": "1.001"}, "hours"),
    ("appointment", {"hours": "9" * 5000}, "hours"),
    ("appointment", _parts("on", "1", "1", "99999999999999999999"), "on"),
    ("appointment", _parts("on", "1", "1", "9999"), "on"),
    ("warning", {"reason": "missed\x00keywork"}, "reason"),
    # (A lone surrogate cannot reach a page: a browser sends U+FFFD in its place, and a form
    # body's bad UTF-8 is decoded the same way; the files and the API carry it instead.)
    ("warning", {"reason": "missed\x85keywork"}, "reason"),
    ("warning", {"reason": "missed\x7fkeywork"}, "reason"),
    ("warning", {"reason": "x" * 4001}, "reason"),
]

_PAGE_URLS = {
    "referral": ("cases:referral", False),
    "appointment": ("cases:appointment-new", True),
    "warning": ("cases:warning-new", True),
}


def _good_fields(page: str, today: dt.date) -> dict[str, str]:
    day = [str(today.day), str(today.month), str(today.year)]
    if page == "referral":
        return dict(_REFERRAL)
    if page == "appointment":
        return {**_parts("on", *day), "hours": "2", "with_whom": "probation"}
    return {**_parts("on", *day), "reason": "Missed keywork"}


@pytest.mark.parametrize(("page", "changes", "field"), PAGE_CASES)
def test_case_pages_refuse_hostile_values_naming_the_field(
    client: Client, page: str, changes: dict[str, str], field: str
) -> None:
    manager = make_user("cm", "case_manager")
    running = make_running_case(manager)
    client.force_login(manager)
    name, on_case = _PAGE_URLS[page]
    url = reverse(name, kwargs={"reference": running.case.reference} if on_case else {})
    form_page = client.get(url).content.decode()
    token = form_page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    before = _state()

    response = client.post(
        url, {**_good_fields(page, running.today), **changes, "form_token": token}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert all(_discreet(str(m)) for messages in errors.values() for m in messages), errors
    assert _state() == before


def test_a_good_referral_form_is_recorded(client: Client) -> None:
    """The good form the hostile ones are changed from is itself accepted."""
    manager = make_user("cm", "case_manager")
    client.force_login(manager)
    url = reverse("cases:referral")
    form_page = client.get(url).content.decode()
    token = form_page.split('name="form_token" value="', 1)[1].split('"', 1)[0]

    response = client.post(url, {**_REFERRAL, "form_token": token})

    assert response.status_code == 302
    assert Case.objects.filter(reference="HOSTILE-PAGE").exists()


# --- The API ---------------------------------------------------------------------------------

_NESTED = "[" * 100_000 + "]" * 100_000


def _appointment(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "case_reference": world.reference,
        "on": str(world.today - dt.timedelta(days=1)),
        "hours": 2,
        **changes,
    }


def _drug_test(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "case_reference": world.reference,
        "sample_id": "LEI-HOSTILE",
        "on": str(world.today - dt.timedelta(days=1)),
        "results": {"opiates": "negative"},
        **changes,
    }


# (path, client, body as sent: a dict made into JSON, or raw text)
API_CASES: list[tuple[str, str, Any]] = [
    ("appointments", "treatment-provider", lambda w: _appointment(w, hours="NaN")),
    ("appointments", "treatment-provider", lambda w: _appointment(w, hours=-2)),
    ("appointments", "treatment-provider", lambda w: _appointment(w, hours=13)),
    ("appointments", "treatment-provider", lambda w: _appointment(w, hours="9" * 5000)),
    (
        "appointments",
        "treatment-provider",
        lambda w: _appointment(w, on="99999999999999999999-01-01"),
    ),
    ("appointments", "treatment-provider", lambda w: _appointment(w, on="0001-01-01")),
    ("appointments", "treatment-provider", lambda w: _appointment(w, on="9999-12-31")),
    ("appointments", "treatment-provider", lambda w: _appointment(w, case_reference="<b>R</b>")),
    ("appointments", "treatment-provider", lambda w: _appointment(w, kind="x\x00")),
    ("appointments", "treatment-provider", lambda w: _appointment(w, outcome=[[["ATTC"]]])),
    ("appointments", "treatment-provider", lambda w: '{"case_reference": ' + _NESTED + "}"),
    ("appointments", "treatment-provider", lambda w: '{"hours": NaN}'),
    ("appointments", "treatment-provider", lambda w: '{"hours": 1' + "0" * 5000 + "}"),
    ("appointments", "treatment-provider", lambda w: '{"case_reference": "\\ud800"}'),
    ("appointments", "treatment-provider", lambda w: "not json"),
    ("drug-tests", "laboratory", lambda w: _drug_test(w, results={"opiates": "maybe"})),
    ("drug-tests", "laboratory", lambda w: _drug_test(w, results={"x" * 5000: "positive"})),
    ("drug-tests", "laboratory", lambda w: _drug_test(w, results={"opiates\x00": "positive"})),
    ("drug-tests", "laboratory", lambda w: _drug_test(w, sample_id="LEI\x1b[31m")),
    ("drug-tests", "laboratory", lambda w: _drug_test(w, on="99999999999999999999-01-01")),
    ("drug-tests", "laboratory", lambda w: _drug_test(w, confirmed={"cocaine": True})),
    ("drug-tests", "laboratory", lambda w: _drug_test(w, results={"opiates": "negative\ud800"})),
    ("drug-tests", "laboratory", lambda w: _drug_test(w, results=_NESTED)),
    ("drug-tests", "laboratory", lambda w: '{"results": ' + _NESTED + "}"),
]


@pytest.fixture
def api_world() -> World:
    return make_world()


@pytest.mark.parametrize(("path", "who", "body"), API_CASES)
def test_the_api_refuses_hostile_posts_with_a_problem_and_changes_nothing(
    api_world: World, client: Client, path: str, who: str, body: Any
) -> None:
    sent = body(api_world)
    text = sent if isinstance(sent, str) else json.dumps(sent)
    before = (_state(), DrugTest.objects.count(), Order.objects.count())

    response = client.post(
        f"/api/v1/{path}",
        text,
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_world.tokens[who]}"},
    )

    assert response.status_code in (400, 422), response.content[:300]
    assert response["Content-Type"].startswith("application/problem+json")
    assert len(response.content) < 4000
    assert (_state()[:3], DrugTest.objects.count(), Order.objects.count()) == (
        before[0][:3],
        before[1],
        before[2],
    )

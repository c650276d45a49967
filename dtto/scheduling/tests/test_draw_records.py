"""Recorded draws: made for every live Order once, never redrawn or changed, and verifiable.

Orders are made on Monday 2 November 2026 (hand-checked), so their weeks run Monday to
Sunday; the draws are made "today" = Friday 30 October 2026, before the first week begins.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from dtto.audit.models import AuditEvent
from dtto.audit.services import Actor
from dtto.cases import services as case_services
from dtto.cases.models import Order
from dtto.scheduling import append_only
from dtto.scheduling.models import TestDraw
from dtto.scheduling.services import draw_order_week, draw_week

pytestmark = pytest.mark.django_db

KEY = "a test key, not the demo key"
MADE_ON = dt.date(2026, 11, 2)
DRAWN_ON = dt.date(2026, 10, 30)
ACTOR = Actor.system("test")


@pytest.fixture(autouse=True)
def _key_and_day(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.DTTO_TEST_DRAW_KEY = KEY
    # The command draws as of today: make today the Friday before the Orders' first week.
    monkeypatch.setattr("dtto.scheduling.management.commands.tests._today", lambda: DRAWN_ON)


def _order(reference: str, *, made_on: dt.date = MADE_ON, months: int = 12) -> Order:
    case = case_services.register_referral(
        by=ACTOR,
        today=made_on,
        reference=reference,
        area="leicestershire",
        name="Sam Test",
        date_of_birth=dt.date(1980, 5, 1),
        sex="M",
        ethnicity="W1",
        referred_on=made_on - dt.timedelta(days=30),
        referral_source="court",
    )
    case_services.record_assessment(case, by=ACTOR, outcome="suitable", today=made_on)
    return case_services.make_order(
        case,
        by=ACTOR,
        today=made_on,
        made_on=made_on,
        length_months=months,
        intensity="higher",
    )


@contextmanager
def _triggers_dropped() -> Iterator[None]:
    append_only.remove(connection)
    try:
        yield
    finally:
        append_only.install(connection)


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("tests", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_draw_for_a_week_draws_every_live_order_and_no_ended_one():
    first, second = _order("LEI-1"), _order("LEI-2")
    ended = _order("LEI-3", made_on=dt.date(2025, 11, 3), months=6)  # term over by May 2026

    run = draw_week(MADE_ON, today=DRAWN_ON)

    # The seven days from Monday 2 November are exactly week 1 of both Orders made that day.
    assert sorted((d.order_id, d.week) for d in run.made) == [(first.pk, 1), (second.pk, 1)]
    assert not TestDraw.objects.filter(order=ended).exists()
    assert all(len(d.called_days) == 2 for d in run.made)


def test_the_seven_days_from_a_wednesday_draw_the_two_order_weeks_they_touch():
    order = _order("LEI-1")

    draw_week(dt.date(2026, 11, 4), today=DRAWN_ON)

    draws = TestDraw.objects.filter(order=order).order_by("week")
    assert [(d.week, d.starts_on) for d in draws] == [
        (1, dt.date(2026, 11, 2)),
        (2, dt.date(2026, 11, 9)),
    ]


def test_drawing_again_never_redraws_a_week_even_with_another_key(settings):
    order = _order("LEI-1")
    draw_week(MADE_ON, today=DRAWN_ON)
    recorded = TestDraw.objects.get(order=order)
    events = AuditEvent.objects.filter(action="scheduling.test_draw.made").count()

    settings.DTTO_TEST_DRAW_KEY = "a different key"
    again = draw_week(MADE_ON, today=DRAWN_ON)
    same, made = draw_order_week(order, 1, today=DRAWN_ON)

    assert again.made == [] and again.already_drawn == 1
    assert not made and same is not None and same.pk == recorded.pk
    stored = TestDraw.objects.get(order=order)
    assert (stored.days, stored.digest) == (recorded.days, recorded.digest)
    assert AuditEvent.objects.filter(action="scheduling.test_draw.made").count() == events == 1


def test_each_draw_is_audited_with_its_days():
    order = _order("LEI-1")
    draw_week(MADE_ON, today=DRAWN_ON)
    recorded = TestDraw.objects.get(order=order)

    event = AuditEvent.objects.get(action="scheduling.test_draw.made")

    assert event.case_reference == "LEI-1"
    assert event.target_id == str(recorded.pk)
    assert event.after["days"] == recorded.days
    assert event.after["digest"] == recorded.digest


def test_the_database_refuses_to_change_or_delete_a_draw():
    _order("LEI-1")
    draw_week(MADE_ON, today=DRAWN_ON)
    recorded = TestDraw.objects.get()

    for attempt in (
        lambda: TestDraw.objects.filter(pk=recorded.pk).update(days="2026-11-07"),
        lambda: TestDraw.objects.filter(pk=recorded.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert TestDraw.objects.get().days == recorded.days


def test_the_demo_key_is_refused_outside_debug(settings):
    _order("LEI-1")
    settings.DTTO_TEST_DRAW_KEY = settings.DEMO_TEST_DRAW_KEY
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DTTO_TEST_DRAW_KEY is not set"):
        _run("draw", "--week", "2026-11-02")
    assert not TestDraw.objects.exists()


def test_draw_command_reports_counts_and_never_the_days():
    _order("LEI-1")

    out, err = _run("draw", "--week", "2026-11-02")

    assert TestDraw.objects.count() == 1
    assert (out, err) == (
        "1 draw(s) made, 0 week(s) already drawn, for 1 live Order(s) in the week from "
        "2 November 2026\n",
        "",
    )


def test_dry_run_draws_nothing():
    _order("LEI-1")

    out, _ = _run("draw", "--week", "2026-11-02", "--dry-run")

    assert "1 week(s) to draw" in out
    assert not TestDraw.objects.exists()


def test_verify_passes_every_draw_as_made():
    _order("LEI-1"), _order("LEI-2")
    draw_week(MADE_ON, today=DRAWN_ON)

    out, _ = _run("verify-draw")

    assert "2 draw(s) checked: every one matches" in out


def _alter(order: Order, **values: str) -> None:
    sets = ", ".join(f"{name} = %s" for name in values)
    with _triggers_dropped(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {append_only.DRAWS} SET {sets} WHERE order_id = %s",
            [*values.values(), order.pk],
        )


def test_verify_names_the_draw_whose_days_were_changed_in_the_database():
    altered, intact = _order("LEI-1"), _order("LEI-2")
    draw_week(MADE_ON, today=DRAWN_ON)
    recorded = TestDraw.objects.get(order=altered)
    # Move the calls to two weekdays of the week that were not drawn.
    weekdays = [MADE_ON + dt.timedelta(days=n) for n in range(5)]
    other = [d for d in weekdays if d not in recorded.called_days][:2]
    _alter(altered, days=",".join(d.isoformat() for d in other))

    with pytest.raises(CommandError, match="1 of 2 draw"):
        _run("verify-draw")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("tests", "verify-draw", stderr=err)
    assert "DOES NOT MATCH: LEI-1 week 1 (from 2026-11-02): days recorded" in err.getvalue()
    assert "LEI-2" not in err.getvalue()
    assert TestDraw.objects.filter(order=intact).exists()


def test_verify_names_a_draw_whose_stored_inputs_were_changed():
    order = _order("LEI-1")
    draw_week(MADE_ON, today=DRAWN_ON)
    _alter(order, tests_required="1")

    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 draw"):
        call_command("tests", "verify-draw", "--order", "LEI-1", stderr=err)
    assert "tests required recorded as 1, the Order gives 2" in err.getvalue()


def test_verify_with_another_key_says_the_draw_was_made_with_another_key(settings):
    _order("LEI-1")
    draw_week(MADE_ON, today=DRAWN_ON)
    settings.DTTO_TEST_DRAW_KEY = "the wrong key"

    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("tests", "verify-draw", "--week", "2026-11-05", stderr=err)
    assert "drawn with another key" in err.getvalue()


def test_verify_reports_missing_triggers():
    _order("LEI-1")
    draw_week(MADE_ON, today=DRAWN_ON)

    err = io.StringIO()
    with _triggers_dropped(), pytest.raises(CommandError):
        call_command("tests", "verify-draw", stderr=err)
    assert "triggers that keep draws unchanged are missing" in err.getvalue()


def test_verify_of_an_unknown_order_is_refused_by_name():
    with pytest.raises(CommandError, match="--order: no Order with the case reference 'NOPE'"):
        _run("verify-draw", "--order", "NOPE")


def test_a_week_whose_days_have_all_gone_is_not_drawn():
    order = _order("LEI-1")

    record, made = draw_order_week(order, 1, today=dt.date(2026, 11, 9))

    assert (record, made) == (None, False)
    assert not TestDraw.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_committed_draws_are_refused_change_and_the_test_database_still_empties():
    # Committed for real, as in production; the flush after this test must still empty the
    # table (dtto/conftest.py drops and reinstalls the triggers around it).
    order = _order("LEI-1")
    draw_week(MADE_ON, today=DRAWN_ON)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        TestDraw.objects.filter(order=order).update(week=9)
    assert TestDraw.objects.get(order=order).week == 1


def test_deploy_checks_refuse_the_demo_key_outside_debug(settings):
    settings.DTTO_TEST_DRAW_KEY = settings.DEMO_TEST_DRAW_KEY
    settings.DEBUG = False

    refused = {m.id for m in run_checks(include_deployment_checks=True)}
    settings.DTTO_TEST_DRAW_KEY = KEY
    accepted = {m.id for m in run_checks(include_deployment_checks=True)}

    assert "dtto.E101" in refused
    assert "dtto.E101" not in accepted


def test_verify_names_a_draw_moved_to_a_week_past_the_orders_term():
    order = _order("LEI-1", months=6)
    draw_week(MADE_ON, today=DRAWN_ON)
    _alter(order, week="40")

    err = io.StringIO()
    with pytest.raises(CommandError, match="1 of 1 draw"):
        call_command("tests", "verify-draw", stderr=err)
    assert "week 40 starts after the Order's term ends" in err.getvalue()

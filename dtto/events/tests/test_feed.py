"""The feed pages through the events in order, so a subscriber never misses or repeats one."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from dtto.events.feed import MAX_LIMIT, EventPage, events_after
from dtto.events.services import emit
from dtto.standards.errors import RecordInvalid

pytestmark = pytest.mark.django_db


def write_batches(count: int) -> None:
    # cases.imported needs no case: the n-th batch "imported n cases", to tell them apart.
    for n in range(1, count + 1):
        with transaction.atomic():
            emit("cases.imported", cases=n, orders=0, records=0)


def subscribe(after: int, limit: int) -> tuple[list[int], list[EventPage]]:
    """A subscriber's loop: ask, handle, keep the next cursor, ask again while there is more."""
    handled: list[int] = []
    pages = []
    while True:
        page = events_after(after, limit)
        pages.append(page)
        handled.extend(event.payload["cases"] for event in page.events)
        after = page.next_cursor
        if not page.more:
            return handled, pages


def test_a_subscriber_paging_by_three_handles_seven_events_once_each_in_order() -> None:
    write_batches(7)
    handled, pages = subscribe(0, 3)
    assert handled == [1, 2, 3, 4, 5, 6, 7]
    # Pages of 3, 3 and 1; the first two say more is waiting, the last does not.
    assert [([e.sequence for e in page.events], page.next_cursor, page.more) for page in pages] == [
        ([1, 2, 3], 3, True),
        ([4, 5, 6], 6, True),
        ([7], 7, False),
    ]


def test_a_page_that_ends_exactly_at_the_last_event_says_there_is_no_more() -> None:
    write_batches(6)
    page = events_after(3, 3)
    assert ([e.sequence for e in page.events], page.next_cursor, page.more) == ([4, 5, 6], 6, False)


def test_asking_after_the_last_event_returns_nothing_and_keeps_the_cursor() -> None:
    write_batches(2)
    page = events_after(2, 10)
    assert (page.events, page.next_cursor, page.more) == ((), 2, False)


def test_a_subscriber_resuming_from_its_cursor_sees_only_later_events() -> None:
    write_batches(3)
    first, _ = subscribe(0, 100)
    cursor = events_after(0, 100).next_cursor
    write_batches(2)  # the 4th and 5th batches say they imported 1 and 2 cases
    later, _ = subscribe(cursor, 100)
    assert (first, later) == ([1, 2, 3], [1, 2])
    assert [e.sequence for e in events_after(cursor, 100).events] == [4, 5]


def test_an_event_as_json_has_the_documented_fields() -> None:
    write_batches(1)
    (event,) = events_after(0, 1).events
    shown = event.as_json()
    assert set(shown) == {
        "sequence",
        "type",
        "occurred_on",
        "recorded_at",
        "case_reference",
        "order_id",
        "record",
        "payload",
    }
    assert shown["recorded_at"].endswith("+00:00")
    assert (shown["type"], shown["payload"]) == (
        "cases.imported",
        {"cases": 1, "orders": 0, "records": 0},
    )


@pytest.mark.parametrize(
    ("after", "limit", "field", "words"),
    [
        (-1, 10, "after", "must be 0 or more, got -1"),
        ("abc", 10, "after", "must be a whole number, got 'abc'"),
        ("1.5", 10, "after", "must be a whole number"),
        (0, 0, "limit", "must be from 1 to 1000, got 0"),
        (0, MAX_LIMIT + 1, "limit", "must be from 1 to 1000, got 1001"),
        (0, "ten", "limit", "must be a whole number, got 'ten'"),
    ],
)
def test_a_bad_cursor_or_limit_is_refused_naming_the_field(
    after: object, limit: object, field: str, words: str
) -> None:
    with pytest.raises(RecordInvalid) as refused:
        events_after(after, limit)  # type: ignore[arg-type]
    assert words in refused.value.by_field()[field][0]


def test_the_command_prints_json_lines_and_the_next_cursor(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_batches(5)
    call_command("events", "--after", "1", "--limit", "3")
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(line["sequence"], line["payload"]["cases"]) for line in lines] == [
        (2, 2),
        (3, 3),
        (4, 4),
    ]
    assert err.strip() == "next cursor: 4 (more: yes)"


def test_the_command_refuses_a_bad_limit_naming_the_option() -> None:
    with pytest.raises(CommandError, match="--limit: must be from 1 to 1000, got 5000"):
        call_command("events", "--limit", "5000")


def test_the_command_verifies_an_intact_feed(capsys: pytest.CaptureFixture[str]) -> None:
    write_batches(3)
    call_command("events", "--verify")
    assert capsys.readouterr().out.strip() == (
        "intact: 3 events numbered 1 to 3, triggers in place"
    )

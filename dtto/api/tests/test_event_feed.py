"""The event feed over HTTP: ``GET /api/v1/events?after=`` pages through domain events in order."""

from __future__ import annotations

from django.test import Client

from dtto.api.tests.clients import World, call


def _page(client: Client, world: World, after: int, limit: int = 100) -> dict:
    answer = call(
        client, "GET", f"/api/v1/events?after={after}&limit={limit}", world.tokens["events"]
    )
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_a_laboratory_result_appears_once_in_the_feed_after_the_cursor(
    world: World, client: Client
) -> None:
    start = _page(client, world, 0, 1000)["next_cursor"]
    body = {
        "case_reference": world.reference,
        "sample_id": "LAB-FEED-1",
        "on": str(world.today),
        "results": {"opiates": "negative"},
    }
    posted = call(client, "POST", "/api/v1/drug-tests", world.tokens["laboratory"], body)
    assert posted.status_code == 201, posted.content

    page = _page(client, world, start)
    # One negative test: one drug-test.recorded event and no failure, numbered next.
    assert [(e["sequence"], e["type"]) for e in page["events"]] == [
        (start + 1, "drug-test.recorded")
    ]
    assert page["events"][0]["case_reference"] == world.reference
    assert page["next_cursor"] == start + 1
    assert page["more"] is False
    # Asking again from the new cursor repeats nothing.
    assert _page(client, world, start + 1)["events"] == []


def test_a_small_page_says_there_is_more_and_where_to_continue(
    world: World, client: Client
) -> None:
    first = _page(client, world, 0, 1)
    # The running case's Order was made through the services, so the feed is not empty.
    assert len(first["events"]) == 1
    assert first["events"][0]["sequence"] == 1
    assert first["next_cursor"] == 1
    second = _page(client, world, first["next_cursor"], 1)
    assert second["events"][0]["sequence"] == 2


def test_a_negative_cursor_is_refused_naming_after(world: World, client: Client) -> None:
    answer = call(client, "GET", "/api/v1/events?after=-1", world.tokens["events"])
    assert answer.status_code == 422
    assert answer["Content-Type"].startswith("application/problem+json")
    assert [error["field"] for error in answer.json()["errors"]] == ["after"]


def test_an_events_client_asking_for_a_case_is_told_which_roles_may(
    world: World, client: Client
) -> None:
    answer = call(client, "GET", f"/api/v1/cases/{world.reference}", world.tokens["events"])
    assert answer.status_code == 403
    # Written out from the access table: cases are read by case readers and providers.
    assert answer.json()["detail"] == (
        "An events client may not do this; it is for: case-reader, treatment-provider."
    )

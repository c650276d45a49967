"""`dtto audit verify` passes an intact trail and names the first bad event in a broken one;
`dtto audit export` writes events an inspector can check with nothing but SHA-256.

The trail is broken the way only a database owner could: the test drops the triggers,
changes rows, and puts the triggers back, then expects the chain to give it away.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from dtto.audit import append_only
from dtto.audit.chain import GENESIS, ChainHeadMissing, event_hash, stamp
from dtto.audit.models import AuditEvent
from dtto.audit.services import Actor, record_event
from dtto.cases.importing import import_case_document

pytestmark = pytest.mark.django_db

WRITER = Actor.system("test")
CASE_FILE = Path(__file__).parents[2] / "cases" / "tests" / "fixtures" / "two-cases.json"


def _three_events() -> list[AuditEvent]:
    """A trail of exactly three events, numbered 1, 2, 3 (the test database starts empty)."""
    assert not AuditEvent.objects.exists()
    return [
        record_event(
            WRITER, "audit.test.written", target_type="thing", target_id=n, detail={"n": n}
        )
        for n in (1, 2, 3)
    ]


@contextmanager
def _triggers_dropped() -> Iterator[None]:
    append_only.remove(connection)
    try:
        yield
    finally:
        append_only.install(connection)


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _verify_with(*options: str) -> str:
    out = io.StringIO()
    call_command("audit", "verify", *options, stdout=out)
    return out.getvalue()


def _verify() -> str:
    return _verify_with()


def _verify_fails() -> str:
    with pytest.raises(CommandError) as refused:
        _verify()
    assert refused.value.returncode == 1
    return str(refused.value)


def test_verify_passes_an_intact_trail_and_reports_its_last_event() -> None:
    events = _three_events()
    assert _verify().strip() == (
        f"audit trail intact: 3 events; last event 3, hash {events[-1].hash}"
    )


def test_events_are_numbered_without_gaps_and_each_links_to_the_one_before() -> None:
    events = _three_events()
    assert [e.sequence for e in events] == [1, 2, 3]
    assert [e.previous_hash for e in events] == [GENESIS, events[0].hash, events[1].hash]


def test_the_hash_is_sha256_of_the_canonical_content_as_documented() -> None:
    # Built here from docs/security.md, not by the code under test: sorted keys, no spaces.
    event = _three_events()[0]
    content = {
        "action": "audit.test.written",
        "actor_id": None,
        "actor_label": "test",
        "after": None,
        "at": event.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"),
        "before": None,
        "case_reference": "",
        "detail": {"n": 1},
        "previous_hash": "0" * 64,
        "sequence": 1,
        "target_id": "1",
        "target_type": "thing",
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"))
    assert event.hash == hashlib.sha256(text.encode()).hexdigest()


def test_verify_names_an_event_whose_content_was_changed() -> None:
    events = _three_events()
    with _triggers_dropped():
        _sql(
            f"UPDATE {append_only.EVENTS} SET detail = %s WHERE id = %s",
            ['{"n": 20}', events[1].pk],
        )
    assert "first bad event: event 2 (audit.test.written): changed content" in _verify_fails()


def test_verify_names_the_broken_link_after_an_event_rewritten_with_a_fresh_hash() -> None:
    # Event 2 changed and its own hash recomputed: it checks out alone, so the first event
    # that cannot be right is 3, whose previous hash no longer matches.
    events = _three_events()
    tampered = AuditEvent.objects.get(pk=events[1].pk)
    tampered.detail = {"n": 20}
    with _triggers_dropped():
        _sql(
            f"UPDATE {append_only.EVENTS} SET detail = %s, hash = %s WHERE id = %s",
            ['{"n": 20}', event_hash(tampered), events[1].pk],
        )
    assert "first bad event: event 3: broken link" in _verify_fails()


def test_verify_names_a_gap_where_an_event_was_deleted() -> None:
    events = _three_events()
    with _triggers_dropped():
        _sql(f"DELETE FROM {append_only.EVENTS} WHERE id = %s", [events[1].pk])
    assert "first bad event: gap before event 3: event 2 missing" in _verify_fails()


def test_verify_notices_events_removed_from_the_end() -> None:
    events = _three_events()
    with _triggers_dropped():
        _sql(f"DELETE FROM {append_only.EVENTS} WHERE id = %s", [events[2].pk])
    assert (
        "gap at the end: the trail ends at event 2 but the chain head records event 3"
        in _verify_fails()
    )


def test_verify_fails_while_the_triggers_are_missing_even_with_the_chain_intact() -> None:
    _three_events()
    append_only.remove(connection)
    message = _verify_fails()
    append_only.install(connection)
    assert "triggers missing" in message and "first bad event" not in message


def test_events_written_in_bulk_by_the_importer_are_chained() -> None:
    before = _three_events()
    import_case_document(json.loads(CASE_FILE.read_text()), by=WRITER, today=dt.date(2026, 1, 1))
    imported = list(AuditEvent.objects.filter(action="cases.case.imported").order_by("sequence"))
    assert len(imported) == 2
    assert [e.sequence for e in imported] == [4, 5]
    assert imported[0].previous_hash == before[-1].hash
    assert "intact: 5 events" in _verify()


def _export(tmp_path: Path, *options: str) -> list[dict[str, Any]]:
    out = tmp_path / "trail.jsonl"
    call_command("audit", "export", "--out", str(out), *options, stderr=io.StringIO())
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_export_lines_can_be_checked_with_sha256_alone(tmp_path: Path) -> None:
    events = _three_events()
    lines = _export(tmp_path)
    assert [line["sequence"] for line in lines] == [1, 2, 3]
    previous = "0" * 64
    for line in lines:
        claimed = line.pop("hash")
        text = json.dumps(line, sort_keys=True, separators=(",", ":"))
        assert hashlib.sha256(text.encode()).hexdigest() == claimed
        assert line["previous_hash"] == previous
        previous = claimed
    assert previous == events[-1].hash


def test_export_file_is_readable_by_its_owner_only_even_if_it_existed(tmp_path: Path) -> None:
    _three_events()
    out = tmp_path / "trail.jsonl"
    out.write_text("old")
    out.chmod(0o644)
    call_command("audit", "export", "--out", str(out), stderr=io.StringIO())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not out.read_text().startswith("old")


def test_export_is_itself_audited(tmp_path: Path) -> None:
    _three_events()
    _export(tmp_path)
    exported = AuditEvent.objects.get(action="audit.trail.exported")
    assert exported.detail == {"from": None, "to": None, "events": 3}


def test_export_from_and_to_keep_the_events_of_those_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Noon UTC is 12:00 or 13:00 in London: the same local day either way.
    for day in (1, 2, 3, 4):
        noon = dt.datetime(2026, 3, day, 12, tzinfo=dt.UTC)
        monkeypatch.setattr("dtto.audit.chain.timezone.now", lambda noon=noon: noon)
        record_event(WRITER, "audit.test.written", target_type="day", target_id=day)
    monkeypatch.undo()
    lines = _export(tmp_path, "--from", "2026-03-02", "--to", "2026-03-03")
    assert [line["target_id"] for line in lines] == ["2", "3"]


def test_export_refuses_a_bad_date_naming_the_option(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--from: not a date"):
        call_command("audit", "export", "--out", str(tmp_path / "x"), "--from", "03/02/2026")
    assert not (tmp_path / "x").exists()


def test_verify_expect_catches_a_trail_rewritten_with_every_hash_recomputed() -> None:
    # What the chain alone cannot catch: event 2 changed and events 2 and 3 rehashed, the
    # head moved to match. The hash of event 3 noted before the rewrite gives it away.
    events = _three_events()
    noted = f"3:{events[2].hash}"
    assert "intact" in _verify_with("--expect", noted)
    rewritten = [AuditEvent.objects.get(pk=e.pk) for e in events]
    rewritten[1].detail = {"n": 20}
    last = stamp(rewritten[1:], 1, rewritten[0].hash)
    with _triggers_dropped():
        for event in rewritten[1:]:
            _sql(
                f"UPDATE {append_only.EVENTS} SET detail = %s, previous_hash = %s, hash = %s"
                " WHERE id = %s",
                [json.dumps(event.detail), event.previous_hash, event.hash, event.pk],
            )
        _sql(f"UPDATE {append_only.HEAD} SET hash = %s", [last])
    assert "intact" in _verify()
    with pytest.raises(CommandError, match="event 3: not the event noted earlier"):
        _verify_with("--expect", noted)


def test_verify_expect_refuses_a_malformed_note() -> None:
    with pytest.raises(CommandError, match="--expect: not SEQUENCE:HASH"):
        _verify_with("--expect", "3:abc")


def test_verify_names_an_event_forged_with_loaddata(tmp_path: Path) -> None:
    # loaddata inserts a new row without going through the chain: its stored hash cannot
    # be the hash of its content (the forger would need to compute it, and the next check
    # is the head, which still records event 3).
    events = _three_events()
    forged = tmp_path / "forged.json"
    fields = {
        "sequence": 4,
        "at": "2026-03-01T12:00:00Z",
        "actor": None,
        "actor_label": "intruder",
        "action": "audit.test.forged",
        "target_type": "thing",
        "target_id": "4",
        "case_reference": "",
        "before": None,
        "after": None,
        "detail": {},
        "previous_hash": events[2].hash,
        "hash": "f" * 64,
    }
    forged.write_text(json.dumps([{"model": "audit.auditevent", "fields": fields}]))
    call_command("loaddata", str(forged), verbosity=0)
    assert "first bad event: event 4 (audit.test.forged): changed content" in _verify_fails()


def test_no_event_is_written_once_the_chain_head_has_been_removed() -> None:
    _three_events()
    with _triggers_dropped():
        _sql(f"DELETE FROM {append_only.HEAD}", [])
    with pytest.raises(ChainHeadMissing):
        record_event(WRITER, "audit.test.written", target_type="thing", target_id=4)
    assert AuditEvent.objects.count() == 3
    assert "the chain head is missing (the trail has 3 events)" in _verify_fails()

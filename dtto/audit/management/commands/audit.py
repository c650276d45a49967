"""Check the audit trail, or export it for an inspector.

dtto audit verify
    Recompute every event's hash and link, in sequence order. Exit 0 when the trail is
    intact (the last event's number and hash are printed: note them, and a later run can
    show the trail only grew); exit 1 naming the first bad event: changed content, a
    broken link, a gap in the sequence numbers or at the end; or when the database
    triggers that refuse changes and deletions are missing.

dtto audit export --out FILE [--from YYYY-MM-DD] [--to YYYY-MM-DD]
    Write the events (those on or between the given days, in local time) as JSON lines,
    one event per line in its canonical form plus its hash, so that the hashes can be
    checked with any SHA-256 tool (docs/security.md, "The audit trail"). The file is
    readable by its owner only (mode 0600). The export itself is an audit event.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from dtto.audit.chain import canonical_content, canonical_json, verify_trail
from dtto.audit.models import AuditEvent
from dtto.audit.services import Actor, record_event
from dtto.lib.commands import DocstringCommand
from dtto.lib.files import open_private

EXPORT_BATCH = 2000
HEX = "0123456789abcdef"


def _day(option: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: not a date (YYYY-MM-DD): {value[:20]!r}") from None


def _noted(value: str) -> tuple[int, str]:
    sequence, _, expected = value.partition(":")
    if not (sequence.isdigit() and len(expected) == 64 and set(expected) <= set(HEX)):
        raise CommandError(f"--expect: not SEQUENCE:HASH (64 hex digits): {value[:80]!r}")
    return int(sequence), expected


def _private_file(path: Path) -> Any:
    """The file opened for writing, created (or cut back to empty) readable by its owner only."""
    try:
        return open_private(path, "w")
    except OSError as error:
        raise CommandError(f"--out: cannot write {path}: {error.strerror}") from None


class Command(DocstringCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="verify|export", required=True)
        verify = actions.add_parser("verify", help="check every event's hash, link and number")
        verify.add_argument(
            "--expect",
            action="append",
            default=[],
            metavar="SEQUENCE:HASH",
            help="an event's number and hash noted from an earlier run (repeatable)",
        )
        export = actions.add_parser("export", help="write the events as JSON lines")
        export.add_argument("--out", required=True, metavar="FILE", help="the file to write")
        export.add_argument("--from", dest="from_day", metavar="YYYY-MM-DD", help="first day")
        export.add_argument("--to", dest="to_day", metavar="YYYY-MM-DD", help="last day")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "verify":
            self._verify([_noted(value) for value in options["expect"]])
        else:
            self._export(
                Path(options["out"]),
                _day("--from", options["from_day"]),
                _day("--to", options["to_day"]),
            )

    def _verify(self, noted: list[tuple[int, str]]) -> None:
        result = verify_trail()
        problems = []
        if result.first_break is not None:
            problems.append(f"first bad event: {result.first_break}")
        for sequence, expected in noted:
            found = (
                AuditEvent.objects.filter(sequence=sequence).values_list("hash", flat=True).first()
            )
            if found != expected:
                problems.append(
                    f"event {sequence}: not the event noted earlier (hash {found or 'missing'},"
                    f" noted {expected})"
                )
        if result.missing_triggers:
            problems.append(
                "the database no longer refuses changes: triggers missing: "
                + ", ".join(result.missing_triggers)
            )
        if problems:
            raise CommandError("audit trail not intact; " + "; ".join(problems), returncode=1)
        self.stdout.write(
            f"audit trail intact: {result.events} events;"
            f" last event {result.last_sequence}, hash {result.last_hash}"
        )

    def _export(self, out: Path, from_day: dt.date | None, to_day: dt.date | None) -> None:
        if from_day and to_day and from_day > to_day:
            raise CommandError(f"--from: {from_day} is after --to {to_day}")
        events = AuditEvent.objects.order_by("sequence")
        if from_day:
            events = events.filter(at__date__gte=from_day)
        if to_day:
            events = events.filter(at__date__lte=to_day)
        count = 0
        with _private_file(out) as handle:
            for event in events.iterator(chunk_size=EXPORT_BATCH):
                handle.write(canonical_json({**canonical_content(event), "hash": event.hash}))
                handle.write("\n")
                count += 1
        record_event(
            Actor.system("dtto audit export"),
            "audit.trail.exported",
            target_type="file",
            target_id=out.name[:64],
            detail={
                "from": from_day.isoformat() if from_day else None,
                "to": to_day.isoformat() if to_day else None,
                "events": count,
            },
        )
        self.stderr.write(f"{out}: {count} audit event(s) written")

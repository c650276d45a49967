"""Write everything dtto holds about one person, for a subject access request.

dtto subject-access --case REF --out FILE
    The person of case REF: every record of every case of theirs (in the case format, and
    row by row from each table that holds anything about them, reports' summaries included)
    and every audit event about them or their cases, as one readable JSON file, readable by
    its owner only (mode 0600). The export is itself an audit event.
    See docs/operations.md ("Subject access").
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from dtto.audit.services import Actor, record_event
from dtto.cases.models import Case
from dtto.cases.subject_access import subject_access_bundle
from dtto.lib.commands import DocstringCommand
from dtto.lib.files import open_private


class Command(DocstringCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", required=True, metavar="REF", help="a case of the person")
        parser.add_argument("--out", required=True, metavar="FILE", help="the file to write")

    def handle(self, *args: Any, case: str, out: str, **options: Any) -> None:
        found = Case.objects.select_related("person").filter(reference=case).first()
        if found is None:
            raise CommandError(f"--case: no case {case[:40]!r}")
        bundle = subject_access_bundle(found)
        try:
            with open_private(out, "w") as handle:
                json.dump(bundle, handle, indent=2, ensure_ascii=False, sort_keys=False)
                handle.write("\n")
        except OSError as error:
            raise CommandError(f"--out: cannot write {out}: {error.strerror}") from None
        record_event(
            Actor.system("dtto subject-access"),
            "cases.person.subject_access_exported",
            target_type="person",
            target_id=found.person_id,
            case_reference=found.reference,
            detail={
                "cases": bundle["case_references"],
                "records": sum(len(rows) for rows in bundle["records"].values()),
                "audit_events": len(bundle["audit_events"]),
            },
        )
        self.stderr.write(
            f"{out}: {len(bundle['case_references'])} case(s),"
            f" {len(bundle['audit_events'])} audit event(s) written"
        )

"""The database's refusal to change or delete a recorded test draw (SQLite and PostgreSQL).

The same kind of triggers as the audit trail's, from the same builder
(``dtto/lib/append_only.py``): every UPDATE and DELETE of a draw is refused whatever issues
it, and TRUNCATE (PostgreSQL) while the table holds a row. A draw is made once and never
redrawn, so there is nothing legitimate to change. A database owner can drop the triggers;
what they then change is caught by ``dtto tests verify-draw`` (the recomputed days or
digest differ) and by the audit event written with every draw.

On SQLite, Django rebuilds a table to alter it, which drops its triggers: a migration that
alters ``TestDraw`` must call ``install`` again afterwards.
"""

from __future__ import annotations

from dtto.lib.append_only import AppendOnly

DRAWS = "scheduling_testdraw"
REFUSAL = "recorded test draws are append-only"

RECORDED_DRAWS = AppendOnly(
    what="test draws",
    refusal=REFUSAL,
    functions="scheduling",
    table=DRAWS,
    triggers="test_draw",
)

install = RECORDED_DRAWS.install
remove = RECORDED_DRAWS.remove
missing_triggers = RECORDED_DRAWS.missing_triggers

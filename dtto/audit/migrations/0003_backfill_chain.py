"""Chain the events written before the chain existed, in the order they were written."""

from typing import Any

from django.db import migrations

from dtto.audit.chain import GENESIS, HEAD_KEY, stamp

BATCH = 2000


def backfill(apps: Any, schema_editor: Any) -> None:
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    sequence, last_hash = 0, GENESIS
    # Keys first: updating rows while a cursor still walks the same table is unsafe on SQLite.
    keys = list(AuditEvent.objects.order_by("at", "id").values_list("id", flat=True))
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        found = AuditEvent.objects.in_bulk(chunk)
        batch = [found[key] for key in chunk]
        last_hash = stamp(batch, sequence, last_hash)
        AuditEvent.objects.bulk_update(batch, ["sequence", "previous_hash", "hash"])
        sequence += len(batch)
    AuditChainHead.objects.create(pk=HEAD_KEY, sequence=sequence, hash=last_hash)


def unchain(apps: Any, schema_editor: Any) -> None:
    apps.get_model("audit", "AuditChainHead").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_chain_fields"),
    ]

    operations = [migrations.RunPython(backfill, unchain)]

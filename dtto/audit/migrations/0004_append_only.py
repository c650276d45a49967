"""Every event has its place in the chain; the database refuses to change or delete one."""

from typing import Any

from django.db import migrations, models

from dtto.audit import append_only


def install(apps: Any, schema_editor: Any) -> None:
    append_only.install(schema_editor.connection)


def remove(apps: Any, schema_editor: Any) -> None:
    append_only.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_backfill_chain"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(unique=True),
        ),
        # Last, after the table's final rebuild: on SQLite a rebuild drops triggers.
        migrations.RunPython(install, remove),
    ]

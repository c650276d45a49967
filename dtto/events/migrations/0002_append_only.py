"""The database refuses to change or delete a domain event, or to move the head backwards."""

from typing import Any

from django.db import migrations

from dtto.events import append_only


def install(apps: Any, schema_editor: Any) -> None:
    append_only.install(schema_editor.connection)


def remove(apps: Any, schema_editor: Any) -> None:
    append_only.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_domain_events"),
    ]

    # After the tables' final shape: on SQLite a rebuild drops triggers.
    operations = [migrations.RunPython(install, remove)]

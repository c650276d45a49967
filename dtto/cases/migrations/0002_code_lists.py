from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from dtto.cases.codelists import CODE_LISTS

    code_model = apps.get_model("cases", "Code")
    for list_name, seeds in CODE_LISTS.items():
        for position, seed in enumerate(seeds):
            code_model.objects.update_or_create(
                list_name=list_name,
                code=seed.code,
                defaults={
                    "label": seed.label,
                    "meaning": seed.meaning,
                    "group": seed.group,
                    "sort_order": position,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

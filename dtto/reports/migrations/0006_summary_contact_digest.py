"""The summary's contact digest: a re-judge writes only what changed (decision 0015).

The digests are worked out by re-judging every Order with the code of this release (the
summaries hold nothing that is not derived from the case record), as 0004 does.
"""

from django.db import migrations, models


def _rejudge(apps, schema_editor):
    Order = apps.get_model("cases", "Order")
    if not Order.objects.exists():
        return
    from dtto.reports.summaries import refresh_summaries

    refresh_summaries(list(Order.objects.values_list("pk", flat=True)))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_contact_hours_rollup"),
    ]

    operations = [
        migrations.AddField(
            model_name="ordersummary",
            name="contact_digest",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(_rejudge, migrations.RunPython.noop),
    ]

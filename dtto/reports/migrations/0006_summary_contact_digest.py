"""The summary's contact digest: a re-judge writes only what changed (decision 0015).

The digests are worked out by re-judging every Order with the code installed, once every
migration has run (``dtto.reports.summaries.rejudge_after_migrate``).
"""

from django.db import migrations, models


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
    ]

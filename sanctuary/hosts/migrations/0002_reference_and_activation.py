from typing import Any

from django.db import migrations, models

import sanctuary.hosts.models


def give_references(apps: Any, schema_editor: Any) -> None:
    Host = apps.get_model("hosts", "Host")
    for host in Host.objects.filter(reference__isnull=True):
        host.reference = sanctuary.hosts.models.new_reference()
        host.save(update_fields=["reference"])


class Migration(migrations.Migration):
    dependencies = [
        ("hosts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="host",
            name="reference",
            field=models.CharField(max_length=12, null=True),
        ),
        migrations.RunPython(give_references, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="host",
            name="reference",
            field=models.CharField(
                default=sanctuary.hosts.models.new_reference, max_length=12, unique=True
            ),
        ),
        migrations.AddField(
            model_name="host",
            name="invitation_key",
            field=models.BinaryField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="vettingstep",
            name="kind",
            field=models.CharField(
                choices=[
                    ("interview", "Interviewed"),
                    ("identity_seen", "Identity document seen"),
                    ("reference", "Reference received"),
                    ("second_approval", "Approved by a second coordinator"),
                    ("downgrade", "Tier lowered"),
                    ("deactivated", "Deactivated"),
                    ("reactivated", "Reactivated"),
                ],
                max_length=20,
            ),
        ),
    ]

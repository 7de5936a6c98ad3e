"""Every existing sealed copy gets wrapped under its record's new erasure key.

No holder's secret is needed: the already-sealed bytes are what get wrapped. The erasure keys
are committed to their store before any row here changes (docs/keys.md, "Shredding").
"""

from django.db import migrations, models

from sanctuary.keyring import crypto, erasure


def _aad(row: models.Model) -> bytes:
    return crypto.erasure_aad(row.record_type, row.record_id, str(row.holder_id))


def wrap_existing_copies(apps, schema_editor):
    SealedKey = apps.get_model("keyring", "SealedKey")
    rows = SealedKey.objects.using(schema_editor.connection.alias)
    erasure.ensure_many(rows.values_list("record_type", "record_id").distinct())
    for row in rows.iterator(chunk_size=2000):
        key = erasure.key_for(row.record_type, row.record_id)
        row.wrapped = crypto.wrap_erasable(bytes(row.sealed), key, aad=_aad(row))
        row.save(update_fields=["wrapped"])


def unwrap_copies(apps, schema_editor):
    SealedKey = apps.get_model("keyring", "SealedKey")
    for row in SealedKey.objects.using(schema_editor.connection.alias).iterator(chunk_size=2000):
        key = erasure.key_for(row.record_type, row.record_id)
        if key is None:  # shredded since: its copy opens nothing any more
            row.delete()
            continue
        row.sealed = crypto.unwrap_erasable(bytes(row.wrapped), key, aad=_aad(row))
        row.save(update_fields=["sealed"])


class Migration(migrations.Migration):

    dependencies = [
        ("keyring", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="sealedkey",
            name="wrapped",
            field=models.BinaryField(null=True),
        ),
        migrations.AlterField(
            model_name="sealedkey",
            name="sealed",
            field=models.BinaryField(null=True),
        ),
        migrations.RunPython(wrap_existing_copies, unwrap_copies),
        migrations.RemoveField(
            model_name="sealedkey",
            name="sealed",
        ),
        migrations.AlterField(
            model_name="sealedkey",
            name="wrapped",
            field=models.BinaryField(),
        ),
    ]

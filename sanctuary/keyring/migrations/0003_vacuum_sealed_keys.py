"""On PostgreSQL, rewrite the sealed-key table so that the copies as they were before 0002
(sealed, openable with a password) leave its live files: 0002's updates only marked them
dead, and a dropped column keeps its values until the table is rewritten. VACUUM FULL writes
a new file without them. Segments of the write-ahead log written before still hold them until
PostgreSQL recycles them, as do older backups (docs/keys.md, "Shredding")."""

from django.db import migrations


def rewrite_table(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite rebuilt the table in 0002, with secure_delete on
    table = apps.get_model("keyring", "SealedKey")._meta.db_table
    schema_editor.execute(f"VACUUM FULL {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    # VACUUM cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("keyring", "0002_erasure_keys"),
    ]

    operations = [
        migrations.RunPython(rewrite_table, migrations.RunPython.noop),
    ]

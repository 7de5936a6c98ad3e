"""Sessions stored by a keyed digest of their key (sanctuary.accounts.sessions).

Every existing session ends: Django's `django_session` table held each cookie's value in plain,
so it is dropped with its rows, and the login sessions that named those keys go with it.
Everyone signs in again after this migration.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def drop_plain_sessions(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("accounts", "LoginSession").objects.all().delete()
    connection = schema_editor.connection
    if "django_session" in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name('django_session')}")
    # django.contrib.sessions is no longer installed: forget that its table was ever made.
    schema_editor.execute("DELETE FROM django_migrations WHERE app = 'sessions'")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_host_role"),
    ]

    operations = [
        migrations.RunPython(drop_plain_sessions, migrations.RunPython.noop, elidable=False),
        migrations.CreateModel(
            name="Session",
            fields=[
                ("key_digest", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("session_data", models.TextField()),
                ("expire_date", models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.RemoveField(model_name="loginsession", name="session_key"),
        migrations.AddField(
            model_name="loginsession",
            name="session_digest",
            field=models.CharField(max_length=64, unique=True, default=""),
            preserve_default=False,
        ),
    ]

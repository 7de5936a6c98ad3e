from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.utils import timezone


def copy_arrival(apps, schema_editor):  # type: ignore[no-untyped-def]
    CaseFile = apps.get_model("cases", "CaseFile")
    Case = apps.get_model("intake", "Case")
    arrival = Case.objects.filter(pk=OuterRef("case_id")).values("created_at")[:1]
    CaseFile.objects.update(received_at=Subquery(arrival))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_last_reply_at"),
        ("intake", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="casefile",
            name="received_at",
            field=models.DateTimeField(default=timezone.now),
        ),
        migrations.RunPython(copy_arrival, migrations.RunPython.noop),
    ]

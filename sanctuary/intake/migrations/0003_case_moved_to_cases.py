# Step 3 of 3: intake forgets the case, its messages and attachments, now the cases app's
# models on the same tables. Their content types follow them, so nothing points at the old app.

import django.db.models.deletion
from django.db import migrations, models

MOVED = ('case', 'message', 'attachment')


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    for model in MOVED:
        old = ContentType.objects.filter(app_label='intake', model=model).first()
        if old is None:
            continue
        if ContentType.objects.filter(app_label='cases', model=model).exists():
            old.delete()
        else:
            old.app_label = 'cases'
            old.save(update_fields=['app_label'])


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    ContentType.objects.filter(app_label='cases', model__in=MOVED).update(app_label='intake')


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('intake', '0002_case_tables_move_to_cases'),
        ('cases', '0008_case_message_attachment'),
        ('referrals', '0002_case_in_cases'),
        ('shelter', '0002_case_in_cases'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='seekersession',
                    name='case',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='cases.case'),
                ),
                migrations.DeleteModel(name='Attachment'),
                migrations.DeleteModel(name='Message'),
                migrations.DeleteModel(name='Case'),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]

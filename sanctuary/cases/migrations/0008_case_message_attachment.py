# Step 2 of 3 of moving the case here from intake: the models, on the tables intake 0002
# renamed. Nothing changes in the database; the foreign keys of casework point here now.

import django.db.models.deletion
import django.utils.timezone
import sanctuary.keyring.fields
import uuid
from django.conf import settings
from django.db import migrations, models


def _to_case(related_name, one_to_one=False):
    if one_to_one:
        return models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name=related_name, serialize=False, to='cases.case')
    return models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name=related_name, to='cases.case')


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_counselor_profile'),
        ('intake', '0002_case_tables_move_to_cases'),
        ('keyring', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Case',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('lookup_id', models.CharField(max_length=64, unique=True)),
                        ('status', models.CharField(max_length=32)),
                        ('on_behalf', models.BooleanField(default=False)),
                        ('country', models.CharField(blank=True, max_length=40)),
                        ('languages', models.JSONField(default=list)),
                        ('help_wanted', models.JSONField(default=list)),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('situation', sanctuary.keyring.fields.EncryptedField(blank=True, null=True)),
                        ('story', sanctuary.keyring.fields.EncryptedField(blank=True, null=True)),
                        ('contact', sanctuary.keyring.fields.EncryptedField(blank=True, null=True)),
                        ('seeker', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='case', to='keyring.holder')),
                    ],
                    options={
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Message',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('from_seeker', models.BooleanField()),
                        ('body', sanctuary.keyring.fields.EncryptedField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='cases.case')),
                    ],
                    options={
                        'ordering': ['created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Attachment',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('media_type', models.CharField(max_length=40)),
                        ('filename', sanctuary.keyring.fields.EncryptedField(blank=True, null=True)),
                        ('content', sanctuary.keyring.fields.EncryptedField(blank=True, null=True)),
                        ('message', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='cases.message')),
                    ],
                ),
                migrations.AlterField(model_name='casefile', name='case', field=_to_case('file', one_to_one=True)),
                migrations.AlterField(model_name='note', name='case', field=_to_case('notes')),
                migrations.AlterField(model_name='task', name='case', field=_to_case('tasks')),
                migrations.AlterField(model_name='checkin', name='case', field=_to_case('check_ins')),
                migrations.AlterField(model_name='checklisttick', name='case', field=_to_case('ticks')),
            ],
            database_operations=[],
        ),
    ]

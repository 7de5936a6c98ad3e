# The case moved to the cases app (cases 0008); its table and this foreign key are unchanged.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('shelter', '0001_initial'),
        ('cases', '0008_case_message_attachment'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='stayrequest',
                    name='case',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stay_requests', to='cases.case'),
                ),
            ],
            database_operations=[],
        ),
    ]

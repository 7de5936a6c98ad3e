# The case, its messages and attachments move to the cases app (sanctuary/cases owns the case).
# Step 1 of 3: the tables take the cases app's names, rows and keys untouched. Step 2
# (cases 0008) declares the models in cases; step 3 (intake 0003) forgets them here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelTable(name='case', table='cases_case'),
        migrations.AlterModelTable(name='message', table='cases_message'),
        migrations.AlterModelTable(name='attachment', table='cases_attachment'),
    ]

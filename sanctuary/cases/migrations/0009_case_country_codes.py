# The case's plain country column holds what the one country list names (sanctuary/countries.py):
# an ISO code, or one of the routes base's territories. Old spellings ("kz", "Грузия") become
# codes; a value that names nothing is kept and reported, so no row is lost.

from django.db import migrations

from sanctuary import countries


def normalise_countries(apps, schema_editor):
    Case = apps.get_model('cases', 'Case')
    kept = {}
    for value in sorted(set(Case.objects.exclude(country='').values_list('country', flat=True))):
        code = countries.normalise_stored(value, territories=True)
        if code is None:
            kept[value] = Case.objects.filter(country=value).count()
        elif code != value:
            Case.objects.filter(country=value).update(country=code)
    if kept:
        listed = ', '.join(f'{value!r} ({rows} rows)' for value, rows in kept.items())
        print(f'\n  cases.Case: kept as stored, names no known country: {listed}.')


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_case_message_attachment'),
    ]

    operations = [
        migrations.RunPython(normalise_countries, migrations.RunPython.noop, elidable=True),
    ]

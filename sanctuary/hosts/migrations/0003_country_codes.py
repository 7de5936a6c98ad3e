from typing import Any

from django.db import migrations, models

import sanctuary.country_fields


def normalise_countries(apps: Any, schema_editor: Any) -> None:
    """Hosts and offers store the ISO code: "kz" and "Казахстан" become "KZ". A value that
    names no country is kept and reported (sanctuary/country_fields.py)."""
    for model in ("Host", "Offer"):
        sanctuary.country_fields.normalise_stored_countries(
            apps.get_model("hosts", model), label=f"hosts.{model}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("hosts", "0002_reference_and_activation"),
    ]

    operations = [
        migrations.RunPython(normalise_countries, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="host",
            name="country",
            field=models.CharField(
                max_length=2, validators=[sanctuary.country_fields.validate_country]
            ),
        ),
        migrations.AlterField(
            model_name="offer",
            name="country",
            field=models.CharField(
                max_length=2, validators=[sanctuary.country_fields.validate_country]
            ),
        ),
    ]

from typing import Any

from django.db import migrations, models

import sanctuary.country_fields


def normalise_countries(apps: Any, schema_editor: Any) -> None:
    """Partners store the ISO code: "ge" becomes "GE". A value that names no country is kept
    and reported (sanctuary/country_fields.py)."""
    sanctuary.country_fields.normalise_stored_countries(
        apps.get_model("referrals", "Partner"), label="referrals.Partner"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(normalise_countries, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="partner",
            name="country",
            field=models.CharField(
                max_length=2,
                validators=[sanctuary.country_fields.validate_country],
                verbose_name="Country",
            ),
        ),
    ]

# Sectors moved to the reference app with their table: Django's state only.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0005_profile"),
        ("reference", "0001_initial"),
        ("challenges", "0009_reference_models"),
        ("solutions", "0003_reference_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="organisation",
                    name="sectors",
                    field=models.ManyToManyField(
                        blank=True, related_name="+", to="reference.sectortag", verbose_name="sectors"
                    ),
                ),
                migrations.DeleteModel(name="SectorTag"),
            ],
            database_operations=[],
        ),
    ]

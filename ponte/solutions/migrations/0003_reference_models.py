# Sectors and CPV codes moved to the reference app with their tables: Django's state only.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("solutions", "0002_media"),
        ("reference", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="solution",
                    name="cpv_codes",
                    field=models.ManyToManyField(
                        blank=True, related_name="solutions", to="reference.cpvcode", verbose_name="CPV codes"
                    ),
                ),
                migrations.AlterField(
                    model_name="solution",
                    name="sectors",
                    field=models.ManyToManyField(
                        blank=True, related_name="+", to="reference.sectortag", verbose_name="sectors"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]

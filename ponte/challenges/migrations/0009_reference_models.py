# Sectors and CPV codes moved to the reference app with their tables: Django's state only.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0008_challenge_amendments"),
        ("reference", "0001_initial"),
        ("solutions", "0003_reference_models"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="challenge",
                    name="sectors",
                    field=models.ManyToManyField(
                        blank=True, related_name="+", to="reference.sectortag", verbose_name="sectors"
                    ),
                ),
                migrations.AlterField(
                    model_name="challenge",
                    name="cpv_codes",
                    field=models.ManyToManyField(
                        blank=True, related_name="challenges", to="reference.cpvcode", verbose_name="CPV codes"
                    ),
                ),
                migrations.AlterField(
                    model_name="subscription",
                    name="sectors",
                    field=models.ManyToManyField(blank=True, related_name="+", to="reference.sectortag"),
                ),
                migrations.DeleteModel(name="CpvCode"),
            ],
            database_operations=[],
        ),
    ]

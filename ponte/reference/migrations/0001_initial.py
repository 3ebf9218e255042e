# The reference tables were first made by the apps that used them first; this migration
# takes them over in Django's state only, so existing databases keep every row.
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("challenges", "0007_public_list_indexes"),
        ("organisations", "0005_profile"),
        ("solutions", "0002_media"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SectorTag",
                    fields=[
                        (
                            "code",
                            models.CharField(
                                choices=[
                                    ("health", "Health"),
                                    ("education", "Education"),
                                    ("mobility", "Mobility and transport"),
                                    ("energy", "Energy and climate"),
                                    ("environment", "Environment"),
                                    ("social", "Social services"),
                                    ("justice", "Justice and security"),
                                    ("tax", "Tax and finance"),
                                    ("digital", "Digital government"),
                                    ("agriculture", "Agriculture and food"),
                                    ("culture", "Culture"),
                                    ("employment", "Employment"),
                                    ("housing", "Housing and urban development"),
                                ],
                                max_length=32,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                    ],
                    options={"db_table": "organisations_sectortag"},
                ),
                migrations.CreateModel(
                    name="CpvCode",
                    fields=[
                        ("code", models.CharField(max_length=10, primary_key=True, serialize=False)),
                        ("label", models.CharField(max_length=300)),
                    ],
                    options={
                        "verbose_name": "CPV code",
                        "verbose_name_plural": "CPV codes",
                        "db_table": "challenges_cpvcode",
                        "ordering": ["code"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

from django.db import migrations

SECTORS = [
    "health",
    "education",
    "mobility",
    "energy",
    "environment",
    "social",
    "justice",
    "tax",
    "digital",
    "agriculture",
    "culture",
    "employment",
    "housing",
]


def add_sectors(apps, schema_editor):
    SectorTag = apps.get_model("organisations", "SectorTag")
    for code in SECTORS:
        SectorTag.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(add_sectors, migrations.RunPython.noop)]

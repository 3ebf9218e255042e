from django.db import migrations, models
from django.db.models import F


def asked_when_started(apps, schema_editor):
    """A project asked its sponsor when it started: the moment its request has waited since."""
    apps.get_model("lab", "Project").objects.update(sponsorship_asked_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("lab", "0005_cocreation"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="sponsorship_asked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="project",
            name="sponsorship",
            field=models.CharField(
                choices=[
                    ("none", "No sponsor asked"),
                    ("asked", "Waiting for the sponsor's answer"),
                    ("accepted", "Accepted by the sponsor"),
                    ("declined", "Declined by the sponsor"),
                ],
                default="asked",
                max_length=16,
            ),
        ),
        migrations.RunPython(asked_when_started, migrations.RunPython.noop),
    ]

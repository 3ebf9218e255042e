from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def named_at_the_decision(apps, schema_editor):
    apps.get_model("sandbox", "Exemption").objects.update(
        sponsorship_asked_at=F("created_at"), sponsorship_answered_at=F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sandbox", "0004_lab_project"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The sponsors of exemptions granted before sponsors answered were named by the
        # ministry's decision and have served since: they stand as accepted from the day of the
        # decision. An exemption granted from now on asks its sponsor.
        migrations.AddField(
            model_name="exemption",
            name="sponsorship",
            field=models.CharField(
                choices=[
                    ("none", "No sponsor asked"),
                    ("asked", "Waiting for the sponsor's answer"),
                    ("accepted", "Accepted by the sponsor"),
                    ("declined", "Declined by the sponsor"),
                ],
                default="accepted",
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="exemption",
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
        migrations.AddField(
            model_name="exemption",
            name="sponsorship_answered_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="exemption",
            name="sponsorship_asked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="exemption",
            name="sponsorship_note",
            field=models.TextField(blank=True),
        ),
        migrations.AddIndex(
            model_name="exemption",
            index=models.Index(fields=["sponsor", "sponsorship"], name="sandbox_exemption_by_sponsor"),
        ),
        migrations.RunPython(named_at_the_decision, migrations.RunPython.noop),
    ]

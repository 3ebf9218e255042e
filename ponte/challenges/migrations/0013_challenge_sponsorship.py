import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0012_release_order"),
        ("organisations", "0006_reference_models"),
        ("reference", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="challenge",
            name="sponsor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sponsored_challenges",
                to=settings.AUTH_USER_MODEL,
                verbose_name="sponsor",
            ),
        ),
        migrations.AddField(
            model_name="challenge",
            name="sponsorship",
            field=models.CharField(
                choices=[
                    ("none", "No sponsor asked"),
                    ("asked", "Waiting for the sponsor's answer"),
                    ("accepted", "Accepted by the sponsor"),
                    ("declined", "Declined by the sponsor"),
                ],
                default="none",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="challenge",
            name="sponsorship_answered_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="challenge",
            name="sponsorship_asked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="challenge",
            name="sponsorship_note",
            field=models.TextField(blank=True),
        ),
        migrations.AddIndex(
            model_name="challenge",
            index=models.Index(fields=["sponsor", "sponsorship"], name="challenge_by_sponsor"),
        ),
    ]

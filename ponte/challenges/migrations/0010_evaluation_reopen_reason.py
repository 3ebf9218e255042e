# The reason an evaluation was reopened becomes a field of its own; evaluations reopened
# before keep theirs, read once from the audit trail where it was kept until now.
from django.db import migrations, models


def from_audit_trail(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEvent = apps.get_model("core", "AuditEvent")
    Evaluation = apps.get_model("challenges", "Evaluation")
    kind = ContentType.objects.filter(app_label="challenges", model="evaluation").first()
    if kind is None:
        return
    for evaluation in Evaluation.objects.filter(reopened_at__isnull=False):
        event = (
            AuditEvent.objects.filter(target_type=kind, target_id=str(evaluation.pk), verb="reopen")
            .order_by("-created_at", "-pk")
            .first()
        )
        if event is not None:
            Evaluation.objects.filter(pk=evaluation.pk).update(reopen_reason=event.reason)


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0009_reference_models"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(model_name="evaluation", name="reopen_reason", field=models.TextField(blank=True)),
        migrations.RunPython(from_audit_trail, migrations.RunPython.noop),
    ]

from django.core.management.base import BaseCommand

from ponte.sandbox.services.reminders import send_sandbox_reminders


class Command(BaseCommand):
    help = (
        "Remind the applicants of a progress report due within 14 days, tell the programme managers and the "
        "ministry of a report overdue, and both sides of an exemption ending within 30 days; once each. Run every "
        "day (for example from cron)."
    )

    def handle(self, *args, **options):
        sent = send_sandbox_reminders()
        self.stdout.write(
            f"Reports due: {sent['report_due']}. Reports overdue: {sent['report_overdue']}. "
            f"Exemptions ending: {sent['ending']}."
        )

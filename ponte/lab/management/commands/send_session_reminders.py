from django.core.management.base import BaseCommand

from ponte.lab.services.cocreation import send_session_reminders


class Command(BaseCommand):
    help = (
        "Remind the people signed up to a lab session that starts within a day, once each. "
        "Run every hour (for example from cron)."
    )

    def handle(self, *args, **options):
        sent = send_session_reminders()
        self.stdout.write(f"Session reminders sent: {sent}.")

from django.core.management.base import BaseCommand

from ponte.learning.services.reminders import send_learning_reminders


class Command(BaseCommand):
    help = "Remind the people enrolled in a learning session that starts within two days (once per start)."

    def handle(self, *args, **options):
        sent = send_learning_reminders()
        self.stdout.write(f"Reminded {sent} people of a learning session.")

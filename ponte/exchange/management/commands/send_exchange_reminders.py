from django.core.management.base import BaseCommand

from ponte.exchange.services.scheduling import send_exchange_reminders


class Command(BaseCommand):
    help = (
        "Remind the people and mentors of each exchange that starts within three days, and ask them "
        "to answer its survey once it is over; once each. Run every day (for example from cron)."
    )

    def handle(self, *args, **options):
        reminded, asked = send_exchange_reminders()
        self.stdout.write(f"Exchanges reminded: {reminded}. Surveys asked: {asked}.")

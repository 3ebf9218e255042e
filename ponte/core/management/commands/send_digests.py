from django.core.management.base import BaseCommand

from ponte.core.tasks import send_daily_digests


class Command(BaseCommand):
    help = "Queue the daily digest e-mails. Run once a day (for example from cron)."

    def handle(self, *args, **options):
        send_daily_digests.enqueue()
        self.stdout.write("Daily digests queued.")

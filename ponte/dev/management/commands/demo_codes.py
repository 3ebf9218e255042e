import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from ponte.dev.demo.people import sign_in_table


class Command(BaseCommand):
    help = "Print the current two-factor codes of the demo accounts that need one (development only)."

    def handle(self, *args, **options):
        counter = int(time.time()) // 30
        for role, email, secret in sign_in_table():
            if secret:
                code = format_hotp_value(hotp_value(secret, counter))
                self.stdout.write(f"{code}  {email}  ({role})")
        self.stdout.write(f"Codes change every 30 seconds; {30 - int(time.time()) % 30} s left.")

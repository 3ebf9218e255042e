from django.core.management.base import BaseCommand
from django.db import transaction

from ponte.core import search
from ponte.dev import demo
from ponte.dev.demo.people import password, sign_in_table


class Command(BaseCommand):
    help = "Fill the database with Ponte's demo world. Safe to run again: it keeps what is there."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo sign-ins.")

    def handle(self, *args, quiet=False, **options):
        with transaction.atomic():
            demo.build(self.stdout)
        count = search.rebuild_index()
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS(f"Demo world ready ({count} searchable items)."))
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (password for all: {password()}):")
        for role, email, secret in sign_in_table():
            line = f"  {role:<45} {email}"
            if secret:
                line += f"   two-factor secret {secret}"
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("Accounts with a two-factor secret ask for a code: add the secret to an authenticator app,")
        self.stdout.write("or print the current codes with:  .venv/bin/python -m ponte demo-codes")

from django.core.management.base import BaseCommand

from ponte.core import search


class Command(BaseCommand):
    help = "Rebuild the full-text search index from every registered source."

    def handle(self, *args, **options):
        self.stdout.write(f"Indexed {search.rebuild_index()} items.")

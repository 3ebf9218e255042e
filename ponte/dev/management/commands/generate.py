from django.core.management.base import BaseCommand
from django.db import connection, transaction
from tqdm import tqdm

from ponte.core import search
from ponte.dev import generate
from ponte.opendata import ocds


class Command(BaseCommand):
    help = "Generate synthetic data at a scale (S, M or L) for benchmarks. Adds to what is there."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["S", "M", "L"], default="S")

    def handle(self, *args, scale="S", **options):
        def progress(total, desc):
            return tqdm(total=total, desc=desc, unit="rows", file=self.stderr._out)

        with transaction.atomic():
            generate.build(scale, progress)
        self.stdout.write("Rebuilding the search index…")
        count = search.rebuild_index()
        if connection.vendor == "postgresql":
            # The planner's statistics describe the data just loaded, not the empty tables:
            # without them, each page of releases is read by the plan for an empty table.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # As a deployment's feed has kept each release since it was first read.
        self.stdout.write("Publishing the open contracting releases…")
        releases = ocds.publish_all()
        done = f"Generated scale {scale}; {count} searchable items, {releases} releases."
        self.stdout.write(self.style.SUCCESS(done))

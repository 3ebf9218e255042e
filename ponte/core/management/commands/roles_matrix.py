from django.core.management.base import BaseCommand, CommandError

from ponte.core import rolematrix


class Command(BaseCommand):
    help = (
        "Write the role matrix (docs/roles.md) from the permission rules. Whatever it creates "
        "to ask the rules is rolled back, so it is safe on any database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Do not write; fail if docs/roles.md differs from the rules."
        )

    def handle(self, *args, check=False, **options):
        text = rolematrix.render_fresh()
        path = rolematrix.DOC_PATH
        if check:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                raise CommandError(f"docs/roles.md is out of date: run `{rolematrix.COMMAND}`.")
            self.stdout.write("docs/roles.md is up to date.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote docs/roles.md ({text.count('### ')} permissions)."))

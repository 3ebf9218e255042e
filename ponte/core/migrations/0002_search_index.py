from django.db import migrations

from ponte.core.search import install_index, remove_index


class Migration(migrations.Migration):
    """The full-text index beside core_searchentry: FTS5 on SQLite, a tsvector on PostgreSQL."""

    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(install_index, remove_index)]

"""The full-text index over search entries, in the database's own dialect (FTS5 or GIN)."""

from django.db import migrations


def create_index(apps, schema_editor):
    from territori.publication.search_backends import setup_statements

    for statement in setup_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    from territori.publication.search_backends import teardown_statements

    for statement in teardown_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("publication", "0001_reports_pages_search")]

    operations = [migrations.RunPython(create_index, drop_index)]

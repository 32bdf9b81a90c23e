"""Database triggers that refuse UPDATE and DELETE on the audit log, on SQLite and PostgreSQL alike."""

from django.db import migrations

from taizhang.core.migrations import _triggers


def forwards(apps, schema_editor):
    _triggers.install(schema_editor.connection)


def backwards(apps, schema_editor):
    _triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

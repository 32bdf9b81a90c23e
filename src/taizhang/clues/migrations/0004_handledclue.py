"""The units each clue was ever given to, kept by PostgreSQL triggers (clues/handled.py)."""

from django.db import migrations, models


def install(apps, schema_editor):
    """The triggers, then the pairs already there (PostgreSQL only)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from taizhang.clues import handled

    schema_editor.execute(handled.INSTALL_SQL)
    schema_editor.execute(handled.REBUILD_SQL)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from taizhang.clues import handled

        schema_editor.execute(handled.UNINSTALL_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("clues", "0003_ledger_cover_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="HandledClue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("unit_id", models.BigIntegerField()),
                ("clue_id", models.BigIntegerField()),
                ("status", models.CharField(max_length=20)),
                ("is_umbrella", models.BooleanField()),
            ],
            options={
                "verbose_name": "承办线索",
                "indexes": [
                    models.Index(fields=["unit_id", "is_umbrella", "status"], name="handled_unit_status"),
                    models.Index(fields=["clue_id"], name="handled_clue"),
                ],
                "constraints": [models.UniqueConstraint(fields=("unit_id", "clue_id"), name="handled_unit_clue")],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]

"""A clue inserted finds its links (a restore may insert them first) among the links of the clues the statement
inserted, not among every link: the HandledClue trigger on clues_clue read all assignments and transfers for
each registration (250 ms a clue at 100,000 clues). Only that trigger function's INSERT branch changes; no row
does.

The SQL is frozen here as it stands at this migration: 0005's, with that one join replaced.
"""

import importlib

from django.db import migrations

BEFORE = importlib.import_module("taizhang.clues.migrations.0005_handledclue_ledger_columns").INSTALL_SQL
ALL_PAIRS = """FROM new_rows n JOIN (SELECT unit_id AS unit_id, clue_id FROM clues_assignment WHERE unit_id IS NOT NULL UNION SELECT receiver_unit_id AS unit_id, clue_id FROM clues_transfer WHERE receiver_unit_id IS NOT NULL) AS p ON p.clue_id = n.id"""
NEW_PAIRS = """FROM new_rows n JOIN (SELECT unit_id AS unit_id, clue_id FROM clues_assignment WHERE unit_id IS NOT NULL AND clue_id IN (SELECT id FROM new_rows) UNION SELECT receiver_unit_id AS unit_id, clue_id FROM clues_transfer WHERE receiver_unit_id IS NOT NULL AND clue_id IN (SELECT id FROM new_rows)) AS p ON p.clue_id = n.id"""
assert BEFORE.count(ALL_PAIRS) == 1
INSTALL_SQL = BEFORE.replace(ALL_PAIRS, NEW_PAIRS)


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL_SQL)


def uninstall(apps, schema_editor):
    """Back to 0005's trigger functions."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("clues", "0007_text_filter_grams"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]

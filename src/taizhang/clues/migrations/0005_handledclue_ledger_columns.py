"""HandledClue carries the clue's ledger columns, with an index per sort led by the unit (clues/handled.py):
a member unit's ledger pages and filtered counts read its own rows.

The SQL is frozen here as it stands at this migration (see 0004). The table is refilled in one pass
(TRUNCATE, then one INSERT from the assignments and transfers) before the new indexes are built.
"""

import datetime
import importlib

from django.db import migrations, models

INSTALL_SQL = """
CREATE OR REPLACE FUNCTION clues_handledclue_clues_assignment() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'INSERT' THEN 
      PERFORM 1 FROM clues_clue c WHERE c.id IN (SELECT clue_id FROM new_rows) FOR SHARE;
      INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella, category, channel, sector_id, finding_result, responsible_unit_id, office_id, number, received_at, deadline_at, concluded_at)
      SELECT DISTINCT n.unit_id, n.clue_id, c.status, c.is_umbrella, c.category, c.channel, c.sector_id, c.finding_result, c.responsible_unit_id, c.office_id, c.number, c.received_at, c.deadline_at, c.concluded_at
      FROM new_rows n JOIN clues_clue c ON c.id = n.clue_id
      WHERE n.unit_id IS NOT NULL
      ON CONFLICT (unit_id, clue_id) DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN 
      DELETE FROM clues_handledclue h USING (SELECT DISTINCT unit_id AS unit_id, clue_id FROM old_rows) o
      WHERE h.unit_id = o.unit_id AND h.clue_id = o.clue_id AND NOT EXISTS (SELECT 1 FROM clues_assignment x WHERE x.unit_id = o.unit_id AND x.clue_id = o.clue_id) AND NOT EXISTS (SELECT 1 FROM clues_transfer x WHERE x.receiver_unit_id = o.unit_id AND x.clue_id = o.clue_id); 
      PERFORM 1 FROM clues_clue c WHERE c.id IN (SELECT clue_id FROM new_rows) FOR SHARE;
      INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella, category, channel, sector_id, finding_result, responsible_unit_id, office_id, number, received_at, deadline_at, concluded_at)
      SELECT DISTINCT n.unit_id, n.clue_id, c.status, c.is_umbrella, c.category, c.channel, c.sector_id, c.finding_result, c.responsible_unit_id, c.office_id, c.number, c.received_at, c.deadline_at, c.concluded_at
      FROM new_rows n JOIN clues_clue c ON c.id = n.clue_id
      WHERE n.unit_id IS NOT NULL
      ON CONFLICT (unit_id, clue_id) DO NOTHING;
  ELSIF TG_OP = 'DELETE' THEN 
      DELETE FROM clues_handledclue h USING (SELECT DISTINCT unit_id AS unit_id, clue_id FROM old_rows) o
      WHERE h.unit_id = o.unit_id AND h.clue_id = o.clue_id AND NOT EXISTS (SELECT 1 FROM clues_assignment x WHERE x.unit_id = o.unit_id AND x.clue_id = o.clue_id) AND NOT EXISTS (SELECT 1 FROM clues_transfer x WHERE x.receiver_unit_id = o.unit_id AND x.clue_id = o.clue_id);
  ELSE 
    DELETE FROM clues_handledclue;
    INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella, category, channel, sector_id, finding_result, responsible_unit_id, office_id, number, received_at, deadline_at, concluded_at)
    SELECT p.unit_id, p.clue_id, c.status, c.is_umbrella, c.category, c.channel, c.sector_id, c.finding_result, c.responsible_unit_id, c.office_id, c.number, c.received_at, c.deadline_at, c.concluded_at FROM (SELECT unit_id AS unit_id, clue_id FROM clues_assignment WHERE unit_id IS NOT NULL UNION SELECT receiver_unit_id AS unit_id, clue_id FROM clues_transfer WHERE receiver_unit_id IS NOT NULL) AS p
    JOIN clues_clue c ON c.id = p.clue_id;

  END IF;
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS clues_handledclue_clues_assignment_insert ON clues_assignment;
DROP TRIGGER IF EXISTS clues_handledclue_clues_assignment_update ON clues_assignment;
DROP TRIGGER IF EXISTS clues_handledclue_clues_assignment_delete ON clues_assignment;
DROP TRIGGER IF EXISTS clues_handledclue_clues_assignment_truncate ON clues_assignment;
CREATE TRIGGER clues_handledclue_clues_assignment_insert AFTER INSERT ON clues_assignment REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clues_handledclue_clues_assignment();
CREATE TRIGGER clues_handledclue_clues_assignment_update AFTER UPDATE ON clues_assignment REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clues_handledclue_clues_assignment();
CREATE TRIGGER clues_handledclue_clues_assignment_delete AFTER DELETE ON clues_assignment REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clues_handledclue_clues_assignment();
CREATE TRIGGER clues_handledclue_clues_assignment_truncate AFTER TRUNCATE ON clues_assignment 
  FOR EACH STATEMENT EXECUTE FUNCTION clues_handledclue_clues_assignment();


CREATE OR REPLACE FUNCTION clues_handledclue_clues_transfer() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'INSERT' THEN 
      PERFORM 1 FROM clues_clue c WHERE c.id IN (SELECT clue_id FROM new_rows) FOR SHARE;
      INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella, category, channel, sector_id, finding_result, responsible_unit_id, office_id, number, received_at, deadline_at, concluded_at)
      SELECT DISTINCT n.receiver_unit_id, n.clue_id, c.status, c.is_umbrella, c.category, c.channel, c.sector_id, c.finding_result, c.responsible_unit_id, c.office_id, c.number, c.received_at, c.deadline_at, c.concluded_at
      FROM new_rows n JOIN clues_clue c ON c.id = n.clue_id
      WHERE n.receiver_unit_id IS NOT NULL
      ON CONFLICT (unit_id, clue_id) DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN 
      DELETE FROM clues_handledclue h USING (SELECT DISTINCT receiver_unit_id AS unit_id, clue_id FROM old_rows) o
      WHERE h.unit_id = o.unit_id AND h.clue_id = o.clue_id AND NOT EXISTS (SELECT 1 FROM clues_assignment x WHERE x.unit_id = o.unit_id AND x.clue_id = o.clue_id) AND NOT EXISTS (SELECT 1 FROM clues_transfer x WHERE x.receiver_unit_id = o.unit_id AND x.clue_id = o.clue_id); 
      PERFORM 1 FROM clues_clue c WHERE c.id IN (SELECT clue_id FROM new_rows) FOR SHARE;
      INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella, category, channel, sector_id, finding_result, responsible_unit_id, office_id, number, received_at, deadline_at, concluded_at)
      SELECT DISTINCT n.receiver_unit_id, n.clue_id, c.status, c.is_umbrella, c.category, c.channel, c.sector_id, c.finding_result, c.responsible_unit_id, c.office_id, c.number, c.received_at, c.deadline_at, c.concluded_at
      FROM new_rows n JOIN clues_clue c ON c.id = n.clue_id
      WHERE n.receiver_unit_id IS NOT NULL
      ON CONFLICT (unit_id, clue_id) DO NOTHING;
  ELSIF TG_OP = 'DELETE' THEN 
      DELETE FROM clues_handledclue h USING (SELECT DISTINCT receiver_unit_id AS unit_id, clue_id FROM old_rows) o
      WHERE h.unit_id = o.unit_id AND h.clue_id = o.clue_id AND NOT EXISTS (SELECT 1 FROM clues_assignment x WHERE x.unit_id = o.unit_id AND x.clue_id = o.clue_id) AND NOT EXISTS (SELECT 1 FROM clues_transfer x WHERE x.receiver_unit_id = o.unit_id AND x.clue_id = o.clue_id);
  ELSE 
    DELETE FROM clues_handledclue;
    INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella, category, channel, sector_id, finding_result, responsible_unit_id, office_id, number, received_at, deadline_at, concluded_at)
    SELECT p.unit_id, p.clue_id, c.status, c.is_umbrella, c.category, c.channel, c.sector_id, c.finding_result, c.responsible_unit_id, c.office_id, c.number, c.received_at, c.deadline_at, c.concluded_at FROM (SELECT unit_id AS unit_id, clue_id FROM clues_assignment WHERE unit_id IS NOT NULL UNION SELECT receiver_unit_id AS unit_id, clue_id FROM clues_transfer WHERE receiver_unit_id IS NOT NULL) AS p
    JOIN clues_clue c ON c.id = p.clue_id;

  END IF;
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS clues_handledclue_clues_transfer_insert ON clues_transfer;
DROP TRIGGER IF EXISTS clues_handledclue_clues_transfer_update ON clues_transfer;
DROP TRIGGER IF EXISTS clues_handledclue_clues_transfer_delete ON clues_transfer;
DROP TRIGGER IF EXISTS clues_handledclue_clues_transfer_truncate ON clues_transfer;
CREATE TRIGGER clues_handledclue_clues_transfer_insert AFTER INSERT ON clues_transfer REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clues_handledclue_clues_transfer();
CREATE TRIGGER clues_handledclue_clues_transfer_update AFTER UPDATE ON clues_transfer REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clues_handledclue_clues_transfer();
CREATE TRIGGER clues_handledclue_clues_transfer_delete AFTER DELETE ON clues_transfer REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clues_handledclue_clues_transfer();
CREATE TRIGGER clues_handledclue_clues_transfer_truncate AFTER TRUNCATE ON clues_transfer 
  FOR EACH STATEMENT EXECUTE FUNCTION clues_handledclue_clues_transfer();


CREATE OR REPLACE FUNCTION clues_handledclue_clues_clue() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- Usually nothing: a new clue has not been given to anyone yet. A restore may insert the links first.
    INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella, category, channel, sector_id, finding_result, responsible_unit_id, office_id, number, received_at, deadline_at, concluded_at)
    SELECT p.unit_id, p.clue_id, n.status, n.is_umbrella, n.category, n.channel, n.sector_id, n.finding_result, n.responsible_unit_id, n.office_id, n.number, n.received_at, n.deadline_at, n.concluded_at
    FROM new_rows n JOIN (SELECT unit_id AS unit_id, clue_id FROM clues_assignment WHERE unit_id IS NOT NULL UNION SELECT receiver_unit_id AS unit_id, clue_id FROM clues_transfer WHERE receiver_unit_id IS NOT NULL) AS p ON p.clue_id = n.id
    ON CONFLICT (unit_id, clue_id) DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE clues_handledclue h SET (status, is_umbrella, category, channel, sector_id, finding_result, responsible_unit_id, office_id, number, received_at, deadline_at, concluded_at) = (n.status, n.is_umbrella, n.category, n.channel, n.sector_id, n.finding_result, n.responsible_unit_id, n.office_id, n.number, n.received_at, n.deadline_at, n.concluded_at) FROM new_rows n
    WHERE h.clue_id = n.id AND (h.status, h.is_umbrella, h.category, h.channel, h.sector_id, h.finding_result, h.responsible_unit_id, h.office_id, h.number, h.received_at, h.deadline_at, h.concluded_at) IS DISTINCT FROM (n.status, n.is_umbrella, n.category, n.channel, n.sector_id, n.finding_result, n.responsible_unit_id, n.office_id, n.number, n.received_at, n.deadline_at, n.concluded_at);
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM clues_handledclue h USING old_rows o WHERE h.clue_id = o.id;
  ELSE
    DELETE FROM clues_handledclue;
  END IF;
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS clues_handledclue_clues_clue_insert ON clues_clue;
DROP TRIGGER IF EXISTS clues_handledclue_clues_clue_update ON clues_clue;
DROP TRIGGER IF EXISTS clues_handledclue_clues_clue_delete ON clues_clue;
DROP TRIGGER IF EXISTS clues_handledclue_clues_clue_truncate ON clues_clue;
CREATE TRIGGER clues_handledclue_clues_clue_insert AFTER INSERT ON clues_clue REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clues_handledclue_clues_clue();
CREATE TRIGGER clues_handledclue_clues_clue_update AFTER UPDATE ON clues_clue REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clues_handledclue_clues_clue();
CREATE TRIGGER clues_handledclue_clues_clue_delete AFTER DELETE ON clues_clue REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clues_handledclue_clues_clue();
CREATE TRIGGER clues_handledclue_clues_clue_truncate AFTER TRUNCATE ON clues_clue 
  FOR EACH STATEMENT EXECUTE FUNCTION clues_handledclue_clues_clue();

"""

FILL_SQL = """
    TRUNCATE clues_handledclue;
    INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella, category, channel, sector_id, finding_result, responsible_unit_id, office_id, number, received_at, deadline_at, concluded_at)
    SELECT p.unit_id, p.clue_id, c.status, c.is_umbrella, c.category, c.channel, c.sector_id, c.finding_result, c.responsible_unit_id, c.office_id, c.number, c.received_at, c.deadline_at, c.concluded_at FROM (SELECT unit_id AS unit_id, clue_id FROM clues_assignment WHERE unit_id IS NOT NULL UNION SELECT receiver_unit_id AS unit_id, clue_id FROM clues_transfer WHERE receiver_unit_id IS NOT NULL) AS p
    JOIN clues_clue c ON c.id = p.clue_id;
    ANALYZE clues_handledclue;
"""


def install(apps, schema_editor):
    """The triggers that copy the new columns, then every pair again with them (PostgreSQL only)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(INSTALL_SQL)
    schema_editor.execute(FILL_SQL)


def uninstall(apps, schema_editor):
    """Back to 0004's triggers (the copied columns are dropped after this)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(importlib.import_module("taizhang.clues.migrations.0004_handledclue").INSTALL_SQL)


EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)


def column(name, field):
    return migrations.AddField(model_name="handledclue", name=name, field=field, preserve_default=False)


class Migration(migrations.Migration):
    dependencies = [
        ("clues", "0004_handledclue"),
    ]

    operations = [
        column("category", models.CharField(blank=True, max_length=20, default="")),
        column("channel", models.CharField(max_length=20, default="")),
        column("sector_id", models.BigIntegerField(null=True)),
        column("finding_result", models.CharField(blank=True, max_length=20, default="")),
        column("responsible_unit_id", models.BigIntegerField(null=True)),
        column("office_id", models.BigIntegerField(default=0)),
        column("number", models.CharField(max_length=40, default="")),
        column("received_at", models.DateTimeField(default=EPOCH)),
        column("deadline_at", models.DateTimeField(null=True)),
        column("concluded_at", models.DateTimeField(null=True)),
        migrations.RunPython(install, uninstall),
        migrations.RemoveIndex(model_name="handledclue", name="handled_unit_status"),
        migrations.AddIndex(
            model_name="handledclue",
            index=models.Index(
                fields=["unit_id", "is_umbrella", "status"], include=["clue_id"], name="handled_unit_status"
            ),
        ),
        migrations.AddIndex(
            model_name="handledclue",
            index=models.Index(
                fields=["unit_id", "received_at", "clue_id"],
                include=["status", "is_umbrella", "category", "channel", "office_id", "responsible_unit_id", "sector_id", "finding_result", "deadline_at", "concluded_at"],
                name="handled_unit_received",
            ),
        ),
        migrations.AddIndex(
            model_name="handledclue",
            index=models.Index(
                fields=["unit_id", "deadline_at", "clue_id"],
                include=["status", "is_umbrella", "category", "channel", "office_id", "responsible_unit_id", "sector_id", "finding_result", "received_at", "concluded_at"],
                name="handled_unit_deadline",
            ),
        ),
        migrations.AddIndex(
            model_name="handledclue",
            index=models.Index(
                fields=["unit_id", "concluded_at", "clue_id"],
                include=["status", "is_umbrella", "category", "channel", "office_id", "responsible_unit_id", "sector_id", "finding_result", "received_at", "deadline_at"],
                name="handled_unit_concluded",
            ),
        ),
        migrations.AddIndex(
            model_name="handledclue",
            index=models.Index(
                fields=["unit_id", "number"],
                include=["clue_id", "status", "is_umbrella", "category", "channel", "office_id", "responsible_unit_id", "sector_id", "finding_result", "received_at", "deadline_at", "concluded_at"],
                name="handled_unit_number",
            ),
        ),
    ]

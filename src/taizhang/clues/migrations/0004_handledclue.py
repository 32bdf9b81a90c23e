"""The units each clue was ever given to, kept by PostgreSQL triggers (clues/handled.py).

The SQL is frozen here as it stood at this migration: clues/handled.py changes with the table (0005 adds the
ledger's columns), and a fresh migrate runs this migration against the table as it is here.
"""

from django.db import migrations, models

INSTALL_SQL = """
CREATE OR REPLACE FUNCTION clues_handledclue_clues_assignment() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'INSERT' THEN 
      PERFORM 1 FROM clues_clue c WHERE c.id IN (SELECT clue_id FROM new_rows) FOR SHARE;
      INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella)
      SELECT DISTINCT n.unit_id, n.clue_id, c.status, c.is_umbrella
      FROM new_rows n JOIN clues_clue c ON c.id = n.clue_id
      WHERE n.unit_id IS NOT NULL
      ON CONFLICT (unit_id, clue_id) DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN 
      DELETE FROM clues_handledclue h USING (SELECT DISTINCT unit_id AS unit_id, clue_id FROM old_rows) o
      WHERE h.unit_id = o.unit_id AND h.clue_id = o.clue_id AND NOT EXISTS (SELECT 1 FROM clues_assignment x WHERE x.unit_id = o.unit_id AND x.clue_id = o.clue_id) AND NOT EXISTS (SELECT 1 FROM clues_transfer x WHERE x.receiver_unit_id = o.unit_id AND x.clue_id = o.clue_id); 
      PERFORM 1 FROM clues_clue c WHERE c.id IN (SELECT clue_id FROM new_rows) FOR SHARE;
      INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella)
      SELECT DISTINCT n.unit_id, n.clue_id, c.status, c.is_umbrella
      FROM new_rows n JOIN clues_clue c ON c.id = n.clue_id
      WHERE n.unit_id IS NOT NULL
      ON CONFLICT (unit_id, clue_id) DO NOTHING;
  ELSIF TG_OP = 'DELETE' THEN 
      DELETE FROM clues_handledclue h USING (SELECT DISTINCT unit_id AS unit_id, clue_id FROM old_rows) o
      WHERE h.unit_id = o.unit_id AND h.clue_id = o.clue_id AND NOT EXISTS (SELECT 1 FROM clues_assignment x WHERE x.unit_id = o.unit_id AND x.clue_id = o.clue_id) AND NOT EXISTS (SELECT 1 FROM clues_transfer x WHERE x.receiver_unit_id = o.unit_id AND x.clue_id = o.clue_id);
  ELSE 
    DELETE FROM clues_handledclue;
    INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella)
    SELECT p.unit_id, p.clue_id, c.status, c.is_umbrella FROM (SELECT unit_id AS unit_id, clue_id FROM clues_assignment WHERE unit_id IS NOT NULL UNION SELECT receiver_unit_id AS unit_id, clue_id FROM clues_transfer WHERE receiver_unit_id IS NOT NULL) AS p
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
      INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella)
      SELECT DISTINCT n.receiver_unit_id, n.clue_id, c.status, c.is_umbrella
      FROM new_rows n JOIN clues_clue c ON c.id = n.clue_id
      WHERE n.receiver_unit_id IS NOT NULL
      ON CONFLICT (unit_id, clue_id) DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN 
      DELETE FROM clues_handledclue h USING (SELECT DISTINCT receiver_unit_id AS unit_id, clue_id FROM old_rows) o
      WHERE h.unit_id = o.unit_id AND h.clue_id = o.clue_id AND NOT EXISTS (SELECT 1 FROM clues_assignment x WHERE x.unit_id = o.unit_id AND x.clue_id = o.clue_id) AND NOT EXISTS (SELECT 1 FROM clues_transfer x WHERE x.receiver_unit_id = o.unit_id AND x.clue_id = o.clue_id); 
      PERFORM 1 FROM clues_clue c WHERE c.id IN (SELECT clue_id FROM new_rows) FOR SHARE;
      INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella)
      SELECT DISTINCT n.receiver_unit_id, n.clue_id, c.status, c.is_umbrella
      FROM new_rows n JOIN clues_clue c ON c.id = n.clue_id
      WHERE n.receiver_unit_id IS NOT NULL
      ON CONFLICT (unit_id, clue_id) DO NOTHING;
  ELSIF TG_OP = 'DELETE' THEN 
      DELETE FROM clues_handledclue h USING (SELECT DISTINCT receiver_unit_id AS unit_id, clue_id FROM old_rows) o
      WHERE h.unit_id = o.unit_id AND h.clue_id = o.clue_id AND NOT EXISTS (SELECT 1 FROM clues_assignment x WHERE x.unit_id = o.unit_id AND x.clue_id = o.clue_id) AND NOT EXISTS (SELECT 1 FROM clues_transfer x WHERE x.receiver_unit_id = o.unit_id AND x.clue_id = o.clue_id);
  ELSE 
    DELETE FROM clues_handledclue;
    INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella)
    SELECT p.unit_id, p.clue_id, c.status, c.is_umbrella FROM (SELECT unit_id AS unit_id, clue_id FROM clues_assignment WHERE unit_id IS NOT NULL UNION SELECT receiver_unit_id AS unit_id, clue_id FROM clues_transfer WHERE receiver_unit_id IS NOT NULL) AS p
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
    INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella)
    SELECT p.unit_id, p.clue_id, n.status, n.is_umbrella
    FROM new_rows n JOIN (SELECT unit_id AS unit_id, clue_id FROM clues_assignment WHERE unit_id IS NOT NULL UNION SELECT receiver_unit_id AS unit_id, clue_id FROM clues_transfer WHERE receiver_unit_id IS NOT NULL) AS p ON p.clue_id = n.id
    ON CONFLICT (unit_id, clue_id) DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE clues_handledclue h SET status = n.status, is_umbrella = n.is_umbrella FROM new_rows n
    WHERE h.clue_id = n.id AND (h.status <> n.status OR h.is_umbrella <> n.is_umbrella);
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

REBUILD_SQL = """
    DELETE FROM clues_handledclue;
    INSERT INTO clues_handledclue (unit_id, clue_id, status, is_umbrella)
    SELECT p.unit_id, p.clue_id, c.status, c.is_umbrella FROM (SELECT unit_id AS unit_id, clue_id FROM clues_assignment WHERE unit_id IS NOT NULL UNION SELECT receiver_unit_id AS unit_id, clue_id FROM clues_transfer WHERE receiver_unit_id IS NOT NULL) AS p
    JOIN clues_clue c ON c.id = p.clue_id;
"""

UNINSTALL_SQL = """DROP TRIGGER IF EXISTS clues_handledclue_clues_assignment_insert ON clues_assignment;
DROP TRIGGER IF EXISTS clues_handledclue_clues_assignment_update ON clues_assignment;
DROP TRIGGER IF EXISTS clues_handledclue_clues_assignment_delete ON clues_assignment;
DROP TRIGGER IF EXISTS clues_handledclue_clues_assignment_truncate ON clues_assignment;
DROP FUNCTION IF EXISTS clues_handledclue_clues_assignment();
DROP TRIGGER IF EXISTS clues_handledclue_clues_transfer_insert ON clues_transfer;
DROP TRIGGER IF EXISTS clues_handledclue_clues_transfer_update ON clues_transfer;
DROP TRIGGER IF EXISTS clues_handledclue_clues_transfer_delete ON clues_transfer;
DROP TRIGGER IF EXISTS clues_handledclue_clues_transfer_truncate ON clues_transfer;
DROP FUNCTION IF EXISTS clues_handledclue_clues_transfer();
DROP TRIGGER IF EXISTS clues_handledclue_clues_clue_insert ON clues_clue;
DROP TRIGGER IF EXISTS clues_handledclue_clues_clue_update ON clues_clue;
DROP TRIGGER IF EXISTS clues_handledclue_clues_clue_delete ON clues_clue;
DROP TRIGGER IF EXISTS clues_handledclue_clues_clue_truncate ON clues_clue;
DROP FUNCTION IF EXISTS clues_handledclue_clues_clue();
"""


def install(apps, schema_editor):
    """The triggers, then the pairs already there (PostgreSQL only)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(INSTALL_SQL)
    schema_editor.execute(REBUILD_SQL)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL_SQL)


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

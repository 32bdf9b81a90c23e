"""The clue tally crosses status with the ledger's common filters (kind 'S': category, channel, sector and
finding by received month, with a `status` column), so an office person's counts per status under such a
filter are read from the tally (clues/visibility/tally.py, `narrowing`).

The SQL is frozen here as it stands at this migration (see 0003; tests/reports/test_tally.py checks that the
latest frozen SQL is tally.py's). The trigger function is reinstalled, then the tally rebuilt in one pass with
the clue table locked against writers (as `tally.rebuild()` does), then the index its new readers use built.
"""

import importlib

from django.db import migrations, models

INSTALL_SQL = r"""
CREATE OR REPLACE FUNCTION reports_tally_clues() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'INSERT' THEN
    
    INSERT INTO reports_cluetally (office_id, unit_id, is_umbrella, kind, month, month2, dim, value, status, n, compacted)
    SELECT office_id, unit_id, is_umbrella, kind, month, month2, dim, value, status, SUM(n), false FROM (
    SELECT c.office_id, k.unit_id, c.is_umbrella, k.kind, k.month, k.month2, k.dim, k.value, k.status,
           1 AS n
    FROM new_rows AS c
    CROSS JOIN LATERAL (SELECT
        date_trunc('month', c.received_at AT TIME ZONE 'Asia/Shanghai')::date AS rm,
        date_trunc('month', c.concluded_at AT TIME ZONE 'Asia/Shanghai')::date AS cm,
        (c.deadline_at AT TIME ZONE 'Asia/Shanghai')::date AS dd,
        coalesce(c.responsible_unit_id, 0) AS unit) AS d
    CROSS JOIN LATERAL (VALUES
        ('R', d.unit, d.rm, NULL::date, 'channel', c.channel::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'category', c.category::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'status', c.status::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'sector', coalesce(c.sector_id::text, ''), ''),
        ('U', d.unit, d.rm, d.cm, '', '', ''),
        ('C', d.unit, d.cm, NULL::date, '', c.finding_result::text, ''),
        ('D', d.unit, d.dd, NULL::date, 'status', c.status::text, ''),
        ('S', 0, d.rm, NULL::date, 'category', c.category::text, c.status::text),
        ('S', 0, d.rm, NULL::date, 'channel', c.channel::text, c.status::text),
        ('S', 0, d.rm, NULL::date, 'sector', coalesce(c.sector_id::text, ''), c.status::text),
        ('S', 0, d.rm, NULL::date, 'finding', c.finding_result::text, c.status::text)
    ) AS k(kind, unit_id, month, month2, dim, value, status)
    WHERE k.month IS NOT NULL
    ) AS f
    GROUP BY office_id, unit_id, is_umbrella, kind, month, month2, dim, value, status HAVING SUM(n) <> 0
    ;
  ELSIF TG_OP = 'UPDATE' THEN
    
    INSERT INTO reports_cluetally (office_id, unit_id, is_umbrella, kind, month, month2, dim, value, status, n, compacted)
    SELECT office_id, unit_id, is_umbrella, kind, month, month2, dim, value, status, SUM(n), false FROM (
    SELECT c.office_id, k.unit_id, c.is_umbrella, k.kind, k.month, k.month2, k.dim, k.value, k.status,
           1 AS n
    FROM new_rows AS c
    CROSS JOIN LATERAL (SELECT
        date_trunc('month', c.received_at AT TIME ZONE 'Asia/Shanghai')::date AS rm,
        date_trunc('month', c.concluded_at AT TIME ZONE 'Asia/Shanghai')::date AS cm,
        (c.deadline_at AT TIME ZONE 'Asia/Shanghai')::date AS dd,
        coalesce(c.responsible_unit_id, 0) AS unit) AS d
    CROSS JOIN LATERAL (VALUES
        ('R', d.unit, d.rm, NULL::date, 'channel', c.channel::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'category', c.category::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'status', c.status::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'sector', coalesce(c.sector_id::text, ''), ''),
        ('U', d.unit, d.rm, d.cm, '', '', ''),
        ('C', d.unit, d.cm, NULL::date, '', c.finding_result::text, ''),
        ('D', d.unit, d.dd, NULL::date, 'status', c.status::text, ''),
        ('S', 0, d.rm, NULL::date, 'category', c.category::text, c.status::text),
        ('S', 0, d.rm, NULL::date, 'channel', c.channel::text, c.status::text),
        ('S', 0, d.rm, NULL::date, 'sector', coalesce(c.sector_id::text, ''), c.status::text),
        ('S', 0, d.rm, NULL::date, 'finding', c.finding_result::text, c.status::text)
    ) AS k(kind, unit_id, month, month2, dim, value, status)
    WHERE k.month IS NOT NULL
     UNION ALL 
    SELECT c.office_id, k.unit_id, c.is_umbrella, k.kind, k.month, k.month2, k.dim, k.value, k.status,
           -1 AS n
    FROM old_rows AS c
    CROSS JOIN LATERAL (SELECT
        date_trunc('month', c.received_at AT TIME ZONE 'Asia/Shanghai')::date AS rm,
        date_trunc('month', c.concluded_at AT TIME ZONE 'Asia/Shanghai')::date AS cm,
        (c.deadline_at AT TIME ZONE 'Asia/Shanghai')::date AS dd,
        coalesce(c.responsible_unit_id, 0) AS unit) AS d
    CROSS JOIN LATERAL (VALUES
        ('R', d.unit, d.rm, NULL::date, 'channel', c.channel::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'category', c.category::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'status', c.status::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'sector', coalesce(c.sector_id::text, ''), ''),
        ('U', d.unit, d.rm, d.cm, '', '', ''),
        ('C', d.unit, d.cm, NULL::date, '', c.finding_result::text, ''),
        ('D', d.unit, d.dd, NULL::date, 'status', c.status::text, ''),
        ('S', 0, d.rm, NULL::date, 'category', c.category::text, c.status::text),
        ('S', 0, d.rm, NULL::date, 'channel', c.channel::text, c.status::text),
        ('S', 0, d.rm, NULL::date, 'sector', coalesce(c.sector_id::text, ''), c.status::text),
        ('S', 0, d.rm, NULL::date, 'finding', c.finding_result::text, c.status::text)
    ) AS k(kind, unit_id, month, month2, dim, value, status)
    WHERE k.month IS NOT NULL
    ) AS f
    GROUP BY office_id, unit_id, is_umbrella, kind, month, month2, dim, value, status HAVING SUM(n) <> 0
    ;
  ELSIF TG_OP = 'DELETE' THEN
    
    INSERT INTO reports_cluetally (office_id, unit_id, is_umbrella, kind, month, month2, dim, value, status, n, compacted)
    SELECT office_id, unit_id, is_umbrella, kind, month, month2, dim, value, status, SUM(n), false FROM (
    SELECT c.office_id, k.unit_id, c.is_umbrella, k.kind, k.month, k.month2, k.dim, k.value, k.status,
           -1 AS n
    FROM old_rows AS c
    CROSS JOIN LATERAL (SELECT
        date_trunc('month', c.received_at AT TIME ZONE 'Asia/Shanghai')::date AS rm,
        date_trunc('month', c.concluded_at AT TIME ZONE 'Asia/Shanghai')::date AS cm,
        (c.deadline_at AT TIME ZONE 'Asia/Shanghai')::date AS dd,
        coalesce(c.responsible_unit_id, 0) AS unit) AS d
    CROSS JOIN LATERAL (VALUES
        ('R', d.unit, d.rm, NULL::date, 'channel', c.channel::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'category', c.category::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'status', c.status::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'sector', coalesce(c.sector_id::text, ''), ''),
        ('U', d.unit, d.rm, d.cm, '', '', ''),
        ('C', d.unit, d.cm, NULL::date, '', c.finding_result::text, ''),
        ('D', d.unit, d.dd, NULL::date, 'status', c.status::text, ''),
        ('S', 0, d.rm, NULL::date, 'category', c.category::text, c.status::text),
        ('S', 0, d.rm, NULL::date, 'channel', c.channel::text, c.status::text),
        ('S', 0, d.rm, NULL::date, 'sector', coalesce(c.sector_id::text, ''), c.status::text),
        ('S', 0, d.rm, NULL::date, 'finding', c.finding_result::text, c.status::text)
    ) AS k(kind, unit_id, month, month2, dim, value, status)
    WHERE k.month IS NOT NULL
    ) AS f
    GROUP BY office_id, unit_id, is_umbrella, kind, month, month2, dim, value, status HAVING SUM(n) <> 0
    ;
  ELSE
    DELETE FROM reports_cluetally;
  END IF;
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS reports_tally_insert ON clues_clue;
DROP TRIGGER IF EXISTS reports_tally_update ON clues_clue;
DROP TRIGGER IF EXISTS reports_tally_delete ON clues_clue;
DROP TRIGGER IF EXISTS reports_tally_truncate ON clues_clue;
CREATE TRIGGER reports_tally_insert AFTER INSERT ON clues_clue REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION reports_tally_clues();
CREATE TRIGGER reports_tally_update AFTER UPDATE ON clues_clue REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION reports_tally_clues();
CREATE TRIGGER reports_tally_delete AFTER DELETE ON clues_clue REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION reports_tally_clues();
CREATE TRIGGER reports_tally_truncate AFTER TRUNCATE ON clues_clue 
  FOR EACH STATEMENT EXECUTE FUNCTION reports_tally_clues();

"""
FILL_SQL = r"""
    INSERT INTO reports_cluetally (office_id, unit_id, is_umbrella, kind, month, month2, dim, value, status, n, compacted)
    SELECT office_id, unit_id, is_umbrella, kind, month, month2, dim, value, status, SUM(n), true FROM (
    SELECT c.office_id, k.unit_id, c.is_umbrella, k.kind, k.month, k.month2, k.dim, k.value, k.status,
           1 AS n
    FROM clues_clue AS c
    CROSS JOIN LATERAL (SELECT
        date_trunc('month', c.received_at AT TIME ZONE 'Asia/Shanghai')::date AS rm,
        date_trunc('month', c.concluded_at AT TIME ZONE 'Asia/Shanghai')::date AS cm,
        (c.deadline_at AT TIME ZONE 'Asia/Shanghai')::date AS dd,
        coalesce(c.responsible_unit_id, 0) AS unit) AS d
    CROSS JOIN LATERAL (VALUES
        ('R', d.unit, d.rm, NULL::date, 'channel', c.channel::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'category', c.category::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'status', c.status::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'sector', coalesce(c.sector_id::text, ''), ''),
        ('U', d.unit, d.rm, d.cm, '', '', ''),
        ('C', d.unit, d.cm, NULL::date, '', c.finding_result::text, ''),
        ('D', d.unit, d.dd, NULL::date, 'status', c.status::text, ''),
        ('S', 0, d.rm, NULL::date, 'category', c.category::text, c.status::text),
        ('S', 0, d.rm, NULL::date, 'channel', c.channel::text, c.status::text),
        ('S', 0, d.rm, NULL::date, 'sector', coalesce(c.sector_id::text, ''), c.status::text),
        ('S', 0, d.rm, NULL::date, 'finding', c.finding_result::text, c.status::text)
    ) AS k(kind, unit_id, month, month2, dim, value, status)
    WHERE k.month IS NOT NULL
    ) AS f
    GROUP BY office_id, unit_id, is_umbrella, kind, month, month2, dim, value, status HAVING SUM(n) <> 0
    """


def install(apps, schema_editor):
    """The trigger function that writes the new facts, then the tally of every clue again (PostgreSQL only)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(INSTALL_SQL)
    schema_editor.execute("LOCK TABLE clues_clue IN SHARE MODE")
    schema_editor.execute("DELETE FROM reports_cluetally")
    schema_editor.execute(FILL_SQL)


def uninstall(apps, schema_editor):
    """Back to 0003's trigger function and facts (the status column is dropped after this)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    before = importlib.import_module("taizhang.reports.migrations.0003_clue_tally")
    schema_editor.execute(before.INSTALL_SQL)
    schema_editor.execute("LOCK TABLE clues_clue IN SHARE MODE")
    schema_editor.execute("DELETE FROM reports_cluetally")
    schema_editor.execute(before.FILL_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_reports_from_below'),
    ]

    operations = [
        migrations.AddField(
            model_name='cluetally',
            name='status',
            field=models.CharField(blank=True, db_default='', default='', max_length=20),
        ),
        migrations.RunPython(install, uninstall),
        migrations.AddIndex(
            model_name='cluetally',
            index=models.Index(fields=['kind', 'dim', 'value', 'month'], name='tally_dim_value'),
        ),
    ]

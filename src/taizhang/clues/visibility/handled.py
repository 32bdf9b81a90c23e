"""The units each clue was ever given to (HandledClue), kept exact by PostgreSQL triggers: a member unit's
ledger index, for its pages and its counts per status.

Why. A member unit sees the clues ever assigned or transferred to it (the visibility rule's `handled`): tens
of thousands among a million. Read from Clue, a page of them walks a global sort index and drops the 96 % the
unit does not see (a deep page sorted by deadline walked 300,000 index entries), and counting them either
scans the whole clue table or probes it once per clue. The unit's own HandledClue rows carry a copy of every
column the ledger filters and sorts on (status, 保护伞, category, channel, sector, finding, responsible unit,
office, number, received/deadline/concluded times), and an index per sort led by the unit: a page or a count
reads the unit's rows only. Whom they answer for is stated beside the rule (rule.handled_answers); which
question they answer, by rule.form_for; answers.py reads them.

How it stays exact. Statement-level triggers, in the same transaction as the change: an assignment or a
transfer inserted adds its (unit, clue) pair with the clue's columns (ON CONFLICT: one row per pair, however
often the clue went to the unit); so does a clue inserted after its links, as a restore may. A link deleted
or moved removes the pair unless another assignment or transfer still backs it; an update of clues_clue
copies the columns to the clue's pairs where any of them differs; a deleted clue takes its pairs along;
TRUNCATE recounts. The link insert first locks the clue FOR SHARE, so a concurrent change of the clue either
commits first (and is read) or waits (and its trigger then updates the new pair).
Loads that switch triggers off (`session_replication_role = replica`, as bench/generate.py does) must call
`rebuild()` afterwards. Migrations run this SQL frozen as text (0004, 0005, 0008): change it with a new
migration.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import Count, QuerySet

from taizhang.clues.models import HandledClue, Recusal
from taizhang.clues.visibility.rule import derived_tables, handled_answers
from taizhang.core.triggers import drop_triggers, statement_triggers
from taizhang.org.visibility import Scope, scope_of

TABLE = "clues_handledclue"
# The tables that give a clue to a unit, with their unit column.
LINKS = {"clues_assignment": "unit_id", "clues_transfer": "receiver_unit_id"}
# The clue's columns each pair carries, under the same names as on clues_clue.
COPIED = (
    "status",
    "is_umbrella",
    "category",
    "channel",
    "sector_id",
    "finding_result",
    "responsible_unit_id",
    "office_id",
    "number",
    "received_at",
    "deadline_at",
    "concluded_at",
)
_COLUMNS = ", ".join(COPIED)


def _of(alias: str) -> str:
    return ", ".join(f"{alias}.{column}" for column in COPIED)


_BACKED = " AND ".join(
    f"NOT EXISTS (SELECT 1 FROM {table} x WHERE x.{col} = o.unit_id AND x.clue_id = o.clue_id)"  # noqa: S608
    for table, col in LINKS.items()
)
_ALL_PAIRS = " UNION ".join(
    f"SELECT {col} AS unit_id, clue_id FROM {table} WHERE {col} IS NOT NULL"  # noqa: S608 - constants
    for table, col in LINKS.items()
)
# The pairs of the clues a statement inserted (a restore may insert links first): narrowed to those clues inside
# each branch, so a registration probes the links' clue indexes instead of reading every link (250 ms a clue at
# 100,000 clues with _ALL_PAIRS).
_NEW_PAIRS = " UNION ".join(
    f"SELECT {col} AS unit_id, clue_id FROM {table} "  # noqa: S608 - constants
    f"WHERE {col} IS NOT NULL AND clue_id IN (SELECT id FROM new_rows)"
    for table, col in LINKS.items()
)
REBUILD_SQL = f"""
    DELETE FROM {TABLE};
    INSERT INTO {TABLE} (unit_id, clue_id, {_COLUMNS})
    SELECT p.unit_id, p.clue_id, {_of("c")} FROM ({_ALL_PAIRS}) AS p
    JOIN clues_clue c ON c.id = p.clue_id;
"""  # noqa: S608 - constants only


def _link_function(table: str, col: str) -> str:
    add = f"""
      PERFORM 1 FROM clues_clue c WHERE c.id IN (SELECT clue_id FROM new_rows) FOR SHARE;
      INSERT INTO {TABLE} (unit_id, clue_id, {_COLUMNS})
      SELECT DISTINCT n.{col}, n.clue_id, {_of("c")}
      FROM new_rows n JOIN clues_clue c ON c.id = n.clue_id
      WHERE n.{col} IS NOT NULL
      ON CONFLICT (unit_id, clue_id) DO NOTHING;"""  # noqa: S608 - constants only
    remove = f"""
      DELETE FROM {TABLE} h USING (SELECT DISTINCT {col} AS unit_id, clue_id FROM old_rows) o
      WHERE h.unit_id = o.unit_id AND h.clue_id = o.clue_id AND {_BACKED};"""  # noqa: S608 - constants only
    return f"""
CREATE OR REPLACE FUNCTION {TABLE}_{table}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'INSERT' THEN {add}
  ELSIF TG_OP = 'UPDATE' THEN {remove} {add}
  ELSIF TG_OP = 'DELETE' THEN {remove}
  ELSE {REBUILD_SQL}
  END IF;
  RETURN NULL;
END
$body$;
{statement_triggers(f"{TABLE}_{table}", table, f"{TABLE}_{table}")}
"""


_CLUE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TABLE}_clues_clue() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- Usually nothing: a new clue has not been given to anyone yet. A restore may insert the links first.
    INSERT INTO {TABLE} (unit_id, clue_id, {_COLUMNS})
    SELECT p.unit_id, p.clue_id, {_of("n")}
    FROM new_rows n JOIN ({_NEW_PAIRS}) AS p ON p.clue_id = n.id
    ON CONFLICT (unit_id, clue_id) DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE {TABLE} h SET ({_COLUMNS}) = ({_of("n")}) FROM new_rows n
    WHERE h.clue_id = n.id AND ({_of("h")}) IS DISTINCT FROM ({_of("n")});
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM {TABLE} h USING old_rows o WHERE h.clue_id = o.id;
  ELSE
    DELETE FROM {TABLE};
  END IF;
  RETURN NULL;
END
$body$;
{statement_triggers(f"{TABLE}_clues_clue", "clues_clue", f"{TABLE}_clues_clue")}
"""  # noqa: S608 - constants only

INSTALL_SQL = "".join(_link_function(table, col) for table, col in LINKS.items()) + _CLUE_FUNCTION
UNINSTALL_SQL = "".join(
    drop_triggers(f"{TABLE}_{table}", table) + f"DROP FUNCTION IF EXISTS {TABLE}_{table}();\n"
    for table in (*LINKS, "clues_clue")
)


def enabled() -> bool:
    return connection.vendor == "postgresql"


def rebuild() -> None:
    """Recount every pair from the assignments and transfers (after a load with triggers off)."""
    if not enabled():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # SHARE mode: writers wait until the recount commits, so no change falls between delete and insert.
        cursor.execute("LOCK TABLE clues_clue, clues_assignment, clues_transfer IN SHARE MODE")
        cursor.execute(REBUILD_SQL)


def member_scope(user: Any) -> Scope | None:
    """The scope of a person whose rule HandledClue states exactly (rule.handled_answers: a plain member unit's
    person) on PostgreSQL; None for anyone else (office people, discipline handlers, SQLite), who read Clue."""
    scope = scope_of(user)
    if scope is None or not derived_tables() or not handled_answers(scope):
        return None
    return scope


def rows_of(scope: Scope) -> QuerySet[HandledClue]:
    """The HandledClue rows of what the member unit's person `scope` sees: the unit's own rows, not 保护伞, less
    the recused clues (few: a hashed NOT IN), for the ledger's filters and sorts on the copied columns."""
    recused = Recusal.objects.filter(unit_id__in=scope.lineage).values("clue_id")
    return HandledClue.objects.filter(unit_id=scope.unit_id or 0, is_umbrella=False).exclude(
        clue_id__in=recused
    )


def visible_rows(user: Any) -> QuerySet[HandledClue] | None:
    """rows_of the person's scope; None as member_scope."""
    scope = member_scope(user)
    return None if scope is None else rows_of(scope)


def counts_by_status(rows: QuerySet[HandledClue]) -> dict[str, int]:
    """Counts per status of `rows` (COUNT(*): the covering indexes carry every column the filters read but
    not the row id; unfiltered, one index-only scan of the unit's (unit, 保护伞, status, clue) entries)."""
    return {status: n for status, n in rows.values_list("status").annotate(n=Count("*")).order_by()}


def status_counts(user: Any) -> dict[str, int] | None:
    """Counts per status of everything a member unit's person sees, unfiltered; None as member_scope."""
    rows = visible_rows(user)
    return None if rows is None else counts_by_status(rows)

"""The clue tally: counts by month kept exact by PostgreSQL triggers, so the dashboard and the bulletin read
tens of thousands of tally rows instead of scanning a million clues.

How it stays exact. Statement-level triggers on clues_clue (insert, update, delete, truncate) append, in the
same transaction as the change, the facts the statement added (+1) and removed (-1), already summed per key
(reports_cluetally, see reports.models.ClueTally). Every writer is covered — actions, imports, `QuerySet.update()`,
raw SQL — so under any MVCC snapshot the tally sums to exactly what a count over clues_clue would answer.
The worker folds each key's delta rows into one (`compact`, safe to run twice: an advisory lock); readers sum
whatever rows there are, so compaction changes speed, never figures. Loads that switch triggers off
(`session_replication_role = replica`, as bench/generate.py does) must call `rebuild()` afterwards.

Who reads it. The tally knows each clue's office, responsible unit and 保护伞 flag, which is enough for the
visibility rule of office people (their office subtree; 保护伞 clues only for office leaders: rule.tally_answers)
but not for member units (clues ever assigned or transferred to them) nor discipline handlers: `scope_keys`
answers None for those and rule.form_for has them counted live. Recusal (a unit named by a clue never sees it) is applied by counting
the few clues recused for the viewer's units live and subtracting them. Today's part of "overdue now" (open
clues whose deadline passed since local midnight) is counted live, the days before from the tally.
Periods must be whole local months (every report period is); other ranges are counted live.

The ledger's counts per status read it too: unfiltered from the status facts, and under one of the filters
CROSSED with status (kind 'S', kept per office, 保护伞 flag and received month) from those facts; `narrowing`
says which filters it keeps. No monthly figure reads kind 'S' (`read` names the kinds it sums).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from taizhang.clues.choices import OPEN_STATUSES, FindingResult
from taizhang.clues.visibility.rule import derived_tables, tally_answers
from taizhang.core.triggers import drop_triggers, statement_triggers
from taizhang.org.choices import RoleCode
from taizhang.org.models import Unit
from taizhang.org.visibility import scope_of

TABLE = "reports_cluetally"
COLUMNS = "office_id, unit_id, is_umbrella, kind, month, month2, dim, value, status, n, compacted"
KEY = "office_id, unit_id, is_umbrella, kind, month, month2, dim, value, status"
_ZONE = (
    "Asia/Shanghai"  # report periods are Asia/Shanghai months (reports.periods.LOCAL, held equal by a test)
)
LOCAL = ZoneInfo(_ZONE)


# The ledger filters whose values the tally crosses with status (kind 'S'), and the clue column of each. These
# facts leave the responsible unit out (unit_id 0): keyed by unit they would be some 30 times as many rows (one
# per unit and month and value and status), and office people's counts need the office, not the unit.
CROSSED = {
    "category": "c.category::text",
    "channel": "c.channel::text",
    "sector": "coalesce(c.sector_id::text, '')",
    "finding": "c.finding_result::text",
}


def _facts(source: str, sign: str) -> str:
    """The facts of every clue row in `source`, each counted `sign` (one row per kind/dim)."""
    crossed = "".join(
        f",\n        ('S', 0, d.rm, NULL::date, '{dim}', {column}, c.status::text)"
        for dim, column in CROSSED.items()
    )
    return f"""
    SELECT c.office_id, k.unit_id, c.is_umbrella, k.kind, k.month, k.month2, k.dim, k.value, k.status,
           {sign} AS n
    FROM {source} AS c
    CROSS JOIN LATERAL (SELECT
        date_trunc('month', c.received_at AT TIME ZONE '{_ZONE}')::date AS rm,
        date_trunc('month', c.concluded_at AT TIME ZONE '{_ZONE}')::date AS cm,
        (c.deadline_at AT TIME ZONE '{_ZONE}')::date AS dd,
        coalesce(c.responsible_unit_id, 0) AS unit) AS d
    CROSS JOIN LATERAL (VALUES
        ('R', d.unit, d.rm, NULL::date, 'channel', c.channel::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'category', c.category::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'status', c.status::text, ''),
        ('R', d.unit, d.rm, NULL::date, 'sector', coalesce(c.sector_id::text, ''), ''),
        ('U', d.unit, d.rm, d.cm, '', '', ''),
        ('C', d.unit, d.cm, NULL::date, '', c.finding_result::text, ''),
        ('D', d.unit, d.dd, NULL::date, 'status', c.status::text, ''){crossed}
    ) AS k(kind, unit_id, month, month2, dim, value, status)
    WHERE k.month IS NOT NULL
    """  # noqa: S608 - `source` is a table name from this module


def _summed(selects: list[str], compacted: bool) -> str:
    return f"""
    INSERT INTO {TABLE} ({COLUMNS})
    SELECT {KEY}, SUM(n), {"true" if compacted else "false"} FROM ({" UNION ALL ".join(selects)}) AS f
    GROUP BY {KEY} HAVING SUM(n) <> 0
    """  # noqa: S608 - constants only


# The trigger function: plpgsql plans each branch only when it runs, so each names only the transition
# tables its event has.
INSTALL_SQL = f"""
CREATE OR REPLACE FUNCTION reports_tally_clues() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_summed([_facts("new_rows", "1")], False)};
  ELSIF TG_OP = 'UPDATE' THEN
    {_summed([_facts("new_rows", "1"), _facts("old_rows", "-1")], False)};
  ELSIF TG_OP = 'DELETE' THEN
    {_summed([_facts("old_rows", "-1")], False)};
  ELSE
    DELETE FROM {TABLE};
  END IF;
  RETURN NULL;
END
$body$;
{statement_triggers("reports_tally", "clues_clue", "reports_tally_clues")}
"""  # noqa: S608 - constants only

UNINSTALL_SQL = (
    drop_triggers("reports_tally", "clues_clue") + "DROP FUNCTION IF EXISTS reports_tally_clues();\n"
)

_COMPACT_LOCK = 7_204_119  # pg advisory lock key of the compaction


def enabled() -> bool:
    return connection.vendor == "postgresql"


def rebuild() -> int:
    """Recount the whole tally from clues_clue (after a load with triggers off); returns the rows written."""
    if not enabled():
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        # SHARE mode: writers wait until the recount commits, so no change falls between delete and insert.
        cursor.execute("LOCK TABLE clues_clue IN SHARE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 - constant
        cursor.execute(_summed([_facts("clues_clue", "1")], True))
        return cursor.rowcount


def compact(now: dt.datetime | None = None) -> int:
    """Fold the delta rows of every key touched since the last pass into one row (a worker job)."""
    if not enabled():
        return 0
    join = " AND ".join(
        f"coalesce(t.{c}, 'infinity') = coalesce(k.{c}, 'infinity')" if c == "month2" else f"t.{c} = k.{c}"
        for c in KEY.split(", ")
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_COMPACT_LOCK])
        if not cursor.fetchone()[0]:
            return 0  # another worker is compacting
        cursor.execute(
            f"""
            WITH touched AS (SELECT DISTINCT {KEY} FROM {TABLE} WHERE NOT compacted),
            gone AS (DELETE FROM {TABLE} AS t USING touched AS k WHERE {join} RETURNING t.*)
            {_summed(["SELECT * FROM gone"], True)}
            """  # noqa: S608 - constants only
        )
        return cursor.rowcount


# --- reading ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keys:
    """Which tally rows a person may count for one unit: offices, optionally one responsible unit, 保护伞."""

    office_paths: tuple[str, ...]  # offices below all of these paths
    unit_id: int | None
    umbrella: bool
    lineage: tuple[int, ...]

    def where(self) -> tuple[str, list[Any]]:
        below = " AND ".join(["path LIKE %s"] * len(self.office_paths))
        sql = f"office_id IN (SELECT id FROM org_unit WHERE {below})"  # noqa: S608 - constants only
        # Materialised paths are ids and slashes ("/1/4/"): nothing to escape for LIKE.
        params: list[Any] = [path + "%" for path in self.office_paths]
        if self.unit_id is not None:
            sql += " AND unit_id = %s"
            params.append(self.unit_id)
        if not self.umbrella:
            sql += " AND NOT is_umbrella"
        return sql, params


def scope_keys(user: Any, unit: Unit) -> Keys | None:
    """The tally keys equal to `Clue.objects.visible_to(user).filter(drill.unit_q(unit))` before recusal, or
    None when the person's visibility is not expressible in the tally (member units, discipline handlers)."""
    from taizhang.org.choices import UnitKind

    scope = scope_of(user)
    if scope is None or not derived_tables() or not tally_answers(scope):
        return None
    paths = (scope.office_path, unit.path) if unit.kind == UnitKind.OFFICE else (scope.office_path,)
    return Keys(
        office_paths=paths,
        unit_id=None if unit.kind == UnitKind.OFFICE else unit.pk,
        umbrella=scope.has(RoleCode.OFFICE_LEADER),
        lineage=scope.lineage,
    )


def whole_months(start: dt.date, end: dt.date) -> bool:
    """True when [start, end] (both included) runs from a month's first day to a month's last day."""
    return start.day == 1 and (end + dt.timedelta(days=1)).day == 1 and start <= end


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def today_midnight() -> dt.datetime:
    day = timezone.localdate(timezone=LOCAL)
    return dt.datetime(day.year, day.month, day.day, tzinfo=LOCAL)


@dataclass
class Sums:
    """What the tally answers for a window of months (counts include recused clues; see `recused_q`)."""

    received: dict[dt.date, int]  # by received month
    concluded: dict[dt.date, int]  # by concluded month
    substantiated: dict[dt.date, int]  # by concluded month
    received_by_pair: dict[tuple[int, dt.date, dt.date | None], int]  # (unit, received month, concluded)
    by_dim: dict[tuple[str, str], int]  # received within [dims_from, dims_to], by (dim, value)
    overdue_before_today: dict[int, int]  # by responsible unit
    recusals: int = 0  # clues naming one of the viewer's units (recused_clues)


def read(
    keys: Keys,
    window: tuple[dt.date, dt.date],
    dims: tuple[dt.date, dt.date] | None,
    *,
    per_unit: bool,
) -> Sums:
    """One query: monthly received/concluded/substantiated within `window` (month starts, both included),
    received counts by dimension within `dims`, and open clues whose deadline fell before today."""
    where, params = keys.where()
    lo, hi = _month(window[0]), _month(window[1])
    unit_col, by_unit = ("unit_id", "unit_id, ") if per_unit else ("0", "")
    parts = [
        # U: (unit, received month, concluded month) — received totals and received-then-concluded.
        f"SELECT 'U', '', {unit_col}, month, month2, SUM(n) FROM v WHERE kind = 'U' "  # noqa: S608
        f"GROUP BY {by_unit}month, month2",
        "SELECT 'C', value, 0, month, NULL::date, SUM(n) FROM v WHERE kind = 'C' GROUP BY value, month",
        f"SELECT 'D', '', {unit_col}, NULL::date, NULL::date, SUM(n) FROM t "  # noqa: S608
        "WHERE kind = 'D' AND month < %s AND value = ANY(%s) "
        f"GROUP BY {by_unit}kind",
    ]
    parts.append(
        "SELECT 'X', '', 0, NULL::date, NULL::date, COUNT(*) FROM clues_recusal WHERE unit_id = ANY(%s)"
    )
    extra: list[Any] = [timezone.localdate(timezone=LOCAL), sorted(OPEN_STATUSES), list(keys.lineage)]
    if dims is not None:
        parts.append(
            "SELECT 'R', dim || ':' || value, 0, NULL::date, NULL::date, SUM(n) FROM v "
            "WHERE kind = 'R' AND month >= %s AND month <= %s GROUP BY dim, value"
        )
        extra += [_month(dims[0]), _month(dims[1])]
    sql = f"""
        WITH t AS NOT MATERIALIZED (SELECT * FROM {TABLE} WHERE {where}),
        v AS NOT MATERIALIZED (SELECT * FROM t WHERE month >= %s AND month <= %s)
        {" UNION ALL ".join(parts)}
    """  # noqa: S608 - constants only; values are parameters
    sums = Sums({}, {}, {}, {}, {}, {})
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, lo, hi, *extra])
        for tag, key, unit_id, month, month2, n in cursor.fetchall():
            n = int(n)
            if tag == "U":
                sums.received[month] = sums.received.get(month, 0) + n
                pair = (unit_id, month, month2)
                sums.received_by_pair[pair] = sums.received_by_pair.get(pair, 0) + n
            elif tag == "C":
                sums.concluded[month] = sums.concluded.get(month, 0) + n
                if key == FindingResult.SUBSTANTIATED:
                    sums.substantiated[month] = sums.substantiated.get(month, 0) + n
            elif tag == "D":
                sums.overdue_before_today[unit_id] = n
            elif tag == "X":
                sums.recusals = n
            else:
                dim, _sep, value = key.partition(":")
                sums.by_dim[(dim, value)] = n
    return sums


def recused_of(keys: Keys) -> Any:
    """The clues the tally counts for `keys` that the viewer may not see: a unit of theirs is named."""
    from django.db.models import Q

    from taizhang.clues.models import Clue, Recusal

    named = Recusal.objects.filter(unit_id__in=keys.lineage)
    q = Q(pk__in=named.values("clue_id"))
    for path in keys.office_paths:
        q &= Q(office__path__startswith=path)
    if keys.unit_id is not None:
        q &= Q(responsible_unit_id=keys.unit_id)
    if not keys.umbrella:
        q &= Q(is_umbrella=False)
    return Clue.objects.filter(q)


def recused_clues(keys: Keys, sums: Sums) -> Any:
    """`recused_of(keys)`, or None when no clue names a unit of the viewer's (the usual case; `read` counted
    the recusals)."""
    return recused_of(keys) if sums.recusals else None


# --- counts per status under the ledger's filters -------------------------------------------------------

# The ledger filters the tally's own key columns answer: office subtree, 保护伞 flag and received month (whole
# months only), and the responsible unit where no CROSSED filter is given (those facts keep no unit). Any of
# them combine with at most one CROSSED filter.
KEYED = frozenset({"office", "unit", "umbrella", "received_from", "received_to"})


@dataclass(frozen=True)
class Narrowing:
    """Ledger filters under which the tally answers counts per status: the status facts crossed with `dim`
    (kind 'S'), or the plain status facts (kind 'R') when no CROSSED filter is given, narrowed by the keyed
    filters."""

    dim: str  # a CROSSED filter, or ''
    value: str
    office: int | None  # the `office` filter: that office's subtree
    unit_id: int | None  # the `unit` filter (without a CROSSED one): the responsible unit
    umbrella_only: bool
    months: tuple[dt.date | None, dt.date | None]  # received month starts, both included

    def where(self, office_path: str | None) -> tuple[str, str, list[Any]]:
        """(the column holding the status, the SQL condition on the tally, its parameters); `office_path` is
        the `office` filter's unit's path (None: no such unit)."""
        params: list[Any] = [self.dim, self.value] if self.dim else []
        if self.dim:
            column, sql = "status", "kind = 'S' AND dim = %s AND value = %s"
        else:
            column, sql = "value", "kind = 'R' AND dim = 'status'"
        if self.office is not None and office_path is None:
            sql += " AND false"  # no such office: no clue
        elif self.office is not None:
            sql += " AND office_id IN (SELECT id FROM org_unit WHERE path LIKE %s)"
            params.append(f"{office_path}%")
        if self.unit_id is not None:
            sql += " AND unit_id = %s"
            params.append(self.unit_id)
        if self.umbrella_only:
            sql += " AND is_umbrella"
        for bound, op in zip(self.months, (">=", "<="), strict=True):
            if bound is not None:
                sql += f" AND month {op} %s"
                params.append(bound)
        return column, sql, params


def narrowing(values: Mapping[str, Any]) -> Narrowing | None:
    """The Narrowing equal to the ledger filters `values` (cleaned, less status, sort, page and the text
    search), or None when the tally does not keep them: two CROSSED filters at once, one with the responsible
    unit, received dates that are not whole months, or any other filter (overdue, concluded dates) — those
    are counted live."""
    given = {key: value for key, value in values.items() if value not in (None, "", [], False)}
    crossed = [key for key in given if key in CROSSED]
    if len(crossed) > 1 or any(key not in CROSSED and key not in KEYED for key in given):
        return None
    if crossed and "unit" in given:
        return None
    start, end = given.get("received_from"), given.get("received_to")
    if (start and start.day != 1) or (end and (end + dt.timedelta(days=1)).day != 1):
        return None
    dim = crossed[0] if crossed else ""
    return Narrowing(
        dim=dim,
        value=str(given[dim]) if dim else "",
        office=given.get("office"),
        unit_id=given.get("unit"),
        umbrella_only=bool(given.get("umbrella")),
        months=(start, _month(end) if end else None),
    )

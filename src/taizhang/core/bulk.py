"""Bulk `INSERT … ON CONFLICT DO NOTHING RETURNING` for the hot paths of several apps (the worker's
supervision planning, people's whole-ledger resolution).

On PostgreSQL the rows travel as ONE json text parameter (rows as arrays) unpacked by `json_array_elements`
and cast per column: json.dumps is C code, whereas psycopg dumps list parameters value by value in Python
(that was a third of the planning time at 50,000 due clues). One round trip per batch. Elsewhere (SQLite in tests and small installs) one
statement per row. Either way a row whose unique key already exists is skipped, and only the rows this call
actually inserted come back — which is what makes two workers planning the same events harmless.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.db import connection


def insert_new(
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    *,
    returning: str,
) -> list[Any]:
    """Insert rows (skipping unique conflicts); return the `returning` tuples of the rows inserted.

    columns: (name, PostgreSQL type) pairs, e.g. ("key", "text"), ("user_id", "bigint"); a "jsonb" column takes
    a Python dict or list.
    """
    if not rows:
        return []
    names = ", ".join(name for name, _type in columns)
    if connection.vendor == "postgresql":
        # A jsonb column's value travels as nested json (r->i), everything else as text cast to its type.
        casts = ", ".join(
            f"(r->{i})::jsonb" if pgtype == "jsonb" else f"(r->>{i})::{pgtype}"
            for i, (_name, pgtype) in enumerate(columns)
        )
        sql = (
            f"INSERT INTO {table} ({names}) SELECT {casts} FROM json_array_elements(%s::json) AS r "  # noqa: S608
            f"ON CONFLICT DO NOTHING RETURNING {returning}"
        )
        return _pg_fetch(sql, _json(rows))
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING RETURNING {returning}"  # noqa: S608
    found: list[Any] = []
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for row in rows:
            # Store datetimes exactly as the ORM would (SQLite compares them as text), json as text.
            values = [
                adapt(v)
                if isinstance(v, dt.datetime)
                else json.dumps(v)
                if isinstance(v, (dict, list))
                else v
                for v in row
            ]
            cursor.execute(sql, values)
            found.extend(cursor.fetchall())
    return found


def existing(table: str, column: str, values: Sequence[str]) -> set[str]:
    """Which of `values` already exist in a unique text column (one round trip, server-side binding on PG)."""
    if not values:
        return set()
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT {column} FROM {table} "  # noqa: S608 - identifiers are ours
            f"WHERE {column} = ANY(ARRAY(SELECT json_array_elements_text(%s::json)))"
        )
        return {r[0] for r in _pg_fetch(sql, json.dumps(list(values), ensure_ascii=False))}
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", list(values))  # noqa: S608
        return {r[0] for r in cursor.fetchall()}


def _json(rows: Sequence[Sequence[Any]]) -> str:
    # A batch repeats the same few datetimes (the pass's `now`, shared deadlines): format each once.
    seen: dict[Any, str] = {}

    def iso(value: Any) -> str:
        found = seen.get(value)
        if found is None:
            if not isinstance(value, (dt.datetime, dt.date)):
                raise TypeError(f"cannot send {type(value).__name__} as json")
            found = seen[value] = value.isoformat()
        return found

    return json.dumps(rows, ensure_ascii=False, default=iso)


def _pg_fetch(sql: str, param: str) -> list[Any]:
    """Run one statement with one text parameter on a server-side-binding psycopg cursor; return all rows."""
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, [param])
        return list(cursor.fetchall())

"""Bulk `INSERT … ON CONFLICT DO NOTHING RETURNING` for the worker's hot paths.

On PostgreSQL the rows travel as one array per column through `unnest` on a server-side-binding psycopg cursor
(no per-value quoting in Python; one round trip per batch). Elsewhere (SQLite in tests and small installs) one
statement per row. Either way a row whose unique key already exists is skipped, and only the rows this call
actually inserted come back — which is what makes two workers planning the same events harmless.
"""

from __future__ import annotations

import datetime as dt
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

    columns: (name, PostgreSQL type) pairs, e.g. ("key", "text"), ("user_id", "bigint").
    """
    if not rows:
        return []
    names = ", ".join(name for name, _type in columns)
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        arrays = [[row[i] for row in rows] for i in range(len(columns))]
        unnest = ", ".join(f"%s::{pgtype}[]" for _name, pgtype in columns)
        sql = (
            f"INSERT INTO {table} ({names}) SELECT * FROM unnest({unnest}) "  # noqa: S608 - identifiers are ours
            f"ON CONFLICT DO NOTHING RETURNING {returning}"
        )
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, arrays)
            return list(cursor.fetchall())
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING RETURNING {returning}"  # noqa: S608
    found: list[Any] = []
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for row in rows:
            # Store datetimes exactly as the ORM would (SQLite compares them as text).
            values = [adapt(v) if isinstance(v, dt.datetime) else v for v in row]
            cursor.execute(sql, values)
            found.extend(cursor.fetchall())
    return found


def existing(table: str, column: str, values: Sequence[str]) -> set[str]:
    """Which of `values` already exist in a unique text column (one round trip, server-side binding on PG)."""
    if not values:
        return set()
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        sql = f"SELECT {column} FROM {table} WHERE {column} = ANY(%s::text[])"  # noqa: S608 - identifiers are ours
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, [list(values)])
            return {r[0] for r in cursor.fetchall()}
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", list(values))  # noqa: S608
        return {r[0] for r in cursor.fetchall()}

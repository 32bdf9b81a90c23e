"""Tables kept exact by PostgreSQL statement-level triggers (the reports tally, the units' handled clues): the
trigger DDL they share, and reading the signed counts they answer with."""

from __future__ import annotations

from typing import Any

from django.db import connection

EVENTS = ("insert", "update", "delete", "truncate")
# What each event's statement trigger sees: the transition tables PostgreSQL passes for it.
_REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
    "truncate": "",
}


def drop_triggers(name: str, table: str) -> str:
    """DROP the four triggers `<name>_<event>` on `table` (if they exist)."""
    return "".join(f"DROP TRIGGER IF EXISTS {name}_{event} ON {table};\n" for event in EVENTS)


def statement_triggers(name: str, table: str, function: str) -> str:
    """(Re)create triggers `<name>_<event>` on `table` that run `function()` once per statement, after
    INSERT, UPDATE, DELETE and TRUNCATE, with the transition tables `new_rows` / `old_rows`."""
    return drop_triggers(name, table) + "".join(
        f"CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {table} {_REFERENCING[event]}\n"
        f"  FOR EACH STATEMENT EXECUTE FUNCTION {function}();\n"
        for event in EVENTS
    )


def signed_counts(sql: str, params: list[Any]) -> dict[str, int]:
    """Run `sql` answering (key, signed count) rows, e.g. kept counts UNION ALL live corrections with a
    minus sign; the sums per key, without the keys that come to nothing."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key, n in cursor.fetchall():
            counts[key] = counts.get(key, 0) + int(n)
    return {key: n for key, n in counts.items() if n}

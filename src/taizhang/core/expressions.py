"""Query expressions the read side shares."""

from __future__ import annotations

from django.db.models import Exists


class ExistsPerRow(Exists):
    """EXISTS asked of each row as it is read. PostgreSQL may rewrite an EXISTS (under OR, or one it cannot
    turn into a join) as a hashed subplan and build the hash of every matching row before the first outer row:
    for a page, the whole table read to show 20 rows (某 at a million clues: 712 ms a page, 10 ms asked per
    row; the home page's todo list, 93 ms to hash every ended assignment). An OFFSET in the subquery keeps the
    planner from that rewrite; the answer is the same. For pages, which stop early; counts may hash."""

    template = "EXISTS(%(subquery)s OFFSET 0)"

"""The questions pages ask about the clues a person sees, each answered by the form rule.form_for chooses.

- page_of: one page of the filtered, sorted ledger (the ledger list, the API list);
- visible_status_counts: counts per status under the ledger's filters (the ledger's tabs, the API, the home
  panel);
- period_keys: whether the tally answers a dashboard's or a report's counts by period, and with which keys
  (reports.grouping, reports.indicators sum them; otherwise they count `Clue.objects.visible_to(user)`);
- one clue: `Clue.objects.visible_one(user, pk)` (clues/models.py, the rule's one-clue form).

The filters themselves (what `status`, `office`, `overdue`... mean) are clues/filters.py's, and read the same on
Clue and on HandledClue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from taizhang.clues.filters import (
    Parsed,
    filter_clues,
    ledger_q,
    parse,
    sort_of,
    status_counts,
    text_of,
)
from taizhang.clues.models import Clue, HandledClue
from taizhang.clues.visibility import handled, tally
from taizhang.clues.visibility.rule import Form, Question, form_for
from taizhang.org.models import Unit
from taizhang.org.visibility import scope_of

# Parameters that choose a page or an order, or that the counts per status leave out: none narrows the counts.
NOT_FILTERS = frozenset({"status", "sort", "page"})


def _filtered(values: Mapping[str, Any]) -> bool:
    return any(value not in (None, "", [], False) for key, value in values.items() if key not in NOT_FILTERS)


def handled_rows(user: Any, values: Mapping[str, Any]) -> QuerySet[HandledClue] | None:
    """The HandledClue rows of what `user` sees (to narrow with `ledger_q(..., pk="clue_id")`) when they answer
    a page under the filters `values` (form_for: a plain member unit's person on PostgreSQL, no text search);
    None otherwise."""
    scope = scope_of(user)
    if form_for(scope, Question.PAGE, text=bool(text_of(values))) is not Form.HANDLED or scope is None:
        return None
    return handled.rows_of(scope)


def page_of(
    user: Any, rows: QuerySet[Clue], params: Mapping[str, Any] | None, start: int, stop: int
) -> list[Clue]:
    """Rows start..stop of the filtered, sorted clues `user` sees, fetched as `rows` (with their relations).

    The page's ids are chosen first, in a subquery that reads only the sort key and the filter and visibility
    columns, and only the page's own rows are then read in full. One SQL statement (plus `rows'` prefetches),
    whatever the page size or depth. `rows` must not widen what `user` sees: the rule is applied inside the
    subquery.

    Where the ids come from (form_for). LIVE, for office people (and discipline handlers, SQLite, text
    searches): the visible Clue rows; the covering indexes on Clue serve them without visiting the table, so a
    deep page skips its offset in the index. HANDLED, for a member unit, which sees a few percent of the clues
    scattered through those global indexes: its own HandledClue rows, which carry the same columns and an
    index per sort led by the unit, so the page walks the unit's rows only.
    """
    v = params if isinstance(params, Parsed) else parse(params)
    own = handled_rows(user, v)
    ids: QuerySet[Any]
    if own is not None:
        ids = own.filter(ledger_q(v, pk="clue_id")).order_by(*sort_of(v, pk="clue_id")).values("clue_id")
    else:
        ids = filter_clues(Clue.objects.visible_to(user), v).values("pk")
    return list(rows.filter(pk__in=ids[start:stop]).order_by(*sort_of(v)))


def visible_status_counts(user: Any, params: Mapping[str, Any] | None) -> dict[str, int]:
    """`filters.status_counts` of what `user` sees, by the form form_for chooses: TALLY for office people's
    unfiltered counts, HANDLED for a member unit's (filtered or not, except by the text search), else LIVE."""
    v = params if isinstance(params, Parsed) else parse(params)
    scope = scope_of(user)
    form = form_for(scope, Question.STATUS_COUNTS, text=bool(text_of(v)), filtered=_filtered(v))
    if form is Form.TALLY:
        counts = tally_status_counts(user)
        if counts is not None:
            return counts
    if form is Form.HANDLED and scope is not None:
        return handled.counts_by_status(
            handled.rows_of(scope).filter(ledger_q(v, pk="clue_id", skip_status=True))
        )
    return status_counts(Clue.objects.visible_to(user), v)


def tally_status_counts(user: Any) -> dict[str, int] | None:
    """Counts per status of everything `user` sees, unfiltered, from the trigger-kept tally.

    The office's ledger opens unfiltered on the whole city: a scan of a million clues, where the tally holds
    a few thousand rows per status and month. The tally's keys express the rule of office people only
    (tally.scope_keys; None otherwise: counted live); the clues recused for the viewer's units are counted
    live and taken off, as the reports do. One query.
    """
    from taizhang.core.triggers import signed_counts

    unit = getattr(user, "unit", None)
    keys = tally.scope_keys(user, unit) if unit is not None else None
    if keys is None or keys.unit_id is not None:
        return None
    where, params = keys.where()
    sql = f"""
        SELECT value, SUM(n) FROM {tally.TABLE} WHERE kind = 'R' AND dim = 'status' AND {where} GROUP BY value
        UNION ALL
        SELECT status, -COUNT(*) FROM clues_clue
        WHERE {where} AND id IN (SELECT clue_id FROM clues_recusal WHERE unit_id = ANY(%s)) GROUP BY status
    """  # noqa: S608 - constants only; values are parameters
    return signed_counts(sql, [*params, *params, list(keys.lineage)])


def period_keys(user: Any, unit: Unit, periods: list[tuple[dt.date, dt.date]]) -> tally.Keys | None:
    """The tally keys that count, for `user`, the clues of `unit` (reports.drill.unit_q) over `periods`, when
    form_for has the tally answer (office people, whole months); None: count `Clue.objects.visible_to(user)`
    live. The caller sums the keys with tally.read, takes off tally.recused_clues and adds today's overdue."""
    whole = bool(periods) and all(tally.whole_months(start, end) for start, end in periods)
    if form_for(scope_of(user), Question.PERIOD_COUNTS, whole_months=whole) is not Form.TALLY:
        return None
    return tally.scope_keys(user, unit)

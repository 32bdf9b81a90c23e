"""The questions pages ask about the clues a person sees, each answered by the form rule.form_for chooses.

- page_of: one page of the filtered, sorted ledger (the ledger list, the API list);
- visible_status_counts: counts per status under the ledger's filters (the ledger's tabs, the API, the home
  panel); counted_rows: the rows a member unit's own counts read (its home panel);
- period_keys: whether the tally answers a dashboard's or a report's counts by period, and with which keys
  (reports.grouping, reports.indicators sum them; otherwise they count `Clue.objects.visible_to(user)`);
- one clue: `Clue.objects.visible_one(user, pk)` (clues/models.py, the rule's one-clue form).

The filters themselves (what `status`, `office`, `overdue`... mean) are clues/filters.py's, and read the same on
Clue and on HandledClue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from contextlib import nullcontext
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Q, QuerySet

from taizhang.clues import text_filter
from taizhang.clues.filters import (
    Parsed,
    counting,
    filter_clues,
    ledger_q,
    office_path,
    parse,
    sort_of,
    status_counts,
    text_of,
)
from taizhang.clues.models import Clue, HandledClue
from taizhang.clues.visibility import handled, tally
from taizhang.clues.visibility.rule import Form, Question, Reach, form_for, reach_of
from taizhang.org.models import Unit
from taizhang.org.visibility import scope_of

# Parameters that choose a page or an order, or that the counts per status leave out: none narrows the counts.
NOT_FILTERS = frozenset({"status", "sort", "page"})


def _filters(values: Mapping[str, Any]) -> dict[str, Any]:
    """The filters that narrow the counts per status (less the page's own choices and parse's caches)."""
    return {
        key: value
        for key, value in values.items()
        if key not in NOT_FILTERS and not key.startswith("_") and value not in (None, "", [], False)
    }


def handled_q(v: Parsed, *, skip_status: bool = False, counting: bool = False) -> Q:
    """The ledger's filters on HandledClue rows, its text search included."""
    q = ledger_q(v, pk="clue_id", skip_status=skip_status)
    text = text_of(v)
    return q & text_filter.handled_text_q(text, counting=counting, cache=v) if text else q


def handled_rows(user: Any, v: Parsed) -> QuerySet[HandledClue] | None:
    """The HandledClue rows of what `user` sees (to narrow with `handled_q(v)`) when they answer a page under
    the filters `v` (form_for: a plain member unit's person on PostgreSQL); None otherwise."""
    scope = scope_of(user)
    form = form_for(scope, Question.PAGE, text=bool(text_of(v)))
    if form is not Form.HANDLED or scope is None:
        return None
    return handled.rows_of(scope)


def counted_rows(user: Any) -> QuerySet[HandledClue] | None:
    """The HandledClue rows of what `user` sees, for counts under filters on the columns HandledClue copies
    (a home panel's), where form_for answers such counts with them (a plain member unit's person on
    PostgreSQL; the rows name their clue `clue_id`); None otherwise: count `Clue.objects.visible_to(user)`."""
    scope = scope_of(user)
    form = form_for(scope, Question.STATUS_COUNTS, filtered=True)
    if form is not Form.HANDLED or scope is None:
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

    Where the ids come from (form_for). LIVE, for office people (and discipline handlers, SQLite): the
    visible Clue rows; the covering indexes on Clue serve them without visiting the table, so a deep page
    skips its offset in the index. HANDLED, for a member unit, which sees a few percent of the clues scattered
    through those global indexes: its own HandledClue rows, which carry the same columns and an index per sort
    led by the unit, so the page walks the unit's rows only (a text search asks each row's clue).
    """
    v = params if isinstance(params, Parsed) else parse(params)
    own = handled_rows(user, v)
    if own is not None:
        ids = own.filter(handled_q(v)).order_by(*sort_of(v, pk="clue_id")).values("clue_id")
        return list(rows.filter(pk__in=ids[start:stop]).order_by(*sort_of(v)))
    reach = reach_of(scope_of(user))
    # A person who sees few clues may have the text search read every candidate (text_filter.way), which
    # wants the bitmaps' room that counts have.
    room = counting(Clue.objects.db) if text_of(v) and reach is Reach.FEW else nullcontext()
    with room:
        chosen = filter_clues(Clue.objects.visible_to(user), v, reach=reach)
        return list(rows.filter(pk__in=chosen.values("pk")[start:stop]).order_by(*sort_of(v)))


def visible_status_counts(user: Any, params: Mapping[str, Any] | None) -> dict[str, int]:
    """`filters.status_counts` of what `user` sees, by the form form_for chooses: TALLY for office people's
    counts under no filter or filters the tally keeps (tally.narrowing), HANDLED for a member unit's (filtered
    or not, the text search too), else LIVE."""
    v = params if isinstance(params, Parsed) else parse(params)
    scope = scope_of(user)
    filters = _filters(v)
    narrowed = tally.narrowing(filters)
    filtered = bool(filters) and narrowed is None
    form = form_for(scope, Question.STATUS_COUNTS, text=bool(text_of(v)), filtered=filtered)
    if form is Form.TALLY and narrowed is not None:
        counts = tally_status_counts(user, v, narrowed)
        if counts is not None:
            return counts
    if form is Form.HANDLED and scope is not None:
        with counting(HandledClue.objects.db):
            rows = handled.rows_of(scope).filter(handled_q(v, skip_status=True, counting=True))
            return handled.counts_by_status(rows)
    return status_counts(Clue.objects.visible_to(user), v, reach=reach_of(scope))


def tally_status_counts(
    user: Any, params: Mapping[str, Any] | None = None, narrowed: tally.Narrowing | None = None
) -> dict[str, int] | None:
    """Counts per status of what `user` sees under the ledger filters `params`, from the trigger-kept tally;
    None when the tally cannot answer (the person's rule or the filters are not the tally's: counted live).

    The office's ledger opens on the whole city: a scan of a million clues, where the tally holds a few
    thousand rows per status and month; a filter the tally crosses with status (category, channel, sector,
    finding) reads that value's rows only, and the keyed ones (office, 保护伞, received months; the responsible
    unit without a crossed one) narrow either (tally.narrowing). The tally's keys express the rule of office
    people only (tally.scope_keys); the clues recused for the viewer's units, under the same filters, are
    counted live and taken off, as the reports do. One query (and the office filter's path, looked up once).
    """
    from taizhang.core.triggers import signed_counts

    v = params if isinstance(params, Parsed) else parse(params)
    if narrowed is None:
        narrowed = tally.narrowing(_filters(v))
    unit = getattr(user, "unit", None)
    keys = tally.scope_keys(user, unit) if unit is not None else None
    if keys is None or keys.unit_id is not None or narrowed is None:
        return None
    where, params_of_keys = keys.where()
    column, narrow, params_of_filters = narrowed.where(office_path(v) if narrowed.office else None)
    sql = f"SELECT {column}, SUM(n) FROM {tally.TABLE} WHERE {narrow} AND {where} GROUP BY {column}"  # noqa: S608
    args = [*params_of_filters, *params_of_keys]
    recused = tally.recused_of(keys).filter(ledger_q(v, skip_status=True)).order_by()
    try:
        less, params_of_less = recused.values_list("status").annotate(n=Count("id")).query.sql_with_params()
    except EmptyResultSet:  # no lineage, or an `office` that does not exist: nothing to take off
        pass
    else:
        sql += f" UNION ALL SELECT status, -n FROM ({less}) AS recused"  # noqa: S608 - Django's own SQL
        args += params_of_less
    return signed_counts(sql, args)


def period_keys(user: Any, unit: Unit, periods: list[tuple[dt.date, dt.date]]) -> tally.Keys | None:
    """The tally keys that count, for `user`, the clues of `unit` (reports.drill.unit_q) over `periods`, when
    form_for has the tally answer (office people, whole months); None: count `Clue.objects.visible_to(user)`
    live. The caller sums the keys with tally.read, takes off tally.recused_clues and adds today's overdue."""
    whole = bool(periods) and all(tally.whole_months(start, end) for start, end in periods)
    if form_for(scope_of(user), Question.PERIOD_COUNTS, whole_months=whole) is not Form.TALLY:
        return None
    return tally.scope_keys(user, unit)

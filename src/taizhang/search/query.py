"""Running a search: folded query terms matched in the index, restricted to what the person may see, ranked.

Every result set is filtered by the source's `visible(user)` (Model.objects.visible_to(user)) inside the
database query, so a recused unit or anyone outside a 保护伞 clue's reach finds nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from taizhang.pure.fold import fold, highlight_spans, query_terms
from taizhang.pure.script import HAN
from taizhang.search.models import SearchDocument
from taizhang.search.sources import SearchSource, iter_sources

_HAN_RE = re.compile(f"[{HAN}]")
SNIPPET_CHARS = 120
# Ranking reads the newest RANK_WINDOW matches a person may see, then orders those by relevance: a frequent
# two-character term can match a tenth of a million clues, and ranking all of them would take seconds.
RANK_WINDOW = 400
# Slices of the newest matches are read until this many (or a page and one) are visible ...
RANK_MIN_VISIBLE = 21
# ... each slice at most SLICE_MAX, and SCAN_LIMIT in all; then the database intersects rule and match.
SLICE_MAX = 16 * RANK_WINDOW
SCAN_LIMIT = 21 * RANK_WINDOW
# The total shown beside the results is exact up to TOTAL_CAP and "TOTAL_CAP+" above (a count of a frequent
# term over a million records would cost more than the page).
TOTAL_CAP = 10_000
# The most matching ids the capped count probes by primary key (beyond, the database intersects rule and match).
PROBE_LIMIT = 2 * TOTAL_CAP
# ... and when the share seen is too small for that, the most it probes (all of a term's matches, or none).
PROBE_FEW = TOTAL_CAP


@dataclass
class Hit:
    """One result: the record, where it is, and its text with the matching parts marked."""

    model: str
    label: Any
    object_id: int
    url: str
    title_html: SafeString
    snippet_html: SafeString
    rank: float


@dataclass
class Group:
    """The results from one source (clues, cases, rectification items)."""

    model: str
    label: Any
    hits: list[Hit]
    more: bool
    # Visible matches in all (at most TOTAL_CAP + 1: more than TOTAL_CAP).
    total: int = 0


def _is_word(term: str) -> bool:
    """Latin/digit words are matched as prefixes (a phone or number fragment); Han terms exactly."""
    return not _HAN_RE.search(term)


def fts5_query(terms: list[str]) -> str:
    """FTS5 MATCH text: every term quoted, words as prefixes, all required."""
    parts = []
    for term in terms:
        quoted = '"' + term.replace('"', '""') + '"'
        parts.append(quoted + "*" if _is_word(term) else quoted)
    return " AND ".join(parts)


def ts_query(terms: list[str]) -> str:
    """PostgreSQL tsquery text over the verbatim lexemes (no parser, so any locale keeps Han characters)."""
    parts = []
    for term in terms:
        quoted = "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"
        parts.append(quoted + ":*" if _is_word(term) else quoted)
    return " & ".join(parts)


# Constant SQL over the index tables; the query text is always a bound parameter. Columns in the WHERE
# fragments are unqualified on purpose: they bind to the nearest search_searchdocument, also in a subquery.
_PG_WHERE = "tsv @@ %s::tsquery"
_PG_RANK = "ts_rank(search_searchdocument.tsv, %s::tsquery)"
_FTS_WHERE = "id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
_FTS_RANK = (
    "(SELECT -bm25(search_fts, 5.0, 1.0) FROM search_fts"
    " WHERE search_fts MATCH %s AND search_fts.rowid = search_searchdocument.id)"
)


def _backend(terms: list[str]) -> tuple[str, str, str]:
    if connection.vendor == "postgresql":
        return _PG_WHERE, _PG_RANK, ts_query(terms)
    return _FTS_WHERE, _FTS_RANK, fts5_query(terms)


def matching(docs: QuerySet, terms: list[str]) -> QuerySet:
    """Restrict documents to those containing every term."""
    where, _rank_sql, text = _backend(terms)
    return docs.extra(where=[where], params=[text])  # noqa: S610 — constant SQL, bound text


def ranked(docs: QuerySet, terms: list[str]) -> QuerySet:
    """Annotate documents (of the outer query, unaliased) with the database's relevance rank."""
    _where, rank, text = _backend(terms)
    return docs.annotate(rank=RawSQL(rank, [text], output_field=FloatField()))  # noqa: S611 — bound text


def highlight(text: str, q: str) -> SafeString:
    """Escape the text, then wrap the parts matching the query in <mark> (escaping first: no markup gets in)."""
    out: list[str] = []
    pos = 0
    for start, end in highlight_spans(text, q):
        out.append(escape(text[pos:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece above is escaped


def snippet(text: str, q: str, width: int = SNIPPET_CHARS) -> SafeString:
    """A window of the text around its first match, highlighted."""
    spans = highlight_spans(text, q)
    start = max(0, spans[0][0] - width // 3) if spans else 0
    piece = text[start : start + width]
    html = highlight(piece, q)
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + html + suffix)  # noqa: S308 — highlight() escaped the text


def _phrase_bonus(doc: SearchDocument, folded_q: str) -> int:
    """The whole query present as written (after folding) ranks above scattered bigrams; title first."""
    if not folded_q:
        return 0
    if folded_q in fold(doc.title):
        return 2
    return int(folded_q in fold(doc.body))


def _only(records: QuerySet, ids: list[int]) -> QuerySet:
    """Restrict a queryset to the given primary keys.

    On PostgreSQL as `pk = ANY(one array value)`: the planner probes the primary key for each, and the query
    carries one bound value instead of thousands (whose client-side binding and Django's per-value
    preparation cost more than the probe itself at 2,000 ids). `IN (SELECT unnest(...))` would let the planner
    hash-join the whole table instead.
    """
    if connection.vendor != "postgresql" or not ids:
        return records.filter(pk__in=ids)  # no ids: Django answers without a query
    meta = records.model._meta
    quote = connection.ops.quote_name
    column = f"{quote(meta.db_table)}.{quote(meta.pk.column)}"
    return records.extra(where=[f"{column} = ANY(%s)"], params=[ids])  # noqa: S610 — names from the model


def _next_slice(read: int, found: int, want: int) -> int:
    """How many more of the newest matches to read: enough, at the share found visible so far, for `want`.

    A person who sees a small part of the ledger (a unit's assigned clues) finds few of the newest matches
    visible; sizing the next slice from that share (with half again for luck) usually finishes in one more
    read instead of several growing ones.
    """
    if found == 0:
        return SLICE_MAX
    needed = (want - found) * read / found * 1.5
    return max(RANK_WINDOW, min(SLICE_MAX, int(needed) + 1))


@dataclass
class Window:
    """The newest matching documents a person may see, as `_visible_window` found them."""

    ids: list[int]  # at most RANK_WINDOW
    exhausted: bool  # they are all there are: their number is the total, with no count to run
    share: float  # the part of the matches read that was visible (count_visible's guide)


def _visible_window(user: Any, source: SearchSource, terms: list[str], need: int) -> Window:
    """Ids of the newest matching documents the user may see (at most RANK_WINDOW), whether they are all
    there are, and the share of the matches read on the way that was visible.

    The newest matches are read in slices regardless of visibility (the GIN index or a newest-first index
    scan that stops early), and the visibility rule is applied to just those records: primary-key probes,
    never the rule over the whole ledger — for a unit's liaison that is a scan of every clue, measured at
    over a second for 1,000,000 clues (docs/search.md). The first slice is RANK_WINDOW; the next ones are
    sized by the share found visible. When SCAN_LIMIT matches hold too few, the database intersects the rule
    and the match directly.
    """
    newest = matching(SearchDocument.objects.filter(model=source.model), terms).order_by("-sort_at")
    want = max(need, RANK_MIN_VISIBLE)
    allowed: list[int] = []
    start, size = 0, RANK_WINDOW
    while start < SCAN_LIMIT:
        size = min(size, SCAN_LIMIT - start)
        chunk = list(newest.values_list("pk", "object_id")[start : start + size])
        read = start + len(chunk)
        if not chunk:  # nothing (more) matches: no need to build the visibility rule at all
            return Window(allowed[:RANK_WINDOW], len(allowed) <= RANK_WINDOW, len(allowed) / max(read, 1))
        probe = _only(source.visible(user).order_by(), [oid for _pk, oid in chunk])
        visible = set(probe.values_list("pk", flat=True))
        allowed += [pk for pk, oid in chunk if oid in visible]
        if len(chunk) < size or len(allowed) >= want:
            exhausted = len(chunk) < size and len(allowed) <= RANK_WINDOW
            return Window(allowed[:RANK_WINDOW], exhausted, len(allowed) / read)
        start += size
        size = _next_slice(start, len(allowed), want)
    scoped = newest.filter(object_id__in=source.visible(user).values("pk"))
    ids = list(scoped.values_list("pk", flat=True)[: RANK_WINDOW + 1])
    return Window(ids[:RANK_WINDOW], len(ids) <= RANK_WINDOW, len(allowed) / start)


def count_visible(user: Any, source: SearchSource, terms: list[str], *, share: float = 1.0) -> int:
    """How many documents of the source match and are visible to the user, counted up to TOTAL_CAP + 1.

    Matching ids are read and their records probed through the rule by primary key, as `_visible_window`
    does, instead of the rule being built over the whole ledger (which reads every record: 100–400 ms at
    100,000 clues, docs/search.md). How many are read follows `share`, the part of the newest matches the
    search found visible: enough to find TOTAL_CAP + 1 visible ones at that share (with a fifth more) when
    that is at most PROBE_LIMIT, else PROBE_FEW (only a term with at most that many matches is worth probing
    for a person who sees a few percent of them). When they are all the matches the probe counts them exactly; when more
    than TOTAL_CAP of them are visible, the total is "more than TOTAL_CAP". Otherwise (a unit and a frequent
    term, or a share that misled) the database intersects rule and match. Either way the same number."""
    docs = matching(SearchDocument.objects.filter(model=source.model), terms).order_by()
    visible = source.visible(user).order_by()
    wanted = (TOTAL_CAP + 1) / share * 1.2 if share > 0 else math.inf
    decisive = wanted <= PROBE_LIMIT  # probing may find more than TOTAL_CAP visible
    budget = int(max(TOTAL_CAP + 1, wanted)) if decisive else PROBE_FEW
    ids = list(docs.values_list("object_id", flat=True)[: budget + 1])
    if len(ids) <= budget or decisive:
        seen = _only(visible, ids[:budget]).count()
        if seen > TOTAL_CAP or len(ids) <= budget:
            return min(seen, TOTAL_CAP + 1)
    scoped = docs.filter(object_id__in=visible.values("pk"))
    return scoped.values("pk")[: TOTAL_CAP + 1].count()


def _rank(doc: SearchDocument) -> float:
    return float(getattr(doc, "rank", None) or 0.0)


def search_source(user: Any, source: SearchSource, q: str, limit: int = 20) -> Group:
    """Search one source within what the user may see; the best `limit` hits, newest first among equals."""
    terms = query_terms(q)
    hits: list[Hit] = []
    if not terms:
        return Group(source.model, source.label, hits, False)
    window = _visible_window(user, source, terms, limit + 1)
    window_ids = window.ids
    if not window_ids:  # most sources match nothing for most words: skip building the ranked query
        return Group(source.model, source.label, hits, False)
    docs = ranked(_only(SearchDocument.objects.all(), window_ids), terms).order_by(
        "-rank", "-sort_at", "-object_id"
    )
    rows = list(docs.only("model", "object_id", "title", "body")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    folded_q = fold(q).strip()
    rows.sort(key=lambda d: (_phrase_bonus(d, folded_q), _rank(d)), reverse=True)
    for doc in rows:
        hits.append(
            Hit(
                model=doc.model,
                label=source.label,
                object_id=doc.object_id,
                url=source.url(doc.object_id),
                title_html=highlight(doc.title, q),
                snippet_html=snippet(doc.body, q),
                rank=_rank(doc),
            )
        )
    total = len(window_ids) if window.exhausted else count_visible(user, source, terms, share=window.share)
    return Group(source.model, source.label, hits, more, total)


def search(user: Any, q: str, *, models: list[str] | None = None, limit: int = 20) -> list[Group]:
    """Search every source (or the named ones) for the user; one group per source."""
    return [
        search_source(user, source, q, limit)
        for source in iter_sources()
        if models is None or source.model in models
    ]

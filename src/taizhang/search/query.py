"""Running a search: folded query terms matched in the index, restricted to what the person may see, ranked.

Every result set is filtered by the source's `visible(user)` (Model.objects.visible_to(user)) inside the
database query, so a recused unit or anyone outside a 保护伞 clue's reach finds nothing.
"""

from __future__ import annotations

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
# Slices of the newest matches are read until this many (or a page and one) are visible.
RANK_MIN_VISIBLE = 21
WINDOW_SLICES = (RANK_WINDOW, 4 * RANK_WINDOW, 16 * RANK_WINDOW)
# Someone who may see at most this many records of a source (a unit's assigned clues, a small district office)
# is searched from those records instead of from the ledger-wide matches (see _visible_window).
NARROW_SCOPE = 30_000


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


def _narrow_ids(user: Any, source: SearchSource) -> list[int] | None:
    """The ids of everything the user may see of the source when that is at most NARROW_SCOPE records, else None.

    Read through the source's visibility hook (the one rule), bounded: for someone who sees most of the ledger
    the database stops after NARROW_SCOPE + 1 rows.
    """
    ids = list(source.visible(user).order_by().values_list("pk", flat=True)[: NARROW_SCOPE + 1])
    return ids if len(ids) <= NARROW_SCOPE else None


def _newest_among(user: Any, source: SearchSource, ids: list[int], terms: list[str]) -> list[int]:
    """The newest matching documents of the given records (at most RANK_WINDOW).

    Starts from the records: each one's document is fetched by its key and the match is checked on that row
    (`ts_match_vq`, the function behind `@@`, which the planner cannot answer from the GIN index), so a
    frequent term matching a hundred thousand documents elsewhere in the ledger costs nothing.
    """
    docs = SearchDocument.objects.filter(model=source.model)
    if connection.vendor == "postgresql":
        docs = docs.extra(
            where=["object_id = ANY(%s)", "ts_match_vq(tsv, %s::tsquery)"], params=[ids, ts_query(terms)]
        )
    else:
        # SQLite caps the number of bound values; its FTS5 match is cheap at the sizes it serves.
        docs = matching(docs.filter(object_id__in=source.visible(user).values("pk")), terms)
    return list(docs.order_by("-sort_at").values_list("pk", flat=True)[:RANK_WINDOW])


def _visible_window(user: Any, source: SearchSource, terms: list[str], need: int) -> list[int]:
    """Ids of the newest matching documents the user may see (at most RANK_WINDOW).

    The plan depends on how much the user may see. A narrow scope (a unit's assigned clues, a small district
    office) starts from those records and checks the match on each. A broad one reads the newest matches in
    growing slices regardless of visibility and applies the visibility rule to just those records (primary-key
    probes instead of evaluating the rule over the whole ledger); when even those hold too few, the database
    intersects the rule and the match directly.
    """
    narrow = _narrow_ids(user, source)
    if narrow is not None:
        return _newest_among(user, source, narrow, terms) if narrow else []
    newest = matching(SearchDocument.objects.filter(model=source.model), terms).order_by("-sort_at")
    allowed: list[int] = []
    start = 0
    for size in WINDOW_SLICES:
        chunk = list(newest.values_list("pk", "object_id")[start : start + size])
        visible = set(
            source.visible(user).filter(pk__in=[oid for _pk, oid in chunk]).values_list("pk", flat=True)
        )
        allowed += [pk for pk, oid in chunk if oid in visible]
        if len(chunk) < size or len(allowed) >= max(need, RANK_MIN_VISIBLE):
            return allowed[:RANK_WINDOW]
        start += size
    scoped = newest.filter(object_id__in=source.visible(user).values("pk"))
    return list(scoped.values_list("pk", flat=True)[:RANK_WINDOW])


def _rank(doc: SearchDocument) -> float:
    return float(getattr(doc, "rank", None) or 0.0)


def search_source(user: Any, source: SearchSource, q: str, limit: int = 20) -> Group:
    """Search one source within what the user may see; the best `limit` hits, newest first among equals."""
    terms = query_terms(q)
    hits: list[Hit] = []
    if not terms:
        return Group(source.model, source.label, hits, False)
    window_ids = _visible_window(user, source, terms, limit + 1)
    docs = ranked(SearchDocument.objects.filter(pk__in=window_ids), terms).order_by(
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
    return Group(source.model, source.label, hits, more)


def search(user: Any, q: str, *, models: list[str] | None = None, limit: int = 20) -> list[Group]:
    """Search every source (or the named ones) for the user; one group per source."""
    return [
        search_source(user, source, q, limit)
        for source in iter_sources()
        if models is None or source.model in models
    ]

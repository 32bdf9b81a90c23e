"""The ledger's text search `q`: a substring, ignoring case, of the clue's number, summary or source reference,
or of one of its reported subjects' names (matches_q, the rule). filters.filter_clues applies it.

On PostgreSQL a GIN index on each side narrows the clues first (migration 0007_text_filter_grams: the arrays
of 1-, 2- and 3-character grams of the upper-cased texts); the rule then decides among the candidates of a
longer term, so the matches are the rule's (tests/clues/test_text_filter.py). A term of 1-3 characters is
itself a gram: a text holds it exactly when it contains the term, so its candidates are its matches and the
rule is not asked again (`exact`). `way` chooses how: counts (which read every match) take the candidates
from the indexes' bitmaps, each read once, wherever the bitmap fits the work_mem in force; so does a page up
to a limit of candidates, and past it the page scans in its sort order, its first rows coming soon (the
planner's estimate of the candidates and the index's entries counted up to the limit decide: PROBE). A
member unit's page and counts read its own HandledClue rows instead, each row's clue asked the rule or found
among the candidates (handled_text_q).
Why not pg_trgm, and the figures: docs/clues.md.
"""

from __future__ import annotations

import json
import math
from enum import StrEnum
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, Value
from django.db.models.expressions import RawSQL

from taizhang.clues.models import Clue, ReportedSubject
from taizhang.clues.visibility.rule import Reach
from taizhang.core.expressions import ExistsPerRow

# The clues whose texts hold every gram of the term: all the clues matches_q finds, and a few more.
CANDIDATES = """
    SELECT id FROM clues_clue
    WHERE taizhang_grams(number, summary, source_ref) @> taizhang_query_grams(%s)
    UNION
    SELECT clue_id FROM clues_reportedsubject WHERE taizhang_grams(name) @> taizhang_query_grams(%s)
"""
# Counting reads every match: the candidates read once each from the clue's table (IsCandidate) beat the
# scan, which asks the substring rule of every clue, up to half the clues (CLUE_COUNTING_SHARE; at a million
# clues, office counts of 村, 326,921 matches, 2.3 s → 368 ms). Past it the scan wins where the rule discards
# most clues before the substring is asked (某, 970,059: a discipline handler's counts 778 ms scanned, 2,431
# through the candidates; a district office's 1,433 against 2,297), but not for the root office, whose rule
# keeps every clue (visibility.rule.Reach.ALL: 4,628 against 2,270): its counts read the candidates at any
# share. Exports (counting too) stop at exports.MAX_ROWS of the matches and keep the half. A member unit's
# counts ask the rule of its own rows only (a few percent of the clues), which costs less than reading the
# candidates past a quarter of the clues (COUNTING_SHARE: 某 499 vs 1,072 ms). A page stops at its first rows:
# a scan in date order finds a term of frequency f among what a person sees (a share s of the clues) after
# about 50/(f·s) rows, the index path reads every candidate. Up to IDS_PER_ROOT·√clues candidates (25,000 at
# a million) a page reads the candidates (by their bitmaps; a member unit's page takes their ids as a list, a
# few ms to read from the index) and applies the rule to those clues only.
COUNTING_SHARE = 0.25
CLUE_COUNTING_SHARE = 0.5
PAGE_FLOOR = 1_000
IDS_PER_ROOT = 25
# A count reads its candidates through bitmaps (IsCandidate, the unit's hashed CANDIDATES). A bitmap past
# work_mem turns lossy, and PostgreSQL re-checks every row of a lossy page by the index's expression, the grams
# of its texts (~50 µs a clue): at a million clues the office's count of 工 (182,191 matches) took 12.5 s, a
# unit's 11 s. PostgreSQL's TIDBitmap keeps a page in 64 bytes (tidbitmap.c: a PagetableEntry and two
# pointers); counts raise work_mem to COUNTING_WORK_MEM for their statement (filters.counting: the whole
# table's pages at ten million clues), and `way` takes the bitmaps only where they fit the work_mem in force.
BITMAP_BYTES_PER_PAGE = 64
COUNTING_WORK_MEM = "64MB"
# The planner's estimate for a gram it has no statistics for (most rare ones) is a share of the table, so at a
# million clues a term in no clue was estimated above the page's limit and scanned for seconds. An estimate
# within PROBE_FACTOR of the limit is checked by counting the index's entries up to the limit (no clue row is
# read for a count of an all-visible page: cheaper than the ids).
PROBE_FACTOR = 10
# The same candidates, each side's counted (an upper bound of the distinct ones), stopping past the limit.
PROBE = f"SELECT count(*) FROM ({CANDIDATES.replace('UNION', 'UNION ALL')} LIMIT %s) AS found"  # noqa: S608 - constant SQL
# The candidates' ids, passed back as one array (a list of 25,000 placeholders costs Django and the parser).
LISTED = "SELECT unnest(%s::bigint[])"
# The longest grams the indexes keep (taizhang_grams: 1, 2 and 3 characters).
GRAM = 3


class Way(StrEnum):
    SCAN = "scan"  # the rule on every clue (a frequent term)
    IDS = "ids"  # the rule on the candidates' ids, read first (at most the limit; a unit's page)
    INDEX = "index"  # the rule on the candidates read by the indexes' bitmaps (counts, most pages)


def matches_q(text: str, *, per_row: bool = False) -> Q:
    """The rule: `text` is a substring, ignoring case, of the number, summary or source reference, or of a
    reported subject's name. `per_row` asks the name question row by row (a page, which stops early)."""
    named = ReportedSubject.objects.filter(clue=OuterRef("pk"), name__icontains=text)
    return (
        Q(number__icontains=text)
        | Q(summary__icontains=text)
        | Q(source_ref__icontains=text)
        | Q((ExistsPerRow if per_row else Exists)(named))
    )


def exact(text: str) -> bool:
    """Whether the index's candidates for `text` are exactly the rule's matches: a term of up to GRAM characters
    is one of the grams (taizhang_query_grams: the term itself, upper-cased as icontains compares), and a text's
    grams hold it exactly when the upper-cased text contains it."""
    return len(text) <= GRAM


def narrowed_q(text: str) -> Q:
    """matches_q among the index's candidates (PostgreSQL only), as one condition on the clue's own row
    (IsCandidate)."""
    candidates = Q(IsCandidate(text))
    return candidates if exact(text) else candidates & matches_q(text)


class IsCandidate(Func):
    """The clue is one of the index's candidates for the term: its texts' grams hold the term's, or its id is
    among the clues whose subjects' names do (read first, as one array). Both sides are indexed, so PostgreSQL
    ORs the two bitmaps and reads each candidate once, with the columns the counts and the visibility rule
    need; `id IN (CANDIDATES)` hashed the candidates and then read every clue to join them (an office's
    counts of 小, 79,875 matches at a million clues: 635 → 330 ms). The texts are the row's own columns,
    wherever Django aliases the clue's table."""

    output_field = BooleanField()

    def __init__(self, text: str) -> None:
        super().__init__(F("number"), F("summary"), F("source_ref"), F("pk"), Value(text))

    def as_sql(  # type: ignore[override]  # renders its own SQL: no function, template or joiner
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        *texts, pk, term = (compiler.compile(expression) for expression in self.get_source_expressions())
        columns = ", ".join(sql for sql, _params in texts)
        grams = f"taizhang_query_grams({term[0]})"
        named = f"SELECT clue_id FROM clues_reportedsubject WHERE taizhang_grams(name) @> {grams}"  # noqa: S608
        sql = f"(taizhang_grams({columns}) @> {grams} OR {pk[0]} = ANY(ARRAY({named})))"
        return sql, [*(p for _sql, params in texts for p in params), *term[1], *pk[1], *term[1]]


def estimate(text: str) -> tuple[float, float]:
    """The planner's estimate of the term's candidates, and the clues in the table (PostgreSQL's statistics;
    no clue is read)."""
    with _db().cursor() as cursor:
        cursor.execute("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'clues_clue'::regclass")
        clues = float(cursor.fetchone()[0])
        cursor.execute("EXPLAIN (FORMAT JSON) " + CANDIDATES, [text, text])
        plan: Any = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"]), clues


def _db() -> BaseDatabaseWrapper:
    """The database the clues are read from (the router's: a replica, or the primary inside a transaction):
    the filter's own reads and the work_mem it checks are the statement's."""
    return connections[router.db_for_read(Clue)]


def limit_of(clues: float) -> int:
    """How many candidates a page or a count takes as a list of ids, for a table of `clues`."""
    return int(max(PAGE_FLOOR, IDS_PER_ROOT * math.sqrt(clues)))


def way(
    text: str,
    *,
    counting: bool,
    cache: dict[str, Any] | None = None,
    own_rows: bool = False,
    reach: Reach = Reach.PART,
) -> Way:
    """How the filter reads `text` (PostgreSQL; SQLite scans), for counts (every match is read) or for a page.
    `cache` keeps the estimate and the ids for the other question of the same request.

    Counts take the index's candidates (INDEX: each read once, by the two bitmaps ORed) up to half the clues
    where their bitmap fits the work_mem in force (bitmap_fits), else the scan, and at any share for a person
    whose `reach` is the whole ledger (Reach.ALL, the root office's counts); counts over a member unit's
    `own_rows` take them up to a quarter of the clues only, past which asking each of the unit's rows is
    cheaper. A page of up to `limit` candidates (counted by the probe) reads them as counts do, in the table's
    order, and sorts them (the office's page of 庄违, 14,400 matches at a million clues: 158 → 45 ms, where
    the candidates' ids, listed first and probed one by one, took 110 ms); its bitmap fits the default
    work_mem, and where it would not the ids are listed (IDS), as they are for a member unit's `own_rows`
    (the unit's rows keep the listed ids in a hash). Past the limit a page scans in its sort order: its
    first rows come soon, unless the person sees few of the clues (`reach` Reach.FEW): the scan
    then reads most of the ledger for rows the rule lets through (a discipline handler's page of 小, 79,875
    matches none of which it sees: 3.3 s), and the page reads the candidates' bitmaps as counts do, up to a
    quarter of the clues."""
    if _db().vendor != "postgresql":
        return Way.SCAN
    cache = cache if cache is not None else {}
    found, clues = _estimate(text, cache)
    if counting:
        # Reach.ALL: any share, the estimate included, which sums both sides' (某: 1.6 candidates a clue).
        share = COUNTING_SHARE if own_rows else math.inf if reach is Reach.ALL else CLUE_COUNTING_SHARE
        return Way.INDEX if found <= share * clues and bitmap_fits(found) else Way.SCAN
    limit = limit_of(clues)
    if found <= PROBE_FACTOR * limit:
        if not own_rows and _probed(text, limit, cache) <= limit and bitmap_fits(limit + 1):
            return Way.INDEX
        if _listable(text, found, limit, cache):
            return Way.IDS
    if reach is Reach.FEW and found <= COUNTING_SHARE * clues and bitmap_fits(found):
        return Way.INDEX
    return Way.SCAN


def _probed(text: str, limit: int, cache: dict[str, Any]) -> int:
    """candidates_up_to(text, limit), once per request."""
    key = f"_text_probe_{limit}"
    if cache.get(key, (None,))[0] != text:
        cache[key] = (text, candidates_up_to(text, limit))
    return int(cache[key][1])


def _listable(text: str, found: float, limit: int, cache: dict[str, Any]) -> bool:
    """Whether the index holds at most `limit` candidates for `text` (estimated `found`), its ids listed."""
    # A doubtful estimate: counted up to the limit first, cheaper than reading the ids.
    if found > limit and _probed(text, limit, cache) > limit:
        return False
    return len(_ids(text, limit, cache)) <= limit


def bitmap_fits(found: float) -> bool:
    """Whether a bitmap of `found` candidates' pages (each on a page of its own, up to every page of the
    clues' table) fits half the work_mem in force, so that PostgreSQL keeps it exact (BITMAP_BYTES_PER_PAGE)."""
    with _db().cursor() as cursor:
        cursor.execute(
            "SELECT relpages, pg_size_bytes(current_setting('work_mem')) FROM pg_class"
            " WHERE oid = 'clues_clue'::regclass"
        )
        pages, work_mem = cursor.fetchone()
    return min(found, max(pages, 1)) * BITMAP_BYTES_PER_PAGE <= work_mem / 2


def _estimate(text: str, cache: dict[str, Any]) -> tuple[float, float]:
    if cache.get("_text_estimate", (None,))[0] != text:
        cache["_text_estimate"] = (text, estimate(text))
    return cache["_text_estimate"][1]


def _ids(text: str, limit: int, cache: dict[str, Any]) -> list[int]:
    if cache.get("_text_ids", (None,))[0] != text:
        cache["_text_ids"] = (text, candidate_ids(text, limit))
    return cache["_text_ids"][1]


def _listed_ids(text: str, cache: dict[str, Any]) -> list[int]:
    """The candidates' ids way read when it chose Way.IDS (from `cache`)."""
    return _ids(text, limit_of(_estimate(text, cache)[1]), cache)


def candidates_up_to(text: str, limit: int) -> int:
    """How many candidates the index holds for `text`, counted up to limit + 1 (each side's: the clue's texts
    and its subjects' names)."""
    with _db().cursor() as cursor:
        cursor.execute(PROBE, [text, text, limit + 1])
        return int(cursor.fetchone()[0])


def candidate_ids(text: str, limit: int) -> list[int]:
    """The clues the index holds for `text`, up to limit + 1 of them."""
    with _db().cursor() as cursor:
        cursor.execute(f"SELECT id FROM ({CANDIDATES}) AS found LIMIT %s", [text, text, limit + 1])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def text_q(text: str, *, counting: bool = False, cache: dict[str, Any] | None = None) -> Q:
    """The rule as a filter, narrowed by the index where it pays (way), the same matches either way; for a
    caller that does not sort by the ledger's keys (filters.filter_clues asks way and q_for itself)."""
    cache = cache if cache is not None else {}
    return q_for(text, way(text, counting=counting, cache=cache), cache, counting=counting)


def q_for(text: str, chosen: Way, cache: dict[str, Any], *, counting: bool = False) -> Q:
    """The rule as a filter, read the way `chosen` (way, with the same `cache`).

    The index's candidates (INDEX) are read by their bitmaps, each once: a query reading them must not be
    sorted by an index the planner could walk instead, asking each clue for its grams (filters.sort_of,
    `walked`; a discipline handler's page of 小 at a million clues took 8.5 s that way). The listed ids (IDS,
    where a bitmap would not fit) are joined to the clues one by one: left to the index's estimate, the
    planner joined the candidates to a member unit's rule by walking every clue in date order (3.3 s for a
    term in none)."""
    if chosen is Way.SCAN:
        return matches_q(text, per_row=not counting)
    if chosen is Way.INDEX:
        return narrowed_q(text)
    # A page (counts never take the ids) asks the rule of its listed clues even for a term `exact` makes
    # unnecessary: without the rule's cost on each row the planner walked a sort order that a discipline
    # handler's rule thins out instead of probing the ids (乡工 at a million clues: 82 → 479 ms).
    listed = RawSQL(LISTED, [_listed_ids(text, cache)])  # noqa: S611
    return Q(pk__in=listed) & matches_q(text, per_row=not counting)


class InList(Func):
    """`expression = ANY(ids)`, the ids one array parameter: PostgreSQL estimates it by the array's length and
    tests it by a hash, so it may keep the rows listed while it reads a unit's own rows, where a join to
    `unnest(ids)` (estimated at 200 rows) probed HandledClue once per id (a unit's page of a term in 14,400
    clues: 64 → 33 ms). Not for Clue's own pages: there the planner walked a sort order the rule thins out
    (a discipline handler's page by deadline, 146 → 856 ms); the join probes each candidate, predictably."""

    arg_joiner = " = ANY("
    template = "%(expressions)s::bigint[])"
    output_field = BooleanField()

    def __init__(self, expression: Any, ids: list[int]) -> None:
        super().__init__(expression, Value(ids))


def handled_text_q(text: str, *, counting: bool, cache: dict[str, Any]) -> Q:
    """The rule as a filter on a member unit's HandledClue rows (which name their clue by `clue_id`): each row's
    clue is asked the rule as the row is read, so the unit's own rows bound the work whatever the term (a unit
    sees a few percent of the ledger: at a million clues 某's counts 1,036 → 368 ms, 小's 912 → 494 ms). A
    term the index lists (way: IDS; `counting` as there) first narrows the rows to its candidates (a term in
    14,400 clues: the unit's 541 of them); counts of a term with more candidates, up to a quarter of the
    clues (way: INDEX), narrow them by the index's subquery, hashed once (小, 79,875 matches: 445 → 195 ms
    for the query). A term of 1-3 characters is then answered by the candidates alone (`exact`)."""
    named = Clue.objects.filter(pk=OuterRef("clue_id")).filter(matches_q(text, per_row=True))
    rule = Q(ExistsPerRow(named))
    chosen = way(text, counting=counting, cache=cache, own_rows=True)
    if chosen is Way.SCAN:
        return rule
    if chosen is Way.IDS:
        listed = Q(InList(F("clue_id"), _listed_ids(text, cache)))
    else:
        listed = Q(clue_id__in=RawSQL(CANDIDATES, [text, text]))  # noqa: S611 - constant SQL, bound term
    return listed if exact(text) else listed & rule

"""The ledger's text search `q`: a substring, ignoring case, of the clue's number, summary or source reference,
or of one of its reported subjects' names (matches_q, the rule). filters.filter_clues applies it.

On PostgreSQL a GIN index on each side narrows the clues first (migration 0007_text_filter_grams: the arrays
of 1-, 2- and 3-character grams of the upper-cased texts); the rule then decides among the candidates, so
the matches are the rule's (tests/clues/test_text_filter.py). The index pays for a rare term, not for one in
most clues: `narrows` asks the planner how many candidates the term has and keeps the plain scan for a
frequent one (and, where that estimate is only the planner's guess, reads the index up to the limit: PROBE).
Why not pg_trgm, and the figures: docs/clues.md.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from taizhang.clues.models import ReportedSubject

# The clues whose texts hold every gram of the term: all the clues matches_q finds, and a few more.
CANDIDATES = """
    SELECT id FROM clues_clue
    WHERE taizhang_grams(number, summary, source_ref) @> taizhang_query_grams(%s)
    UNION
    SELECT clue_id FROM clues_reportedsubject WHERE taizhang_grams(name) @> taizhang_query_grams(%s)
"""
# Counting reads every match: narrowing pays while the candidates are fewer than a quarter of the clues
# (the scan reads them all). A page stops at its first rows: a scan in date order finds a term of frequency
# f after about 50/f rows, the index path reads every candidate, and the two meet near 4·√clues candidates.
COUNTING_SHARE = 0.25
PAGE_FLOOR = 1_000
# The planner's estimate for a gram it has no statistics for (most rare ones) is a share of the table, so at a
# million clues a term in no clue was estimated above the page's limit and scanned for seconds. For a page, an
# estimate within PROBE_FACTOR of the limit is checked by reading the index itself, up to the limit.
PROBE_FACTOR = 50
# The same candidates, each side's counted (an upper bound of the distinct ones), stopping past the limit.
PROBE = f"SELECT count(*) FROM ({CANDIDATES.replace('UNION', 'UNION ALL')} LIMIT %s) AS found"  # noqa: S608 - constant SQL


def matches_q(text: str) -> Q:
    """The rule: `text` is a substring, ignoring case, of the number, summary or source reference, or of a
    reported subject's name."""
    named = ReportedSubject.objects.filter(clue=OuterRef("pk"), name__icontains=text)
    return (
        Q(number__icontains=text)
        | Q(summary__icontains=text)
        | Q(source_ref__icontains=text)
        | Q(Exists(named))
    )


def narrowed_q(text: str) -> Q:
    """matches_q among the index's candidates (PostgreSQL only)."""
    return Q(pk__in=RawSQL(CANDIDATES, [text, text])) & matches_q(text)  # noqa: S611 - constant SQL, bound term


def estimate(text: str) -> tuple[float, float]:
    """The planner's estimate of the term's candidates, and the clues in the table (PostgreSQL's statistics;
    no clue is read)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'clues_clue'::regclass")
        clues = float(cursor.fetchone()[0])
        cursor.execute("EXPLAIN (FORMAT JSON) " + CANDIDATES, [text, text])
        plan: Any = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"]), clues


def _limit(clues: float, counting: bool) -> float:
    return max(PAGE_FLOOR, COUNTING_SHARE * clues if counting else 4 * math.sqrt(clues))


def narrows(text: str, *, counting: bool, cache: dict[str, Any] | None = None) -> bool:
    """Whether the index should narrow the search for `text` (PostgreSQL), for counts (every match is read)
    or for a page. `cache` keeps the estimate for the other question of the same request."""
    if connection.vendor != "postgresql":
        return False
    if cache is not None and cache.get("_text_estimate", (None,))[0] == text:
        found, clues = cache["_text_estimate"][1]
    else:
        found, clues = estimate(text)
        if cache is not None:
            cache["_text_estimate"] = (text, (found, clues))
    limit = _limit(clues, counting)
    if found <= limit:
        return True
    if counting or found > PROBE_FACTOR * limit:  # counts: the estimate's error is small beside a quarter
        return False
    key = f"_text_probe_{int(limit)}"
    if cache is not None and cache.get(key, (None,))[0] == text:
        return bool(cache[key][1])
    narrow = candidates_up_to(text, int(limit)) <= limit
    if cache is not None:
        cache[key] = (text, narrow)
    return narrow


def candidates_up_to(text: str, limit: int) -> int:
    """How many candidates the index holds for `text`, counted up to limit + 1 (each side's: the clue's texts
    and its subjects' names)."""
    with connection.cursor() as cursor:
        cursor.execute(PROBE, [text, text, limit + 1])
        return int(cursor.fetchone()[0])


def candidate_ids(text: str, limit: int) -> list[int]:
    """The clues the index holds for `text`, up to limit + 1 of them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM ({CANDIDATES}) AS found LIMIT %s", [text, text, limit + 1])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def text_q(text: str, *, counting: bool = False, cache: dict[str, Any] | None = None) -> Q:
    """The rule as a filter: narrowed by the index where it pays (narrows), the same matches either way.

    A page narrowed takes the candidates' ids themselves (at most its limit): the planner, misled by the same
    estimate, otherwise joined the candidates to a member unit's rule by walking every clue in date order
    (3.3 s at a million clues for a term in none)."""
    cache = cache if cache is not None else {}
    if not narrows(text, counting=counting, cache=cache):
        return matches_q(text)
    if counting:
        return narrowed_q(text)
    known = cache.get("_text_estimate")
    clues = known[1][1] if known and known[0] == text else estimate(text)[1]
    limit = int(_limit(clues, counting=False))
    ids = candidate_ids(text, limit)
    if len(ids) > limit:  # more than the estimate said: the index's subquery, whole
        return narrowed_q(text)
    return Q(pk__in=ids) & matches_q(text)

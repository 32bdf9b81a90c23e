"""The ledger's text filter `q` finds exactly what the substring rule finds (filters.matches_q), for every
persona, on a random sample of terms drawn from the clues' own texts: on PostgreSQL through the gram indexes
(clues/text_filter.py, migration 0007_text_filter_grams), on SQLite by the plain scan. Pages and counts alike."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taizhang.clues import actions, filters, text_filter
from taizhang.clues.actions import SubjectData
from taizhang.clues.filters import filter_clues, parse, sort_of, status_counts
from taizhang.clues.models import Clue, ReportedSubject
from taizhang.clues.text_filter import CANDIDATES, matches_q
from taizhang.clues.visibility.answers import page_of, visible_status_counts
from taizhang.clues.visibility.rule import Reach, reach_of
from taizhang.org.visibility import scope_of

from .test_unit_pages import _ledger

pytestmark = pytest.mark.django_db
ON_POSTGRES = connection.vendor == "postgresql"
# Texts with Latin letters in both cases, digits, spaces and LIKE's own wildcards and escape.
SUMMARIES = [
    "王某某团伙在城东村强揽土方工程",
    "举报Zhang某 与 KTV 老板勾结，放贷利率 36%",
    "村支书李某某把持换届_选举",
    "线索甲：涉及0123号地块\\违规审批",
]
SOURCE_REFS = ["", "沪信〔2026〕0123号", "Ab-12_x%", "市信访局转 No.7"]
NAMES = ["赵某某", "钱多多", "Li Ming", "周某", "城东建筑有限公司", "ĲSSEL Ltd"]
FIXED = [
    "0123",
    "%",
    "_",
    "\\",
    "某",
    "sh",
    "SH",
    "zhang",
    "ktv",
    "li m",
    "不存在",
    "36%",
    "n_.",
    "某某团伙强揽工程",
    "团伙在城东",
]


def _world(world, walk) -> None:
    given, _sectors = _ledger(world, walk)
    rng = random.Random(25)
    for i, clue in enumerate(given):
        Clue.objects.filter(pk=clue.pk).update(summary=SUMMARIES[i % 4], source_ref=SOURCE_REFS[i % 4])
        ReportedSubject.objects.create(clue=clue, name=NAMES[rng.randrange(len(NAMES))])
    # A candidate that is no match: every 3-gram of 团伙在城东 is in this name, the term is not (nor in the clue's
    # summary): the index's candidates are narrowed by the rule itself on every path.
    ReportedSubject.objects.create(clue=given[1], name="团伙在城西，伙在城东")
    # A write path too: the index follows an edit (the expression index is PostgreSQL's to keep).
    edited = Clue.objects.get(pk=given[0].pk)
    actions.do_edit_clue(
        edited.pk,
        actor=world.people["office_staff"],
        version=edited.version,
        summary="改后：刘某某非法采砂",
        subjects=[SubjectData(name="孙某某")],
    )


def _terms() -> list[str]:
    """FIXED, and random substrings (1 to 5 characters, case flipped at random) of every text the filter reads."""
    texts = [
        *Clue.objects.values_list("number", flat=True),
        *Clue.objects.values_list("summary", flat=True),
        *Clue.objects.exclude(source_ref="").values_list("source_ref", flat=True),
        *ReportedSubject.objects.values_list("name", flat=True),
    ]
    rng = random.Random(20261204)
    terms = list(FIXED)
    while len(terms) < len(FIXED) + 60:
        text = rng.choice(texts)
        size = rng.randint(1, 5)
        start = rng.randrange(max(1, len(text) - size + 1))
        term = text[start : start + size].strip()
        if term:
            terms.append(term.swapcase() if rng.random() < 0.3 else term)
    return terms


@pytest.mark.parametrize("way", list(text_filter.Way), ids=[w.value for w in text_filter.Way])
def test_the_text_filter_finds_what_the_substring_rule_finds_for_every_persona(world, walk, monkeypatch, way):
    """Every path (text_filter.way chooses by the planner's estimate and the index, forced here: the ids read
    first, the index's subquery, the scan); on SQLite, the scan."""
    forced = way if ON_POSTGRES else text_filter.Way.SCAN
    monkeypatch.setattr(text_filter, "way", lambda *args, **kw: forced)
    _world(world, walk)
    terms = _terms()
    found = 0
    for key, user in world.people.items():
        visible = Clue.objects.visible_to(user)
        for term in terms:
            v = parse({"q": term, "sort": "number"})
            want = list(visible.filter(matches_q(term)).order_by(*sort_of(v)).values_list("pk", flat=True))
            got = list(filter_clues(visible, v).values_list("pk", flat=True))
            assert got == want, (key, term)
            assert [c.pk for c in page_of(user, Clue.objects.all(), v, 0, 5)] == want[:5], (key, term)
            statuses = Counter(Clue.objects.filter(pk__in=want).values_list("status", flat=True))
            assert visible_status_counts(user, {"q": term}) == dict(statuses), (key, term)
            found += len(want)
    # The sample exercises the rule: most terms find something, the edit is found and the old text is not.
    assert found > len(terms) * 3
    office = Clue.objects.visible_to(world.people["office_staff"])
    assert filter_clues(office, parse({"q": "刘某某非法"})).count() == 1
    assert filter_clues(office, parse({"q": "孙某某"})).count() == 1
    assert not filter_clues(office, parse({"q": "强揽土方"})).filter(summary__startswith="改后").exists()


@pytest.mark.skipif(not ON_POSTGRES, reason="the gram indexes are PostgreSQL's")
def test_on_postgresql_the_index_candidates_hold_every_match_and_the_filter_reads_them(world, walk):
    _world(world, walk)
    for term in _terms():
        with connection.cursor() as cursor:
            cursor.execute(CANDIDATES, [term, term])
            candidates = {row[0] for row in cursor.fetchall()}
        matches = set(Clue.objects.filter(matches_q(term)).values_list("pk", flat=True))
        assert matches <= candidates, term
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT taizhang_query_grams('王'), taizhang_query_grams('ab王'), taizhang_query_grams('x0123'),"
            " taizhang_grams('aB王', NULL, '')"
        )
        one, three, five, grams = cursor.fetchone()
    assert (one, three) == (["王"], ["AB王"])
    assert sorted(five) == ["012", "123", "X01"]
    assert sorted(set(grams)) == sorted(["A", "B", "王", "AB", "B王", "AB王"])


@pytest.mark.skipif(not ON_POSTGRES, reason="the gram indexes are PostgreSQL's")
def test_the_index_narrows_a_rare_term_and_leaves_a_frequent_one_to_the_scan(monkeypatch):
    """The decision at a million clues (limit 25·√clues = 25,000), by inflated estimates and index counts: a
    page, the counts over the clues, the counts over a member unit's own rows."""
    Way = text_filter.Way

    def estimated(found, clues=1_000_000):
        monkeypatch.setattr(text_filter, "estimate", lambda text: (found, clues))

    def really(count):
        """The index holds `count` candidates: its probe and its ids say so."""
        monkeypatch.setattr(text_filter, "candidates_up_to", lambda text, limit: min(count, limit + 1))
        monkeypatch.setattr(
            text_filter, "candidate_ids", lambda text, limit: list(range(1, min(count, limit + 1) + 1))
        )

    def ways():
        """A page of Clue's rows, a member unit's page (its own rows), counts over the clues, a unit's counts."""
        return (
            text_filter.way("莫", counting=False),
            text_filter.way("莫", counting=False, own_rows=True),
            text_filter.way("莫", counting=True),
            text_filter.way("莫", counting=True, own_rows=True),
        )

    def page_of_few():
        """A page for a person who sees few clues (a discipline handler: visibility.rule.Reach.FEW)."""
        return text_filter.way("莫", counting=False, reach=Reach.FEW)

    def counts_by_reach():
        """Counts over the clues for a person who sees the whole ledger, a district's office, a few clues."""
        return tuple(text_filter.way("莫", counting=True, reach=reach) for reach in Reach)

    assert text_filter.limit_of(1_000_000) == 25_000 and text_filter.limit_of(100) == text_filter.PAGE_FLOOR
    estimated(500)
    really(500)
    assert ways() == (Way.INDEX, Way.IDS, Way.INDEX, Way.INDEX)
    # 莫 at a million: some 5,000 candidates, estimated 10,000 (both sides): the page reads them, a unit's page
    # lists their ids.
    estimated(10_000)
    really(5_000)
    assert ways() == (Way.INDEX, Way.IDS, Way.INDEX, Way.INDEX)
    # 80,000 of a million, and the index holds as many: the pages scan (their first rows come soon).
    estimated(80_000)
    really(80_000)
    assert ways() == (Way.SCAN, Way.SCAN, Way.INDEX, Way.INDEX)
    # ... unless the person sees few clues: a scan might read most of the ledger, the page reads the candidates.
    assert page_of_few() is Way.INDEX
    # The same estimate when the index holds 30 (the planner's guess for a gram it has no statistics for).
    really(30)
    assert ways() == (Way.INDEX, Way.IDS, Way.INDEX, Way.INDEX)
    assert page_of_few() is Way.INDEX
    # Estimated under the limit but the index holds more: never a truncated list, nor a page reading them all.
    estimated(1_000)
    really(30_000)
    assert ways() == (Way.SCAN, Way.SCAN, Way.INDEX, Way.INDEX)
    # An estimate far above the limit is not checked; past a quarter of the clues a unit asks its own rows,
    # past half of them every count scans.
    estimated(400_000)
    really(30)
    assert ways() == (Way.SCAN, Way.SCAN, Way.INDEX, Way.SCAN)
    assert page_of_few() is Way.SCAN  # past a quarter of the clues the scan finds its rows soon enough
    estimated(200_000)
    really(200_000)
    assert page_of_few() is Way.INDEX
    assert counts_by_reach() == (Way.INDEX, Way.INDEX, Way.INDEX)
    estimated(900_000)
    assert ways() == (Way.SCAN, Way.SCAN, Way.SCAN, Way.SCAN)
    # ... except the counts of a person whose rule keeps every clue: the scan asks each clue the substring.
    assert counts_by_reach() == (Way.INDEX, Way.SCAN, Way.SCAN)
    estimated(1_600_000)  # the planner sums both sides' estimates (某 at a million clues)
    assert counts_by_reach() == (Way.INDEX, Way.SCAN, Way.SCAN)
    # A bitmap that would not fit the work_mem in force: the pages list the ids, the counts scan (bitmap_fits).
    monkeypatch.setattr(text_filter, "bitmap_fits", lambda found: False)
    assert page_of_few() is Way.SCAN
    assert counts_by_reach() == (Way.SCAN, Way.SCAN, Way.SCAN)
    estimated(500)
    really(500)
    assert ways() == (Way.IDS, Way.IDS, Way.SCAN, Way.SCAN)
    monkeypatch.undo()
    # The estimate and the probe are read once for the pages and the counts of one request; a Clue page does
    # not list the ids.
    asked, probed, listed = [], [], []
    monkeypatch.setattr(text_filter, "estimate", lambda text: asked.append(text) or (1, 1))
    monkeypatch.setattr(text_filter, "candidates_up_to", lambda text, limit: probed.append(text) or 1)
    monkeypatch.setattr(text_filter, "candidate_ids", lambda text, limit: listed.append(text) or [1])
    values = parse({"q": "莫"})
    filter_clues(Clue.objects.all(), values)
    filter_clues(Clue.objects.all(), values, counting=True)
    filter_clues(Clue.objects.all(), values)
    assert asked == ["莫"] and probed == ["莫"] and listed == []


@pytest.mark.skipif(not ON_POSTGRES, reason="the gram indexes are PostgreSQL's")
def test_the_index_probe_counts_candidates_up_to_its_limit(walk):
    for summary in ("莫某强揽工程", "莫某放贷", "某某团伙"):
        walk.register(summary=summary)
    walk.register(summary="无关", subjects=[SubjectData(name="莫某")])
    assert text_filter.candidates_up_to("莫", 10) == 3  # two summaries and a subject's name
    assert text_filter.candidates_up_to("莫", 1) == 2  # stops past the limit
    assert text_filter.candidates_up_to("不存在", 10) == 0
    assert len(text_filter.candidate_ids("莫", 10)) == 3 and len(text_filter.candidate_ids("莫", 1)) == 2


@pytest.mark.skipif(not ON_POSTGRES, reason="the gram indexes are PostgreSQL's")
def test_more_candidates_than_the_limit_are_never_a_truncated_list(walk, monkeypatch):
    """The page and the counts take the candidates' ids only while they are at most the limit; past it (the
    estimate was low), the scan or the index's whole subquery."""
    made = [walk.register(summary=f"莫某第{i}次强揽工程") for i in range(6)]
    walk.register(summary="无关")
    monkeypatch.setattr(text_filter, "PAGE_FLOOR", 1)
    monkeypatch.setattr(text_filter, "IDS_PER_ROOT", 4)
    monkeypatch.setattr(text_filter, "estimate", lambda text: (1, 1))  # limit max(1, 4·√1) = 4 < 6
    for counting in (False, True):
        q = text_filter.text_q("莫", counting=counting)
        found = Clue.objects.filter(q)
        assert sorted(found.values_list("pk", flat=True)) == sorted(c.pk for c in made)
        assert "unnest" not in str(found.query)
    monkeypatch.setattr(text_filter, "IDS_PER_ROOT", 6)  # limit 6: the candidates, read by their bitmaps
    found = Clue.objects.filter(text_filter.text_q("莫"))
    assert "unnest" not in str(found.query) and "taizhang_grams" in str(found.query) and found.count() == 6
    # Or, where their bitmap would not fit, the ids.
    monkeypatch.setattr(text_filter, "bitmap_fits", lambda found: False)
    found = Clue.objects.filter(text_filter.text_q("莫"))
    assert "unnest" in str(found.query) and found.count() == 6


@pytest.mark.parametrize("sort", list(filters.SORTS))
def test_a_page_read_from_the_candidates_bitmaps_is_sorted_as_the_ledger_and_never_by_walking_an_index(
    world, walk, monkeypatch, sort
):
    """Where the text search reads the index's candidates by their bitmaps (Way.INDEX: counts, exports, pages of
    up to the limit's candidates and those of people who see few clues), the query's order is the sort's in
    expressions no index serves (filters.sort_of, `walked`): with a LIMIT the planner otherwise walked the sort's
    index asking each clue for its grams (a discipline handler's page of 小 at a million clues: 8.5 s). The order
    is the sort's, NULL deadlines too."""
    _world(world, walk)
    Clue.objects.filter(pk__in=Clue.objects.order_by("pk").values("pk")[:3]).update(deadline_at=None)
    chosen = []
    forced = text_filter.Way.INDEX if ON_POSTGRES else text_filter.Way.SCAN

    def recorded(text, **kw):
        chosen.append(kw.get("reach"))
        return forced

    monkeypatch.setattr(text_filter, "way", recorded)
    for key in ("office_staff", "discipline_handler"):
        user = world.people[key]
        v = parse({"q": "某", "sort": sort})
        want = list(
            Clue.objects.visible_to(user)
            .filter(matches_q("某"))
            .order_by(*sort_of(v))
            .values_list("pk", flat=True)
        )
        assert want, key
        with CaptureQueriesContext(connection) as ctx:
            got = [c.pk for c in page_of(user, Clue.objects.all(), v, 0, 4)]
        assert got == want[:4], (key, sort)
        page = next(q["sql"] for q in reversed(ctx.captured_queries) if "ORDER BY" in q["sql"])
        assert ("COALESCE" in page) == ON_POSTGRES, (key, sort)
        # The discipline handler sees few clues: its page may read every candidate, with the counts' room.
        assert any("set_config('work_mem'" in q["sql"] for q in ctx.captured_queries) == (
            ON_POSTGRES and key == "discipline_handler"
        )
    assert chosen == [Reach.ALL, Reach.FEW]


def test_counts_per_status_are_read_with_jit_off_and_room_for_their_bitmaps_on_postgresql(world, walk):
    walk.assigned()
    with CaptureQueriesContext(connection) as ctx:
        counts = status_counts(Clue.objects.visible_to(world.people["office_staff"]), {"category": "evil"})
    assert counts == {"assigned": 1}
    assert any("set_config('jit', 'off', true)" in q["sql"] for q in ctx.captured_queries) == ON_POSTGRES
    if ON_POSTGRES:  # the settings in force inside counting() (for the enclosing transaction: SET LOCAL)
        with filters.counting(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit'), current_setting('work_mem')")
            assert cursor.fetchone() == ("off", text_filter.COUNTING_WORK_MEM)
    # A member unit's counts under the text search too (its own rows, visibility.answers).
    with CaptureQueriesContext(connection) as ctx:
        visible_status_counts(world.people["liaison"], {"q": "某"})
    assert any("set_config('work_mem'" in q["sql"] for q in ctx.captured_queries) == ON_POSTGRES


@pytest.mark.skipif(not ON_POSTGRES, reason="the gram indexes are PostgreSQL's")
def test_counts_take_the_candidates_bitmap_only_where_it_fits_the_work_mem_in_force(world, walk, monkeypatch):
    """A bitmap past work_mem turns lossy, and PostgreSQL re-checks each row of a lossy page through the grams
    function (an office's count of 工 at a million clues: 12.5 s). The index path is taken only where the bitmap
    fits the work_mem in force, which the counts raise for their statement (filters.counting)."""
    _world(world, walk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT greatest(relpages, 1), pg_size_bytes(current_setting('work_mem')) FROM pg_class"
            " WHERE oid = 'clues_clue'::regclass"
        )
        pages, work_mem = cursor.fetchone()
    found, _clues = text_filter.estimate("某")
    # 某 is in most of these clues (and the table may not be analysed yet): state it is in a tenth.
    monkeypatch.setattr(text_filter, "estimate", lambda text: (found, 10 * found))
    # Each page's entry just too large for half the work_mem a plain statement has.
    monkeypatch.setattr(text_filter, "BITMAP_BYTES_PER_PAGE", work_mem // (2 * min(found, pages)) + 1)
    assert text_filter.way("某", counting=True) is text_filter.Way.SCAN
    with filters.counting():
        assert text_filter.way("某", counting=True) is text_filter.Way.INDEX
        statuses = Counter(Clue.objects.filter(matches_q("某")).values_list("status", flat=True))
        assert status_counts(Clue.objects.all(), {"q": "某"}) == dict(statuses)


def test_the_reach_of_each_persona(world):
    """Reach: how much of the ledger the rule lets each kind of person see (visibility.rule): the root office's
    people the whole ledger, a district office's its subtree, everyone else what was given to the unit."""
    reach = {key: reach_of(scope_of(user)) for key, user in world.people.items()}
    offices = dict.fromkeys(("office_staff", "office_leader", "custodian", "group_member"), Reach.ALL)
    offices |= {"district_staff": Reach.PART, "district_leader": Reach.PART}
    assert {key: reach[key] for key in offices} == offices
    assert {reach[key] for key in reach if key not in offices} == {Reach.FEW}
    assert reach_of(None) is Reach.FEW


@pytest.mark.skipif(not ON_POSTGRES, reason="the gram indexes are PostgreSQL's")
def test_counts_of_a_term_in_most_clues_read_its_candidates_for_the_root_office_only(
    world, walk, monkeypatch
):
    """Past half the clues the counts scan where the rule discards most clues before the substring is asked (a
    district's office, a discipline handler), but the root office's rule keeps every clue, and its scan asks
    the substring of each (某 at a million clues: 4.6 s scanned, 2.3 through the candidates): its counts read
    the candidates at any share (Reach.ALL). The same counts either way."""
    _world(world, walk)
    monkeypatch.setattr(text_filter, "estimate", lambda text: (1_600, 1_000))
    for key, indexed in (("office_staff", True), ("district_staff", False), ("discipline_handler", False)):
        user = world.people[key]
        want = Counter(Clue.objects.visible_to(user).filter(matches_q("某")).values_list("status", flat=True))
        with CaptureQueriesContext(connection) as ctx:
            counts = visible_status_counts(user, {"q": "某"})
        statement = next(q["sql"] for q in reversed(ctx.captured_queries) if "GROUP BY" in q["sql"])
        assert ("taizhang_query_grams" in statement) == indexed, key
        assert counts == dict(want), key


@pytest.mark.skipif(not ON_POSTGRES, reason="the planner's rewrite is PostgreSQL's")
def test_a_page_of_a_frequent_term_asks_each_clue_for_its_names_instead_of_hashing_every_name(
    world, walk, monkeypatch
):
    """A page stops after its rows: PostgreSQL must not first hash every subject whose name holds the term
    (core.expressions.ExistsPerRow; 0.7 s for a page of 某 at a million clues). The counts, which read every clue,
    may hash."""
    monkeypatch.setattr(text_filter, "way", lambda *args, **kw: text_filter.Way.SCAN)
    _world(world, walk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE clues_clue; ANALYZE clues_reportedsubject")

    def plan(rows) -> str:
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())

    office = world.people["office_staff"]
    page = filter_clues(Clue.objects.visible_to(office), parse({"q": "某"})).values("pk")[:21]
    assert "SubPlan" in plan(page) and "hashed SubPlan" not in plan(page)
    counts = filter_clues(Clue.objects.visible_to(office), parse({"q": "某"}), counting=True).values("status")
    assert "hashed SubPlan" in plan(counts)


@pytest.mark.skipif(not ON_POSTGRES, reason="the planner's rewrite is PostgreSQL's")
def test_a_member_units_text_search_asks_each_of_its_rows_clue_instead_of_joining_every_clue(
    world, walk, monkeypatch
):
    """A member unit's text search reads its own HandledClue rows and asks each row's clue the rule
    (text_filter.handled_text_q): the work is bounded by the unit's rows. A plain EXISTS would be turned into a
    join, which may read every clue that holds the term (or, for a frequent one, every clue)."""
    from taizhang.clues.visibility.answers import handled_q, handled_rows

    monkeypatch.setattr(text_filter, "way", lambda *args, **kw: text_filter.Way.SCAN)
    _world(world, walk)
    v = parse({"q": "某"})
    rows = handled_rows(world.people["liaison"], v)
    assert rows is not None
    for counting in (False, True):
        sql, params = rows.filter(handled_q(v, counting=counting)).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        # The clue is read inside a subplan of the unit's rows, never joined to them.
        assert "SubPlan" in plan and "Join" not in plan and "Nested Loop" not in plan, plan

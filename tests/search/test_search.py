"""Search through the index: bigram matching, script folding, ranking, highlighting and visibility."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from taizhang.clues.actions import SubjectData
from taizhang.search.models import SearchDocument
from taizhang.search.query import highlight, search

pytestmark = pytest.mark.django_db


def _numbers(user, q):
    return [h.title_html.split(" ")[0] for g in search(user, q) for h in g.hits]


def _ids(user, q):
    return [h.object_id for g in search(user, q) for h in g.hits]


def test_two_character_query_finds_the_clue(world, reg):
    hit = reg.clue(facts="有人在城东非法倾倒渣土，强迫车主交保护费。")
    reg.clue(facts="某公司拖欠农民工工资。")
    assert _ids(world.people["office_staff"], "渣土") == [hit.pk]


def test_one_character_query_works(world, reg):
    hit = reg.clue(facts="码头一带有人收取保护费。")
    reg.clue(facts="某公司拖欠工资。")
    assert _ids(world.people["office_staff"], "码") == [hit.pk]


def test_traditional_query_finds_simplified_text_and_back(world, reg):
    simplified = reg.clue(facts="有人垄断砂石运输，殴打竞争对手。")
    traditional = reg.clue(facts="有人壟斷砂石運輸，毆打競爭對手。")
    staff = world.people["office_staff"]
    assert set(_ids(staff, "壟斷")) == {simplified.pk, traditional.pk}
    assert set(_ids(staff, "垄断")) == {simplified.pk, traditional.pk}


def test_mixed_query_with_numbers_and_latin(world, reg):
    hit = reg.clue(
        facts="车牌号苏A12345的渣土车多次闯红灯，KTV老板涉嫌组织。",
        subjects=[SubjectData(name="李某", phone_fragment="13800138000")],
    )
    reg.clue(facts="渣土车扬尘。")
    staff = world.people["office_staff"]
    assert _ids(staff, "渣土 KTV") == [hit.pk]
    assert _ids(staff, "ktv") == [hit.pk]
    assert _ids(staff, "1380013") == [hit.pk]  # a phone fragment matches as a prefix
    assert _ids(staff, hit.number) == [hit.pk]


def test_the_title_ranks_above_the_body(world, reg):
    in_body = reg.clue(summary="强揽工程", facts="某村霸垄断渣土运输。")
    in_title = reg.clue(summary="渣土运输被垄断", facts="群众反映情况属实。")
    assert _ids(world.people["office_staff"], "渣土")[:2] == [in_title.pk, in_body.pk]


def test_matching_part_is_highlighted_and_escaped(world, reg):
    reg.clue(summary="<script>alert(1)</script>渣土", facts="渣土<b>车</b>")
    hits = [h for g in search(world.people["office_staff"], "渣土") for h in g.hits]
    assert "<script>" not in hits[0].title_html
    assert "&lt;script&gt;" in hits[0].title_html
    assert "<mark>渣土</mark>" in hits[0].title_html
    assert "&lt;b&gt;" in hits[0].snippet_html


def test_highlight_folds_script():
    assert str(highlight("壟斷<運輸>", "垄断")) == "<mark>壟斷</mark>&lt;運輸&gt;"


def test_other_unit_finds_nothing(world, reg, walk):
    reg.clue(facts="有人垄断渣土运输。")
    assert _ids(world.people["liaison"], "渣土") == []
    assert _ids(world.people["other_liaison"], "渣土") == []


def test_assigned_unit_finds_its_clue(world, walk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        clue = walk.assigned(unit="transport")
    assert _ids(world.people["liaison"], "土方") == [clue.pk]
    assert _ids(world.people["other_liaison"], "土方") == []


def test_restricted_user_beyond_the_newest_matches(
    world, walk, reg, monkeypatch, django_capture_on_commit_callbacks
):
    from taizhang.search import query

    with django_capture_on_commit_callbacks(execute=True):
        assigned = walk.assigned(unit="transport")
    for _ in range(4):
        reg.clue(facts="又有人强揽土方工程。")
    monkeypatch.setattr(query, "RANK_WINDOW", 3)
    monkeypatch.setattr(query, "SCAN_LIMIT", 2)
    monkeypatch.setattr(query, "RANK_MIN_VISIBLE", 2)
    groups = query.search(world.people["liaison"], "土方", limit=1)
    assert [h.object_id for g in groups for h in g.hits] == [assigned.pk]
    groups = query.search(world.people["office_staff"], "土方", limit=1)
    assert [h.object_id for g in groups for h in g.hits] != [assigned.pk]  # the newest slice was enough


def test_next_slice_is_sized_by_the_share_found_visible(
    world, reg, walk, monkeypatch, django_capture_on_commit_callbacks
):
    from taizhang.search import query

    monkeypatch.setattr(query, "RANK_WINDOW", 2)
    monkeypatch.setattr(query, "RANK_MIN_VISIBLE", 1)
    monkeypatch.setattr(query, "SLICE_MAX", 3)
    assert query._next_slice(read=2, found=0, want=1) == 3  # nothing visible yet: the largest slice
    assert query._next_slice(read=400, found=5, want=21) == 3  # capped
    monkeypatch.setattr(query, "SLICE_MAX", 6400)
    assert query._next_slice(read=400, found=5, want=21) == 1921  # 16 more at 5 per 400, half again
    monkeypatch.setattr(query, "RANK_WINDOW", 50)
    assert query._next_slice(read=400, found=20, want=21) == 50  # never below RANK_WINDOW
    monkeypatch.setattr(query, "RANK_WINDOW", 2)
    monkeypatch.setattr(query, "SLICE_MAX", 3)
    with django_capture_on_commit_callbacks(execute=True):
        assigned = walk.assigned(unit="transport")
    for _ in range(4):
        reg.clue(facts="又有人强揽土方工程。")
    # The two newest matches are not the unit's; the next slice (three) reaches its clue without the fallback.
    monkeypatch.setattr(query, "SCAN_LIMIT", 5)
    groups = query.search(world.people["liaison"], "土方", limit=1)
    assert [h.object_id for g in groups for h in g.hits] == [assigned.pk]


def test_recused_unit_finds_nothing(world, reg):
    clue = reg.clue(
        facts="交通运输局某科长收受砂石老板好处。",
        subjects=[SubjectData(name="王某", unit_name=world.units["district"].name)],
        office="city",
    )
    # The city office sees it; the district office is named by it and is recused.
    assert _ids(world.people["office_staff"], "砂石") == [clue.pk]
    assert _ids(world.people["district_staff"], "砂石") == []


def test_umbrella_clue_only_reaches_leaders_and_discipline(world, reg):
    clue = reg.clue(facts="某派出所所长为赌场充当保护伞。", umbrella=True)
    assert _ids(world.people["office_leader"], "赌场") == [clue.pk]
    assert _ids(world.people["discipline_handler"], "赌场") == [clue.pk]
    assert _ids(world.people["office_staff"], "赌场") == []
    assert _ids(world.people["group_member"], "赌场") == []


def test_edit_reindexes(world, reg, django_capture_on_commit_callbacks):
    from taizhang.clues.actions import do_edit_clue

    clue = reg.clue(facts="原来的内容。")
    with django_capture_on_commit_callbacks(execute=True):
        do_edit_clue(
            clue.pk, actor=world.people["office_staff"], version=clue.version, facts="改为非法采砂。"
        )
    staff = world.people["office_staff"]
    assert _ids(staff, "采砂") == [clue.pk]
    assert _ids(staff, "原来") == []


def test_rebuild_command_recreates_the_index(world, reg, capsys):
    clue = reg.clue(facts="非法采砂船夜间作业。")
    SearchDocument.objects.all().delete()
    assert _ids(world.people["office_staff"], "采砂") == []
    call_command("search", "rebuild", "--no-progress")
    assert _ids(world.people["office_staff"], "采砂") == [clue.pk]
    assert "clues.clue: 1" in capsys.readouterr().out


def test_empty_and_punctuation_queries_find_nothing(world, reg):
    reg.clue()
    assert _ids(world.people["office_staff"], "，。！") == []


# Routes


def test_page_shows_marked_results(world, reg):
    reg.clue(facts="有人垄断渣土运输。")
    response = world.client_for("office_staff").get(reverse("search:index"), {"q": "渣土"})
    assert response.status_code == 200
    assert "<mark>渣土</mark>" in response.content.decode()


def test_page_for_other_unit_shows_nothing(world, reg):
    reg.clue(facts="有人垄断渣土运输。")
    response = world.client_for("other_liaison").get(reverse("search:index"), {"q": "渣土"})
    assert response.status_code == 200
    assert "<mark>" not in response.content.decode()


def test_page_needs_sign_in(client):
    response = client.get(reverse("search:index"), {"q": "渣土"})
    assert response.status_code == 302


def test_page_query_count_is_bounded(world, reg, django_assert_max_num_queries):
    for i in range(5):
        reg.clue(facts=f"第{i}起渣土运输纠纷。")
    from taizhang.search.sources import all_sources

    client = world.client_for("office_staff")
    # Session, user and roles, then at most three per source — however many results there are.
    with django_assert_max_num_queries(4 + 3 * len(all_sources())):
        client.get(reverse("search:index"), {"q": "渣土"})


def test_api_search(world, reg):
    clue = reg.clue(facts="有人垄断渣土运输。")
    response = world.client_for("office_staff").get("/api/search/", {"q": "渣土"})
    assert response.status_code == 200
    assert [h["object_id"] for h in response.json()] == [clue.pk]
    assert world.client_for("other_liaison").get("/api/search/", {"q": "渣土"}).json() == []


def test_api_search_anonymous(client):
    assert client.get("/api/search/", {"q": "渣土"}).status_code == 401

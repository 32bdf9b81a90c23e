"""The search page states how many it found and pages through them; a clue just registered is found."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_total_and_pages(world, reg):
    for n in range(25):
        reg.clue(summary=f"砂石码头强收过路费第{n}起", facts="有人在砂石码头强收过路费。")
    client = world.client_for("office_staff")
    first = client.get("/search/", {"q": "过路费"}).content.decode()
    assert "第 1–20 条，共 25 条" in first and "第 1 / 2 页" in first and "下一页" in first
    second = client.get("/search/", {"q": "过路费", "model": "clues.clue", "page": 2}).content.decode()
    assert "第 21–25 条，共 25 条" in second and "下一页" not in second and "上一页" in second
    assert second.count('class="list-group-item"') == 5


def test_a_clue_registered_a_moment_ago_is_found(world, reg):
    for n in range(30):
        reg.clue(summary=f"强揽土方工程第{n}起")
    newest = reg.clue(summary="昨夜新收：渣土车队强揽土方", facts="新线索：渣土车队强揽土方工程。")
    client = world.client_for("office_staff")
    pages = [
        client.get("/search/", {"q": "土方", "model": "clues.clue", "page": n}).content.decode()
        for n in (1, 2)
    ]
    assert "共 31 条" in pages[1]
    assert any(newest.number in page for page in pages)


def test_the_total_is_exact_up_to_the_cap_and_counts_only_what_the_person_sees(world, reg, monkeypatch):
    from taizhang.clues.models import Clue
    from taizhang.pure.fold import query_terms
    from taizhang.search import query, views
    from taizhang.search.sources import source_for

    for n in range(30):
        office, umbrella = ("district" if n % 4 == 1 else "city"), n % 5 == 2  # not everyone sees them all
        reg.clue(
            summary=f"砂石码头强收过路费第{n}起",
            facts="有人在砂石码头强收过路费。",
            office=office,
            umbrella=umbrella,
        )
    # More than RANK_WINDOW's worth is not needed to reach the count: a small window makes it run.
    monkeypatch.setattr(query, "RANK_WINDOW", 5)
    monkeypatch.setattr(query, "RANK_MIN_VISIBLE", 5)
    monkeypatch.setattr(query, "SCAN_LIMIT", 10)
    for who, user in world.people.items():
        seen = Clue.objects.visible_to(user).filter(summary__contains="过路费").count()
        groups = query.search(user, "过路费", models=["clues.clue"], limit=3)
        assert groups[0].total == seen, who
    source = source_for("clues.clue")
    # Each way of counting, for every person: all matches probed (cap 40), the first cap+1 deciding (12 for
    # the office) or the database's own intersection (12 for the others, 5; and straight away when the search
    # saw few matches the person may see: a small share).
    for cap in (40, 12, 5):
        monkeypatch.setattr(query, "TOTAL_CAP", cap)
        monkeypatch.setattr(query, "PROBE_LIMIT", 2 * cap)
        monkeypatch.setattr(query, "PROBE_FEW", cap // 2)
        for who, user in world.people.items():
            seen = Clue.objects.visible_to(user).filter(summary__contains="过路费").count()
            for share in (1.0, 0.5, 0.01, 0.0):
                counted = query.count_visible(user, source, query_terms("过路费"), share=share)
                assert counted == min(seen, cap + 1), (who, cap, share)
    monkeypatch.setattr(query, "TOTAL_CAP", 12)
    monkeypatch.setattr(views, "TOTAL_CAP", 12)
    page = world.client_for("office_staff").get("/search/", {"q": "过路费"}).content.decode()
    assert "共 12 条以上" in page

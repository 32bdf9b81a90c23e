"""The search page states how many it found and pages through them; a clue just registered is found."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_total_and_pages(world, reg):
    for n in range(25):
        reg.clue(summary=f"砂石码头强收过路费第{n}起", facts="有人在砂石码头强收过路费。")
    client = world.client_for("office_staff")
    first = client.get("/search/", {"q": "过路费"}).content.decode()
    assert "第 1–20 条，共 20 条以上" in first and "下一页" in first
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

"""The people pages by persona: who gets them, what they show, the hint, the graph, the export, decisions."""

import pytest

from taizhang.clues.actions import SubjectData
from taizhang.core.models import AuditEntry
from taizhang.people.models import Mention, MergeCandidate, MergeRecord

pytestmark = pytest.mark.django_db


def _client(client, world, name):
    client.force_login(world.people[name])
    return client


@pytest.fixture
def network(ledger):
    own = ledger.assigned(
        SubjectData(name="张三", unit_name="某某建筑有限公司"), SubjectData(name="李四"), unit="transport"
    )
    again = ledger.assigned(SubjectData(name="張三", unit_name="某某建筑有限公司"), unit="construction")
    hidden = ledger.assigned(
        SubjectData(name="钱七", position="所长", is_official=True), unit="discipline", umbrella=True
    )
    return {
        "own": own,
        "again": again,
        "hidden": hidden,
        "zhang": Mention.objects.get(clue=own, name="张三").entity_id,
        "zhang2": Mention.objects.get(clue=again).entity_id,
        "li": Mention.objects.get(clue=own, name="李四").entity_id,
        "qian": Mention.objects.get(clue=hidden).entity_id,
    }


def test_list_and_entity_page_for_office_staff(client, world, network):
    c = _client(client, world, "office_staff")
    page = c.get("/people/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "张三" in text and "李四" in text and "钱七" not in text
    page = c.get(f"/people/{network['zhang']}/")
    assert page.status_code == 200
    assert network["own"].number in page.content.decode()
    assert network["again"].number not in page.content.decode()  # another entity until merged
    assert c.get(f"/people/{network['qian']}/").status_code == 404
    for q in ("zhang san", "zhangsan", "章三", "張 三"):
        assert f'href="/people/{network["zhang"]}/"' in c.get("/people/", {"q": q}).content.decode(), q


def test_hidden_entity_answers_404_like_a_missing_one(client, world, network):
    c = _client(client, world, "police_liaison")
    assert c.get("/people/").status_code == 200
    for url in ("/people/{}/", "/people/{}/graph/", "/people/{}/graph.json", "/people/{}/graph.xlsx"):
        assert c.get(url.format(network["zhang"])).status_code == 404
        assert c.get(url.format(999999)).status_code == 404


def test_people_outside_the_users_get_no_page_and_no_nav(client, world, network):
    c = _client(client, world, "handler")
    assert c.get("/people/").status_code == 404
    assert 'href="/people/"' not in c.get("/").content.decode()
    c = _client(client, world, "office_staff")
    assert 'href="/people/"' in c.get("/").content.decode()


def test_umbrella_entity_reaches_the_commission(client, world, network):
    c = _client(client, world, "discipline_handler")
    page = c.get(f"/people/{network['qian']}/")
    assert page.status_code == 200 and "保护伞嫌疑" in page.content.decode()
    assert c.get(f"/people/{network['zhang']}/").status_code == 404


def test_registration_hint_counts_only_what_the_person_sees(client, world, network):
    c = _client(client, world, "office_staff")
    page = c.get("/people/hint/", {"subjects-0-name": "张三", "subjects-1-name": "钱七"})
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("此人已出现在 1 条线索、0 起案件中") == 2  # two 张三 entities until merged
    assert "钱七" not in text
    page = _client(client, world, "office_leader").get("/people/hint/", {"subjects-0-name": "钱七"})
    assert "此人已出现在 1 条线索" in page.content.decode()
    assert _client(client, world, "group_member").get("/people/hint/").status_code == 404


def test_registration_form_carries_the_hint(client, world):
    page = _client(client, world, "office_staff").get("/clues/new/")
    assert 'id="people-hint"' in page.content.decode()


def test_graph_data_and_export(client, world, network):
    c = _client(client, world, "office_staff")
    data = c.get(f"/people/{network['zhang']}/graph.json", {"depth": 2}).json()
    assert {n["id"] for n in data["nodes"]} == {network["zhang"], network["li"]}
    assert data["edges"][0]["kind"] == "co_record"
    assert c.get(f"/people/{network['zhang']}/graph/").status_code == 200
    export = c.get(f"/people/{network['zhang']}/graph.xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action="people.graph_export").count() == 1


def test_merge_review_confirm_and_unmerge(client, world, network):
    c = _client(client, world, "office_staff")
    candidate = MergeCandidate.objects.get()
    page = c.get("/people/candidates/")
    assert page.status_code == 200 and "所在单位相同" in page.content.decode()
    assert c.post(f"/people/candidates/{candidate.pk}/confirm/").status_code == 302
    page = c.get(f"/people/{network['zhang']}/")
    text = page.content.decode()
    assert network["own"].number in text and network["again"].number in text
    record = MergeRecord.objects.get()
    assert c.post(f"/people/merges/{record.pk}/unmerge/", {"reason": "两人"}).status_code == 302
    assert network["again"].number not in c.get(f"/people/{network['zhang']}/").content.decode()


def test_relation_entered_from_the_page(client, world, network):
    c = _client(client, world, "office_staff")
    response = c.post(
        f"/people/{network['zhang']}/relations/",
        {"target": network["li"], "kind": "employment", "clue_number": network["own"].number},
    )
    assert response.status_code == 302
    assert "雇佣" in c.get(f"/people/{network['zhang']}/").content.decode()
    # Not to a hidden entity, whatever the form says.
    c.post(
        f"/people/{network['zhang']}/relations/",
        {"target": network["qian"], "kind": "kin", "clue_number": network["own"].number},
    )
    from taizhang.people.models import Relation

    assert list(Relation.objects.values_list("kind", flat=True)) == ["employment"]


def test_leads_board(client, world, ledger):
    from taizhang.clues.choices import Channel

    shared = "11010519491231002X"
    for channel in (Channel.LETTER, Channel.PHONE):
        with ledger.capture(execute=True):
            ledger.walk.assigned(
                unit="discipline",
                umbrella=True,
                subjects=[SubjectData(name="赵所长", id_fragment=shared, is_official=True)],
            )
        from taizhang.clues.models import Clue

        Clue.objects.filter(pk=Clue.objects.order_by("-pk").first().pk).update(channel=channel)
    text = _client(client, world, "office_leader").get("/people/leads/").content.decode()
    assert "赵所长" in text
    assert "赵所长" not in _client(client, world, "office_staff").get("/people/leads/").content.decode()


def test_pages_carry_no_inline_code_and_survive_huge_ids(client, world, network):
    from tests.proof.test_hardening import _check_headers, _check_html

    c = _client(client, world, "office_leader")
    problems = []
    for url in (
        "/people/",
        "/people/leads/",
        "/people/candidates/",
        "/people/hint/?subjects-0-name=张三",
        f"/people/{network['zhang']}/",
        f"/people/{network['zhang']}/graph/?depth=2&kinds=co_record",
    ):
        response = c.get(url)
        assert response.status_code == 200, url
        problems += _check_headers(response, url) + _check_html(response, url)
    assert not problems
    for url in ("/people/99999999999999999999/", "/people/99999999999999999999/graph.json"):
        assert c.get(url).status_code == 404
    assert (
        c.get(
            f"/people/{network['zhang']}/graph.json?depth=99999999999999999999&since=2026-99-99"
        ).status_code
        == 200
    )


def test_clue_page_links_its_subjects_with_what_else_the_person_sees(client, world, network):
    c = _client(client, world, "office_staff")
    text = c.get(f"/clues/{network['own'].pk}/?sections=all").content.decode()
    assert "涉及人员" in text and f'href="/people/{network["zhang"]}/"' in text
    assert "另见" not in text  # nothing else the staff see names them yet
    text = _client(client, world, "handler").get(f"/clues/{network['own'].pk}/?sections=all").content.decode()
    assert "涉及人员" not in text  # not a people user


def test_entity_page_lists_its_clues_by_pages_of_visible_records_only(client, world, ledger, monkeypatch):
    from taizhang.people import reading

    monkeypatch.setattr(reading, "CLUES_PER_PAGE", 1)
    shared = "11010519491231002X"
    seen = [
        ledger.assigned(SubjectData(name="张三", id_fragment=shared), unit=u)
        for u in ("transport", "construction")
    ]
    hidden = ledger.assigned(
        SubjectData(name="张三", id_fragment=shared, is_official=True, position="所长"),
        unit="discipline",
        umbrella=True,
    )
    entity_id = Mention.objects.get(clue=hidden).entity_id
    c = _client(client, world, "office_staff")
    shown = []
    for number in (1, 2):
        text = c.get(f"/people/{entity_id}/", {"page": number}).content.decode()
        assert "2 条线索、0 起案件" in text and "共 2 条" in text
        assert hidden.number not in text and "所长" not in text
        shown += [clue.number for clue in seen if clue.number in text]
    assert sorted(shown) == sorted(clue.number for clue in seen)
    # A page past the last, or no number at all, is still a page of what the person sees.
    for page in ("3", "99999999999999999999", "x"):
        text = c.get(f"/people/{entity_id}/", {"page": page}).content.decode()
        assert "共 2 条" in text and hidden.number not in text
    response = _client(client, world, "office_leader").get(f"/people/{entity_id}/", {"page": 3})
    text = response.content.decode()
    assert "3 条线索" in text and "共 3 条" in text and 'aria-current="page">3<' in text
    assert 'href="?page=2#entity-clues"' in text
    assert sum(clue.number in text for clue in (*seen, hidden)) == 1

    from tests.proof.test_hardening import _check_html

    assert not _check_html(response, "page 3")

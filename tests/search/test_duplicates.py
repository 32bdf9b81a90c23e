"""Duplicate candidates (串并): keys stored at registration, reasons, visibility, link and merge by a person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import ClueStatus
from taizhang.clues.models import Clue, ClueLink
from taizhang.search import duplicates
from taizhang.search.clue_sections import sections
from taizhang.search.duplicates import Probe, candidates
from taizhang.search.models import ClueKey

pytestmark = pytest.mark.django_db

FACTS = (
    "群众来信反映，城东砂石场老板刘某长期纠集社会闲散人员，垄断辖区砂石运输，"
    "对不服从的货车司机进行殴打，并向过往车辆强收保护费，当地派出所多次接警未处理。"
)
REWORDED = (
    "群众来电反映：城东砂石场老板刘某长期纠集社会闲散人员，垄断辖区砂石运输，"
    "对不服从的货车司机进行殴打，并向过往车辆强收保护费。"
)
OTHER = "某小区物业公司以装修管理为名，向业主收取高额押金，业主多次投诉无果，要求有关部门调查处理。"


def _found(user, probe, exclude=None):
    return {c.clue.pk: c for c in candidates(user, probe, exclude_id=exclude)}


def test_registration_stores_keys(world, reg):
    clue = reg.clue(facts=FACTS, subjects=[SubjectData(name="刘某", phone_fragment="1390000****")])
    kinds = set(ClueKey.objects.filter(clue=clue).values_list("kind", flat=True))
    assert kinds == {"band", "phone"}  # a name without a unit is not a key
    clue = reg.clue(facts=FACTS, subjects=[SubjectData(name="刘某", unit_name="城东砂石场")])
    assert set(ClueKey.objects.filter(clue=clue).values_list("kind", flat=True)) == {"band", "name_unit"}
    assert ClueKey.objects.filter(clue=clue, kind="band").count() == 32


def test_near_identical_facts_are_found_with_similarity(world, reg):
    first = reg.clue(facts=FACTS, subjects=[SubjectData(name="刘某")])
    reg.clue(facts=OTHER, subjects=[SubjectData(name="陈某")])
    second = reg.clue(facts=REWORDED, subjects=[SubjectData(name="刘老板")])
    found = _found(world.people["office_staff"], duplicates.probe_of(second), exclude=second.pk)
    assert list(found) == [first.pk]
    assert "反映内容高度相似" in found[first.pk].reasons[0]
    assert found[first.pk].similarity >= duplicates.NEAR_IDENTICAL


def test_same_subject_name_and_unit(world, reg):
    first = reg.clue(facts=OTHER, subjects=[SubjectData(name="赵 某某", unit_name="宏达物业公司")])
    found = _found(
        world.people["office_staff"], Probe(facts="完全不同的一段话。", subjects=[("趙某某", "宏達物業公司")])
    )
    assert list(found) == [first.pk]
    assert found[first.pk].reasons == ["被举报人姓名及单位相同：趙某某（宏達物業公司）"]


def test_same_name_in_another_unit_is_not_a_reason(world, reg):
    reg.clue(facts=OTHER, subjects=[SubjectData(name="赵某某", unit_name="宏达物业公司")])
    assert _found(world.people["office_staff"], Probe(subjects=[("赵某某", "顺风运输公司")])) == {}


def test_same_phone_or_id_fragment(world, reg):
    first = reg.clue(facts=OTHER, subjects=[SubjectData(name="甲", phone_fragment="138-0013-8000")])
    second = reg.clue(facts=OTHER + "补充", subjects=[SubjectData(name="乙", id_fragment="3201021980")])
    staff = world.people["office_staff"]
    assert list(_found(staff, Probe(phones=["13800138000"]))) == [first.pk]
    found = _found(staff, Probe(id_fragments=["3201021980"]))
    assert list(found) == [second.pk]
    assert found[second.pk].reasons == ["身份证号相同：3201021980"]
    assert _found(staff, Probe(phones=["138"])) == {}  # too short to mean anything


def test_different_facts_are_not_candidates(world, reg):
    reg.clue(facts=FACTS, subjects=[SubjectData(name="刘某")])
    assert _found(world.people["office_staff"], Probe(facts=OTHER, subjects=[("陈某", "")])) == {}


def test_candidates_only_among_visible_clues(world, reg):
    umbrella = reg.clue(facts=FACTS, subjects=[SubjectData(name="刘某")], umbrella=True)
    probe = Probe(facts=REWORDED)
    assert _found(world.people["office_staff"], probe) == {}
    assert list(_found(world.people["office_leader"], probe)) == [umbrella.pk]
    assert _found(world.people["district_staff"], probe) == {}


def test_merged_clues_are_not_candidates(world, reg):
    first = reg.clue(facts=FACTS)
    second = reg.clue(facts=REWORDED)
    from taizhang.clues.actions import do_merge_clue

    do_merge_clue(second.pk, first.pk, actor=world.people["office_staff"])
    assert list(_found(world.people["office_staff"], Probe(facts=FACTS))) == [first.pk]


def test_nothing_is_merged_by_itself(world, reg):
    reg.clue(facts=FACTS)
    reg.clue(facts=FACTS)
    assert not Clue.objects.filter(status=ClueStatus.MERGED).exists()
    assert not ClueLink.objects.exists()


def test_section_lists_candidates_with_actions(world, reg, rf):
    first = reg.clue(facts=FACTS)
    second = reg.clue(facts=REWORDED)
    request = rf.get("/")
    request.user = world.people["office_staff"]
    [section] = sections(request, second)
    assert section["template"] == "search/_duplicates_section.html"
    assert [c.clue.pk for c in section["candidates"]] == [first.pk]
    assert section["can_manage"] is True


# Routes


def test_duplicates_fragment_for_a_form_in_progress(world, reg):
    first = reg.clue(facts=FACTS, subjects=[SubjectData(name="刘某", unit_name="城东砂石场")])
    response = world.client_for("office_staff").post(
        reverse("search:duplicates"),
        {"facts": REWORDED, "subject_name": ["刘某"], "subject_unit": ["城东砂石场"], "phone": [""]},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert first.number in body
    assert "被举报人姓名及单位相同" in body and "反映内容高度相似" in body


def test_duplicates_fragment_reads_the_register_form_as_is(world, reg):
    first = reg.clue(
        facts=OTHER, subjects=[SubjectData(name="甲", unit_name="宏达物业公司", id_fragment="320102198")]
    )
    response = world.client_for("office_staff").post(
        reverse("search:duplicates"),
        {
            "facts": "另一件事。",
            "subjects-TOTAL_FORMS": "2",
            "subjects-0-name": "甲",
            "subjects-0-unit_name": "宏达物业公司",
            "subjects-1-name": "乙",
            "subjects-1-id_fragment": "320102198",
        },
    )
    body = response.content.decode()
    assert first.number in body
    assert "被举报人姓名及单位相同：甲（宏达物业公司）" in body and "身份证号相同：320102198" in body


def test_duplicates_fragment_by_get(world, reg):
    first = reg.clue(facts=OTHER, subjects=[SubjectData(name="甲", phone_fragment="13800138000")])
    response = world.client_for("district_leader").get(reverse("search:duplicates"), {"phone": "13800138000"})
    assert response.status_code == 200
    assert first.number not in response.content.decode()  # a district office does not see city clues
    response = world.client_for("office_leader").get(reverse("search:duplicates"), {"phone": "13800138000"})
    assert first.number in response.content.decode()


def test_duplicates_fragment_forbidden_for_units(world):
    assert world.client_for("liaison").get(reverse("search:duplicates")).status_code == 403
    assert world.client_for("group_member").get(reverse("search:duplicates")).status_code == 403


def test_duplicates_fragment_anonymous(client):
    assert client.get(reverse("search:duplicates")).status_code == 302


def test_duplicates_api(world, reg):
    first = reg.clue(facts=FACTS)
    response = world.client_for("office_staff").post(
        "/api/search/duplicates", {"facts": REWORDED}, content_type="application/json"
    )
    assert response.status_code == 200
    assert [c["clue_id"] for c in response.json()] == [first.pk]
    response = world.client_for("liaison").post(
        "/api/search/duplicates", {"facts": REWORDED}, content_type="application/json"
    )
    assert response.status_code == 403


def test_link_action(world, reg):
    first, second = reg.clue(facts=FACTS), reg.clue(facts=REWORDED)
    response = world.client_for("office_staff").post(
        reverse("search:link", args=[second.pk]), {"other": first.pk, "next": "/search/"}
    )
    assert response.status_code == 302
    assert ClueLink.objects.filter(from_clue=second, to_clue=first).exists()
    found = _found(world.people["office_staff"], duplicates.probe_of(second), exclude=second.pk)
    assert found[first.pk].linked


def test_merge_action(world, reg):
    first, second = reg.clue(facts=FACTS), reg.clue(facts=REWORDED)
    response = world.client_for("office_staff").post(
        reverse("search:merge", args=[second.pk]), {"into": first.pk}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == ClueStatus.MERGED and second.merged_into_id == first.pk


def test_merge_refused_for_a_unit_that_cannot_see(world, reg):
    first, second = reg.clue(facts=FACTS), reg.clue(facts=REWORDED)
    response = world.client_for("liaison").post(reverse("search:merge", args=[second.pk]), {"into": first.pk})
    assert response.status_code == 404
    second.refresh_from_db()
    assert second.status != ClueStatus.MERGED


def test_link_refused_for_a_reader(world, reg):
    first, second = reg.clue(facts=FACTS), reg.clue(facts=REWORDED)
    response = world.client_for("group_member").post(
        reverse("search:link", args=[second.pk]), {"other": first.pk}
    )
    assert response.status_code in (302, 404)
    assert not ClueLink.objects.exists()


def test_link_anonymous(client):
    assert client.post(reverse("search:link", args=[1]), {"other": 2}).status_code == 302


def test_clue_page_shows_the_section(world, reg):
    first, second = reg.clue(facts=FACTS), reg.clue(facts=REWORDED)
    response = world.client_for("office_staff").get(
        reverse("clues:detail", args=[second.pk]) + "?sections=all"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "疑似重复及关联线索" in body and first.number in body
    assert reverse("search:merge", args=[second.pk]) in body


# Wiring: where staff meet a new clue


def test_register_form_asks_for_candidates_while_typing(world):
    response = world.client_for("office_staff").get(reverse("clues:register"))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'hx-post="{reverse("search:duplicates")}"' in body
    assert 'id="duplicate-candidates"' in body and "change from:closest form" in body


def test_edit_form_leaves_the_clue_itself_out(world, reg):
    clue = reg.clue(facts=FACTS)
    response = world.client_for("office_staff").get(reverse("clues:edit", args=[clue.pk]))
    assert response.status_code == 200
    assert f'hx-vals=\'{{"clue": "{clue.pk}"}}\'' in response.content.decode()


def test_register_form_posts_itself_to_the_candidates(world, reg):
    """What the form's htmx element sends (the whole form, as typed) finds the earlier clue."""
    first = reg.clue(facts=FACTS, subjects=[SubjectData(name="刘某", unit_name="城东砂石场")])
    response = world.client_for("office_staff").post(
        reverse("search:duplicates"),
        {
            "summary": "砂石运输垄断",
            "facts": REWORDED,
            "subjects-TOTAL_FORMS": "1",
            "subjects-INITIAL_FORMS": "0",
            "subjects-0-kind": "person",
            "subjects-0-name": "刘某",
            "subjects-0-unit_name": "城东砂石场",
        },
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert first.number in body and "被举报人姓名及单位相同：刘某（城东砂石场）" in body
    assert f'href="{reverse("clues:detail", args=[first.pk])}" target="_blank"' in body  # the form stays
    assert "search:merge" not in body and "/merge/" not in body  # no clue yet: nothing to link or merge


def test_portal_clue_page_lists_candidates_with_link_and_merge(
    world, reg, django_capture_on_commit_callbacks
):
    from tests.reporters.helpers import portal_clue

    with django_capture_on_commit_callbacks(execute=True):
        reported = portal_clue()
    earlier = reg.clue(facts=reported.facts)
    response = world.client_for("office_staff").get(
        reverse("clues:detail", args=[reported.pk]) + "?sections=all"
    )
    body = response.content.decode()
    assert "疑似重复及关联线索" in body and earlier.number in body
    assert reverse("search:link", args=[reported.pk]) in body
    assert reverse("search:merge", args=[reported.pk]) in body
    # Shown, never acted on by itself.
    assert not ClueLink.objects.exists()
    assert not Clue.objects.filter(status=ClueStatus.MERGED).exists()


def test_unit_sees_no_candidate_section_buttons(world, reg):
    from taizhang.clues import actions
    from taizhang.clues.choices import Category

    first, second = reg.clue(facts=FACTS), reg.clue(facts=REWORDED)
    actions.do_triage_clue(
        second.pk, actor=world.people["office_staff"], in_scope=True, category=Category.EVIL
    )
    actions.do_assign_clue(
        second.pk,
        actor=world.people["office_leader"],
        unit=world.units["transport"],
        person=world.people["handler"],
    )
    response = world.client_for("liaison").get(reverse("clues:detail", args=[second.pk]) + "?sections=all")
    body = response.content.decode()
    assert response.status_code == 200
    assert first.number not in body  # the unit was never given the first clue
    assert reverse("search:merge", args=[second.pk]) not in body

"""The clue pages: each view for allowed, forbidden role, other unit and anonymous."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from taizhang.clues import actions
from taizhang.clues.actions import SubjectData
from taizhang.clues.choices import ClueStatus, FindingResult, TransferAnswer
from taizhang.clues.models import Attachment, Clue
from taizhang.core.models import AuditEntry


def _status(clue):
    return Clue.objects.get(pk=clue.pk).status


# --- list ---------------------------------------------------------------------------------------------


def _counts(client, params=None):
    """The per-status counts come as a fragment loaded after the list (see clues/views/ledger.py)."""
    return client.get(reverse("clues:list"), {**(params or {}), "fragment": "counts"})


def test_list_shows_what_the_office_sees_with_counts(world, walk):
    walk.register(summary="客运站强揽客源")
    walk.triaged(summary="砂石码头强收费")
    response = world.client_for("office_staff").get(reverse("clues:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "客运站强揽客源" in body and "砂石码头强收费" in body
    counts = _counts(world.client_for("office_staff"))
    tabs = {t["value"]: t["count"] for t in counts.context["status_tabs"]}
    assert tabs["registered"] == 1 and tabs["triaged"] == 1
    assert counts.context["total"] == 2
    assert "共 2 条" in counts.content.decode()


def test_list_filters_by_status_and_text(world, walk):
    walk.register(summary="客运站强揽客源")
    walk.triaged(summary="砂石码头强收费")
    client = world.client_for("office_staff")
    response = client.get(reverse("clues:list"), {"status": "triaged"})
    assert [c.summary for c in response.context["page"].object_list] == ["砂石码头强收费"]
    # the other statuses are still counted, so the tabs show where the rest is
    tabs = _counts(client, {"status": "triaged"}).context["status_tabs"]
    assert {t["value"]: t["count"] for t in tabs}["registered"] == 1
    assert _counts(client, {"q": "张某某"}).context["total"] == 2
    assert _counts(client, {"q": "客运站"}).context["total"] == 1


def test_list_of_another_unit_shows_only_its_clues(world, walk):
    walk.assigned(unit="transport", summary="交通运输局的线索")
    walk.assigned(unit="construction", summary="住建局的线索")
    response = world.client_for("liaison").get(reverse("clues:list"))
    body = response.content.decode()
    assert "交通运输局的线索" in body and "住建局的线索" not in body
    assert _counts(world.client_for("liaison")).context["total"] == 1


def test_list_marks_overdue(world, walk):
    clue = walk.assigned()
    Clue.objects.filter(pk=clue.pk).update(deadline_at="2020-01-01T00:00:00+08:00")
    response = world.client_for("office_staff").get(reverse("clues:list"), {"overdue": "1"})
    assert len(response.context["page"].object_list) == 1
    assert _counts(world.client_for("office_staff"), {"overdue": "1"}).context["total"] == 1
    assert "tz-overdue" in response.content.decode()


def test_list_filters_due_soon_and_transfers_awaiting_a_units_answer(world, walk):
    """The home panel's 3日内到期 and 待答复移送 open these filters; each control shows what is chosen."""
    soon, later = walk.assigned(), walk.assigned()
    now = timezone.now()
    Clue.objects.filter(pk=soon.pk).update(deadline_at=now + dt.timedelta(days=2))
    Clue.objects.filter(pk=later.pk).update(deadline_at=now + dt.timedelta(days=4))
    client = world.client_for("office_staff")
    response = client.get(reverse("clues:list"), {"due_soon": "1"})
    assert [c.pk for c in response.context["page"].object_list] == [soon.pk]
    assert 'id="f-due-soon" checked' in response.content.decode()
    waiting, answered = walk.transferred(), walk.transferred()
    actions.do_answer_transfer(
        answered.transfers.get().pk, actor=world.people["police_liaison"], answer=TransferAnswer.FILED
    )
    police = world.units["police"].pk
    response = client.get(reverse("clues:list"), {"awaiting": police})
    assert [c.pk for c in response.context["page"].object_list] == [waiting.pk]
    assert f'<option value="{police}" selected>' in response.content.decode()
    assert _counts(client, {"awaiting": police}).context["total"] == 1


def test_list_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("clues:list"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


@pytest.mark.parametrize("per", [20, 100])
def test_list_query_count_is_constant(world, walk, django_assert_max_num_queries, per):
    client = world.client_for("office_staff")
    client.get(reverse("clues:list"))  # warm the session
    for i in range(6):
        clue = walk.assigned(summary=f"线索{i}")
        actions.do_edit_clue(
            clue.pk,
            actor=world.people["office_staff"],
            version=Clue.objects.get(pk=clue.pk).version,
            subjects=[SubjectData(name=f"甲{i}"), SubjectData(name=f"乙{i}")],
        )
    with django_assert_max_num_queries(14):  # includes the layout's unread-notification count
        response = client.get(reverse("clues:list"), {"per": per, "sort": "deadline_at", "category": "evil"})
    assert len(response.context["page"].object_list) == 6
    with django_assert_max_num_queries(12):
        counts = _counts(client, {"per": per, "sort": "deadline_at", "category": "evil"})
    assert counts.context["total"] == 6


# --- detail -------------------------------------------------------------------------------------------


def test_detail_shows_everything_and_the_timeline(world, walk):
    clue = walk.transferred()
    response = world.client_for("office_staff").get(reverse("clues:detail", args=[clue.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "张某某",
        "经走访核实，情况属实。",
        "测扫黑办移〔2026〕1号",
        "受理登记",
        "交办",
        "签字背书",
        "匿名",
    ):
        assert text in body
    assert "unit_leader" in body or str(world.people["unit_leader"]) in body


def test_detail_hides_the_reporter_identity(world, walk):
    from taizhang.clues.actions import ReporterData

    clue = walk.register(reporter=ReporterData(kind="real_name", identity={"name": "举报人真名"}))
    body = world.client_for("office_staff").get(reverse("clues:detail", args=[clue.pk])).content.decode()
    assert "实名举报（身份已加密）" in body and "举报人真名" not in body


def test_detail_offers_only_allowed_steps(world, walk):
    clue = walk.verifying()
    office = world.client_for("office_staff").get(reverse("clues:detail", args=[clue.pk]))
    steps = {s["step"] for s in office.context["steps"]}
    assert "reassign" in steps and "conclude" not in steps and "report" not in steps
    unit = world.client_for("liaison").get(reverse("clues:detail", args=[clue.pk]))
    steps = {s["step"] for s in unit.context["steps"]}
    assert {"report", "finding"} <= steps and "reassign" not in steps


def test_detail_of_other_unit_is_404(world, walk):
    clue = walk.assigned(unit="transport")
    assert world.client_for("other_liaison").get(reverse("clues:detail", args=[clue.pk])).status_code == 404
    assert world.client_for("liaison").get(reverse("clues:detail", args=[clue.pk + 999])).status_code == 404


def test_detail_anonymous(client, world, walk):
    clue = walk.register()
    assert client.get(reverse("clues:detail", args=[clue.pk])).status_code == 302


# --- register and edit --------------------------------------------------------------------------------


def _register_post(**extra):
    data = {
        "office": "",
        "channel": "letter",
        "received_at": "2026-01-05T09:30",
        "summary": "物流园强收装卸费",
        "facts": "反映物流园有人强收装卸费。",
        "place": "江川市东湖区物流园",
        "reporter_kind": "real_name",
        "reporter_name": "李某某真名",
        "reporter_phone": "13900000000",
        "subjects-TOTAL_FORMS": "2",
        "subjects-INITIAL_FORMS": "0",
        "subjects-MIN_NUM_FORMS": "1",
        "subjects-MAX_NUM_FORMS": "50",
        "subjects-0-kind": "person",
        "subjects-0-name": "王某",
        "subjects-1-kind": "organisation",
        "subjects-1-name": "某某装卸队",
    }
    data.update(extra)
    return data


def test_register_creates_a_numbered_clue_with_sealed_reporter(world):
    client = world.client_for("office_staff")
    assert client.get(reverse("clues:register")).status_code == 200
    response = client.post(reverse("clues:register"), _register_post(office=world.units["city"].pk))
    clue = Clue.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("clues:detail", args=[clue.pk])
    assert [s.name for s in clue.subjects.order_by("id")] == ["王某", "某某装卸队"]
    assert clue.reporter.kind == "real_name"
    assert "李某某真名" not in clue.reporter.sealed_identity and clue.reporter.sealed_identity


def test_register_refused_for_units_and_anonymous(world, client):
    assert world.client_for("liaison").get(reverse("clues:register")).status_code == 404
    assert (
        world.client_for("group_member").post(reverse("clues:register"), _register_post()).status_code == 404
    )
    assert client.get(reverse("clues:register")).status_code == 302
    assert not Clue.objects.exists()


def test_register_subject_row_for_htmx(world):
    response = world.client_for("office_staff").get(
        reverse("clues:subject_row"), {"subjects-TOTAL_FORMS": "2"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert 'name="subjects-2-name"' in body and 'value="3"' in body and "hx-swap-oob" in body


def _edit_post(clue, version, **extra):
    data = {
        "channel": clue.channel,
        "received_at": "2026-01-05T09:30",
        "summary": "我改过的主要问题",
        "facts": clue.facts,
        "version": str(version),
        "subjects-TOTAL_FORMS": "1",
        "subjects-INITIAL_FORMS": "1",
        "subjects-MIN_NUM_FORMS": "1",
        "subjects-MAX_NUM_FORMS": "50",
        "subjects-0-kind": "person",
        "subjects-0-name": "张某某",
    }
    data.update(extra)
    return data


def test_edit_saves(world, walk):
    clue = walk.register()
    client = world.client_for("office_staff")
    assert client.get(reverse("clues:edit", args=[clue.pk])).status_code == 200
    response = client.post(reverse("clues:edit", args=[clue.pk]), _edit_post(clue, clue.version))
    assert response.status_code == 302
    assert Clue.objects.get(pk=clue.pk).summary == "我改过的主要问题"


def test_edit_conflict_shows_changes_and_keeps_what_was_typed(world, walk):
    clue = walk.register()
    stale = clue.version
    actions.do_edit_clue(clue.pk, actor=world.people["office_leader"], version=stale, place="西岭区石门镇")
    client = world.client_for("office_staff")
    response = client.post(reverse("clues:edit", args=[clue.pk]), _edit_post(clue, stale))
    assert response.status_code == 200
    body = response.content.decode()
    assert "保存冲突" in body and "西岭区石门镇" in body and "我改过的主要问题" in body
    fresh = Clue.objects.get(pk=clue.pk)
    assert fresh.summary != "我改过的主要问题" and fresh.place == "西岭区石门镇"
    # the form now carries the current version: saving again on purpose succeeds
    assert response.context["form"]["version"].value() == str(fresh.version)


def test_edit_refused_for_unit_and_other_unit(world, walk):
    clue = walk.assigned()
    assert world.client_for("liaison").get(reverse("clues:edit", args=[clue.pk])).status_code == 404
    assert world.client_for("other_liaison").get(reverse("clues:edit", args=[clue.pk])).status_code == 404


# --- steps --------------------------------------------------------------------------------------------


def test_triage_and_assign_through_the_pages(world, walk):
    clue = walk.register()
    client = world.client_for("office_staff")
    client.post(
        reverse("clues:triage", args=[clue.pk]),
        {"in_scope": "1", "category": "evil", "priority": "normal", "version": clue.version},
    )
    assert _status(clue) == ClueStatus.TRIAGED
    client.post(
        reverse("clues:assign", args=[clue.pk]),
        {"unit": world.units["transport"].pk, "person": world.people["handler"].pk},
    )
    assert _status(clue) == ClueStatus.ASSIGNED


def test_step_refused_shows_a_message_and_changes_nothing(world, walk):
    clue = walk.register()
    client = world.client_for("office_staff")
    response = client.post(reverse("clues:conclude", args=[clue.pk]), {"note": ""}, follow=True)
    assert "不能进行「办结」" in response.content.decode()
    assert _status(clue) == ClueStatus.REGISTERED


def test_step_by_forbidden_role_is_refused(world, walk):
    clue = walk.verifying()
    # group members only read
    response = world.client_for("group_member").post(
        reverse("clues:reassign", args=[clue.pk]),
        {"unit": world.units["construction"].pk, "reason": "x"},
        follow=True,
    )
    assert _status(clue) == ClueStatus.VERIFYING
    # the handler may not sign
    world.client_for("handler").post(
        reverse("clues:finding", args=[clue.pk]), {"result": "substantiated", "basis": "属实"}
    )
    world.client_for("handler").post(reverse("clues:sign", args=[clue.pk]), {"approve": "1"})
    assert _status(clue) == ClueStatus.AWAITING_SIGNOFF
    assert response.status_code == 200


def test_steps_of_other_unit_and_anonymous(world, walk, client):
    clue = walk.assigned()
    url = reverse("clues:report", args=[clue.pk])
    assert world.client_for("other_liaison").post(url, {"stage": "first", "body": "x"}).status_code == 404
    assert client.post(url, {"stage": "first", "body": "x"}).status_code == 302
    assert world.client_for("liaison").get(url).status_code == 405
    assert _status(clue) == ClueStatus.ASSIGNED


def test_unit_walks_its_part_through_the_pages(world, walk):
    clue = walk.assigned()
    world.client_for("liaison").post(
        reverse("clues:report", args=[clue.pk]), {"stage": "first", "body": "方案"}
    )
    world.client_for("handler").post(
        reverse("clues:finding", args=[clue.pk]), {"result": "substantiated", "basis": "查实"}
    )
    world.client_for("unit_leader").post(reverse("clues:sign", args=[clue.pk]), {"approve": "1"})
    office = world.client_for("office_staff")
    office.post(reverse("clues:review", args=[clue.pk]), {"accept": "1"})
    office.post(
        reverse("clues:transfer", args=[clue.pk]),
        {"kind": "police", "receiver_unit": world.units["police"].pk, "letter_number": "移〔2026〕9号"},
    )
    assert _status(clue) == ClueStatus.TRANSFERRED
    transfer = clue.transfers.get()
    police = world.client_for("police_liaison")
    police.post(
        reverse("clues:answer", args=[clue.pk]), {"transfer": transfer.pk, "answer": TransferAnswer.FILED}
    )
    police.post(reverse("clues:outcome", args=[clue.pk]), {"transfer": transfer.pk, "body": "已刑拘2人"})
    office.post(reverse("clues:conclude", args=[clue.pk]), {"note": "办结"})
    assert _status(clue) == ClueStatus.CONCLUDED
    office.post(reverse("clues:reopen", args=[clue.pk]), {"reason": "重复举报"})
    assert _status(clue) == ClueStatus.TRIAGED
    response = police.get(reverse("clues:letter", args=[transfer.pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert (
        world.client_for("other_liaison").get(reverse("clues:letter", args=[transfer.pk])).status_code == 404
    )


def test_link_and_merge_by_number(world, walk):
    a, b, c = walk.register(), walk.register(), walk.register()
    office = world.client_for("office_staff")
    office.post(reverse("clues:link", args=[a.pk]), {"other": b.number})
    assert a.links_out.filter(to_clue=b).exists()
    office.post(reverse("clues:merge", args=[c.pk]), {"into": a.number})
    assert _status(c) == ClueStatus.MERGED


# --- attachments --------------------------------------------------------------------------------------


def test_attachment_upload_download_and_audit(world, walk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    clue = walk.assigned()
    client = world.client_for("liaison")
    client.post(
        reverse("clues:attach", args=[clue.pk]),
        {"file": SimpleUploadedFile("笔录.txt", b"content", "text/plain")},
    )
    attachment = Attachment.objects.get()
    assert attachment.size == 7 and attachment.original_name == "笔录.txt"
    response = world.client_for("office_staff").get(reverse("clues:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"content"
    assert AuditEntry.objects.filter(action="clue.attachment_read", object_id=str(clue.pk)).count() == 1
    assert (
        world.client_for("other_liaison").get(reverse("clues:attachment", args=[attachment.pk])).status_code
        == 404
    )


def test_attachment_over_the_limit_is_refused(world, walk, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ATTACHMENT_MAX_BYTES = 10
    clue = walk.register()
    response = world.client_for("office_staff").post(
        reverse("clues:attach", args=[clue.pk]),
        {"file": SimpleUploadedFile("big.bin", b"x" * 11)},
        follow=True,
    )
    assert "文件超过大小限制" in response.content.decode()
    assert not Attachment.objects.exists()


def test_attachment_refused_for_group_member(world, walk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    clue = walk.register()
    world.client_for("group_member").post(
        reverse("clues:attach", args=[clue.pk]), {"file": SimpleUploadedFile("a.txt", b"a")}
    )
    assert not Attachment.objects.exists()


def test_finding_signed_shows_signer_on_detail(world, walk):
    clue = walk.under_review(result=FindingResult.PARTLY)
    body = world.client_for("office_staff").get(reverse("clues:detail", args=[clue.pk])).content.decode()
    assert "部分查实" in body and str(world.people["unit_leader"]) in body


@pytest.mark.django_db
def test_register_form_starts_at_now_marks_required_and_sums_up_errors(world):
    import datetime as dt

    from django.utils import timezone

    from taizhang.core import clock

    client = world.client_for("office_staff")
    moment = timezone.make_aware(dt.datetime(2026, 3, 4, 9, 41, 27))
    with clock.at(moment):
        page = client.get("/clues/new/").content.decode()
    assert 'value="2026-03-04T09:41"' in page  # 受理时间 prefilled with now, to the minute
    assert "必填" in page and 'title="必填">*</span>' in page
    refused = client.post("/clues/new/", {"channel": "letter", "received_at": "2026-03-04T09:41"})
    html = refused.content.decode()
    assert refused.status_code == 200 and 'id="tz-error-summary"' in html
    summary = html.split('id="tz-error-summary"')[1].split("</div>")[0]
    assert "主要问题" in summary and "反映内容" in summary and 'href="#id_summary"' in summary
    assert html.index("tz-error-summary") < html.index('name="summary"')

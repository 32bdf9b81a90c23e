"""Hand a clue down, feed steps back up, refuse what the key registry does not allow (one process)."""

from __future__ import annotations

import pytest

from taizhang.clues.actions.assignment import do_assign_clue, do_file_stage_report
from taizhang.clues.actions.outcomes import do_reopen_clue
from taizhang.clues.actions.registration import do_triage_clue
from taizhang.clues.choices import Channel, ClueStatus, ReportStage
from taizhang.clues.models import Clue
from taizhang.clues.timeline import timeline
from taizhang.core import sealing
from taizhang.core.errors import ActionError
from taizhang.core.models import AuditEntry
from taizhang.exchange import registry
from taizhang.exchange.models import Conflict, HandDown, Received
from taizhang.ferry import journal, package
from taizhang.ferry.models import PackageLog
from taizhang.org.choices import InstanceLink
from taizhang.org.models import Unit
from tests.exchange.conftest import register

pytestmark = pytest.mark.django_db


def hand_down(levels, **kw):
    world = levels.world
    clue = register(world, **kw)
    do_triage_clue(clue.pk, actor=world.people["office_staff"], in_scope=True, category="evil")
    do_assign_clue(
        clue.pk, actor=world.people["office_staff"], unit=levels.child.unit, instructions="限期核查"
    )
    return Clue.objects.get(pk=clue.pk)


def test_a_clue_goes_down_and_is_registered_below_with_the_upper_number_and_sealed_reporter(levels):
    upper = hand_down(levels)
    assert upper.status == ClueStatus.ASSIGNED and upper.responsible_unit == levels.child.unit
    path = levels.send_down()
    sent = HandDown.objects.get(clue=upper)
    assert sent.sequence == 1
    log = levels.apply_below(path)
    assert log.counts["clues"] == 1
    received = Received.objects.get(upper_number=upper.number)
    lower = received.clue
    assert lower.pk != upper.pk and lower.office.code == "C-ROOT"
    assert lower.channel == Channel.PLATFORM_12337 and lower.source_ref == upper.number
    assert received.upper_due_at == upper.deadline_at or received.upper_due_at is not None
    assert sealing.open_sealed(lower.reporter.sealed_identity)["name"] == "李明"
    # Nothing in the package is readable without the county's secret: the name is not in its bytes.
    assert "李明".encode() not in path.read_bytes() and b"13800000000" not in path.read_bytes()
    # Applied once: the same file again changes nothing.
    with pytest.raises(journal.AlreadyApplied):
        levels.apply_below(path)
    assert Received.objects.count() == 1


def test_steps_below_go_up_and_show_on_the_upper_timeline_marked_from_below(levels):
    upper = hand_down(levels)
    levels.apply_below(levels.send_down())
    lower = Received.objects.get().clue
    staff = levels.county_staff
    do_triage_clue(lower.pk, actor=staff, in_scope=True, category="evil")
    do_assign_clue(lower.pk, actor=staff, unit=levels.county_unit)
    do_file_stage_report(lower.pk, actor=levels.county_liaison, stage=ReportStage.FIRST, body="已成立专班")
    path = levels.send_up()
    assert path is not None
    log = levels.apply_above(path)
    assert log.counts["updates"] >= 3
    items = [i for i in timeline(upper.pk) if i["from_below"]]
    labels = [i["label"] for i in items]
    assert "【来自下级】交办" in labels and "【来自下级】首次回告" in labels
    assignment = next(i for i in items if i["label"] == "【来自下级】交办")
    assert "县交通运输局" in assignment["detail"]
    assert all(i["actor"] == "下级：测试县扫黑办" for i in items)
    # Nothing new below: no package.
    assert levels.send_up() is None


def test_an_update_for_a_clue_reopened_upstairs_is_a_conflict_not_an_overwrite(levels):
    upper = hand_down(levels)
    levels.apply_below(levels.send_down())
    lower = Received.objects.get().clue
    staff = levels.world.people["office_staff"]
    Clue.objects.filter(pk=upper.pk).update(status=ClueStatus.CONCLUDED)
    do_reopen_clue(upper.pk, actor=staff, reason="发现新情况")
    do_triage_clue(lower.pk, actor=levels.county_staff, in_scope=True, category="evil")
    levels.apply_above(levels.send_up())
    conflict = Conflict.objects.get(clue=upper)
    assert "重新启动" in conflict.reason
    assert not [i for i in timeline(upper.pk) if i["from_below"]]


def test_a_gap_blocks_later_packages_until_filled_or_accepted_with_a_reason(levels):
    hand_down(levels)
    first = levels.send_down()
    hand_down(levels)
    second = levels.send_down()
    with pytest.raises(journal.GapRefused) as refused:
        levels.apply_below(second)
    assert "缺少第 1 号" in refused.value.message
    levels.apply_below(first)
    levels.apply_below(second)
    assert Received.objects.count() == 2


def test_refusals_unknown_sender_revoked_key_wrong_direction_change_nothing(levels, tmp_path):
    hand_down(levels)
    path = levels.send_down()
    # The city is registered at the county as a parent; a package going up from it is not allowed.
    levels.as_lower()
    staff = levels.world.people["office_staff"]
    registry.do_revoke_key(
        actor=staff, partner=levels.parent, verify_key=levels.parent.keys.get().verify_key, reason="密钥泄露"
    )
    with pytest.raises(package.PackageRefused) as refused:
        levels.apply_below(path)
    assert "已吊销的密钥" in refused.value.message
    assert not Received.objects.exists()
    refusal = PackageLog.objects.filter(outcome="refused").first()
    assert refusal is not None and "吊销" in refusal.reason
    assert AuditEntry.objects.filter(action="exchange.package_refused").exists()
    # Unknown sender: the registry no longer has the city's id.
    levels.parent.instance_id = "someone-else"
    levels.parent.save()
    with pytest.raises(package.PackageRefused) as refused:
        levels.apply_below(path)
    assert "未登记的实例" in refused.value.message
    assert not Received.objects.exists()


def test_a_package_going_down_from_an_instance_that_is_not_our_parent_is_refused(levels):
    hand_down(levels)
    path = levels.send_down()
    # At the county, the city's unit is marked as a lower instance (a child): it cannot hand clues down.
    Unit.objects.filter(pk=levels.parent.unit_id).update(instance_link=InstanceLink.CHILD)
    with pytest.raises(package.PackageRefused) as refused:
        levels.apply_below(path)
    assert "不是本实例的上级" in refused.value.message
    assert not Received.objects.exists()


def test_assigning_to_an_external_unit_names_no_person(levels):
    world = levels.world
    clue = register(world)
    do_triage_clue(clue.pk, actor=world.people["office_staff"], in_scope=True, category="evil")
    with pytest.raises(ActionError):
        do_assign_clue(
            clue.pk,
            actor=world.people["office_staff"],
            unit=levels.child.unit,
            person=world.people["district_staff"],
        )


def test_a_first_report_below_moves_the_upper_clue_and_its_deadline(levels):
    upper = hand_down(levels)
    assert upper.deadline_step == "first_report"
    levels.apply_below(levels.send_down())
    lower = Received.objects.get().clue
    do_triage_clue(lower.pk, actor=levels.county_staff, in_scope=True, category="evil")
    do_assign_clue(lower.pk, actor=levels.county_staff, unit=levels.county_unit)
    do_file_stage_report(lower.pk, actor=levels.county_liaison, stage=ReportStage.FIRST, body="已成立专班")
    levels.apply_above(levels.send_up())
    upper.refresh_from_db()
    assert upper.status == ClueStatus.VERIFYING and upper.deadline_step == "verification"
    assert upper.deadline_at == upper.assignments.get(is_current=True).due_at


def test_urging_upstairs_goes_down_to_the_inbox_and_todo_list_until_answered(levels):
    from taizhang.exchange.models import FromAbove
    from taizhang.supervision.actions.records import do_issue_urging_notice
    from taizhang.supervision.models import Notification
    from taizhang.supervision.worklist import todos_for

    upper = hand_down(levels)
    levels.apply_below(levels.send_down())
    do_issue_urging_notice(upper, actor=levels.world.people["office_staff"], note="请加快核查进度")
    path = levels.send_down()
    log = levels.apply_below(path)
    assert log.counts["notices"] == 1
    item = FromAbove.objects.get()
    assert "请加快核查进度" in item.text
    note = Notification.objects.get(user=levels.county_staff)
    assert note.title.startswith("上级催办")
    assert [t for t in todos_for(levels.county_staff) if t.kind == "exchange"]
    lower = Received.objects.get().clue
    lower_items = [i for i in timeline(lower.pk) if i["label"].startswith("【来自上级】")]
    assert lower_items
    # The county answers with a step: the item leaves the to-do list once the feedback goes up.
    do_triage_clue(lower.pk, actor=levels.county_staff, in_scope=True, category="evil")
    levels.send_up()
    assert not [t for t in todos_for(levels.county_staff) if t.kind == "exchange"]


def test_the_pages_show_the_hand_down_the_upper_number_and_the_exchange_state(levels):
    upper = hand_down(levels)
    staff = levels.world.client_for("office_staff")
    page = staff.get(f"/clues/{upper.pk}/?sections=all").content.decode()
    assert "已交办至 测试县扫黑办（外部）· 数据包待发出" in page
    levels.apply_below(levels.send_down())
    page = staff.get(f"/clues/{upper.pk}/?sections=all").content.decode()
    assert "已交办至 测试县扫黑办（外部）· 第 1 号数据包" in page
    lower = Received.objects.get().clue
    from django.test import Client

    county = Client()
    county.force_login(levels.county_staff)
    page = county.get(f"/clues/{lower.pk}/?sections=all").content.decode()
    assert f"上级编号 {upper.number}" in page
    state = staff.get("/exchange/").content.decode()
    assert "测试县扫黑办" in state and "第 1 号" in state
    assert levels.world.client_for("liaison").get("/exchange/").status_code == 404


def test_a_partner_that_left_is_refused_and_its_unit_is_ordinary_again(levels):
    hand_down(levels)
    path = levels.send_down()
    levels.as_lower()
    registry.do_leave(actor=levels.county_staff, partner=levels.parent, reason="机构调整")
    with pytest.raises(package.PackageRefused) as refused:
        levels.apply_below(path)
    assert "已退出联动" in refused.value.message
    assert not Received.objects.exists()
    assert Unit.objects.get(pk=levels.parent.unit_id).instance_link == InstanceLink.NONE


def test_the_assign_form_offers_the_lower_instance_and_registration_never_does(levels):
    from taizhang.clues.forms import AssignForm, RegisterForm

    staff = levels.world.people["office_staff"]
    assert levels.child.unit in AssignForm(user=staff).fields["unit"].queryset
    assert levels.child.unit not in RegisterForm(user=staff).fields["office"].queryset

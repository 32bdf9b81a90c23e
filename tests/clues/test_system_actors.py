"""Who acts: a person or a named system actor. A plain string is no actor at all (it once skipped every check)."""

from __future__ import annotations

import pytest

from taizhang.cases import permissions as case_perm
from taizhang.clues import actions
from taizhang.clues import permissions as clue_perm
from taizhang.core import audit
from taizhang.core.actors import FERRY, PORTAL, WORKER, SystemActor, is_system
from taizhang.core.models import AuditEntry
from taizhang.drives import permissions as drive_perm
from taizhang.rectification import permissions as rect_perm
from taizhang.reviews import permissions as review_perm


def test_one_is_system_serves_every_permissions_module():
    assert {clue_perm.is_system, case_perm.is_system, drive_perm.is_system, rect_perm.is_system} == {
        is_system
    }
    assert review_perm.is_system is is_system


def test_a_system_actor_passes_and_a_person_is_checked(world):
    assert is_system(FERRY) and is_system(SystemActor.acting_for("逐案过筛：某人"))
    assert not is_system(world.people["office_staff"])
    assert not is_system(None)


@pytest.mark.parametrize("label", ["portal", "worker", "测试", ""])
def test_a_plain_string_is_refused_by_the_permission_path(label):
    with pytest.raises(TypeError):
        is_system(label)


def test_a_plain_string_cannot_take_an_action_or_write_the_audit_log(world, walk):
    clue = walk.triaged()
    with pytest.raises(TypeError):
        actions.do_conclude_clue(clue.pk, actor="portal", note="不应通过")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        audit.record("test.step", actor="cli")  # type: ignore[arg-type]
    assert not AuditEntry.objects.filter(action__in=["clue.conclude", "test.step"]).exists()


def test_audit_rows_record_the_code_and_show_the_name(world):
    entry = audit.record("test.step", actor=WORKER)
    assert entry.actor_id is None and entry.actor_label == "worker"
    assert audit.actor_name(entry) == "定时任务"
    assert audit.actor_name(audit.record("test.step", actor=PORTAL)) == "举报人（网络举报平台）"
    one_off = audit.record("test.step", actor=SystemActor.acting_for("研判评查：回头看"))
    assert one_off.actor_label == "研判评查：回头看" and audit.actor_name(one_off) == "研判评查：回头看"
    person = world.people["office_staff"]
    assert audit.record("test.step", actor=person).actor_id == person.pk

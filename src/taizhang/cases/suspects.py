"""A case's suspects entered one by one (name, ID and phone fragments, place in the group, status).

Once a case has suspect records its counts (抓获人数, 缉拿逃犯人数, 在逃人数) are theirs, as its asset totals
are its items': no typed count beside the records. Every change is an action: one transaction, the case row
locked, the audit entry written against the case; the people app resolves each record into an entity
(犯罪嫌疑人) when it commits (the case's `workflow_event` "case.suspect_add" / "case.suspect_edit").
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from taizhang.cases import permissions as perm
from taizhang.cases.actions import _lock
from taizhang.cases.choices import IN_CUSTODY, GroupRole, SuspectStatus
from taizhang.cases.models import Case, CaseSuspect
from taizhang.core import audit
from taizhang.core.errors import ActionError, NotVisible
from taizhang.core.signals import emit_on_commit
from taizhang.core.workflow import check_version
from taizhang.org.models import User

SUSPECT_FIELDS = ["name", "id_fragment", "phone_fragment", "group_role", "status", "version"]


def sync_case_counts(case: Case) -> None:
    """Once suspects are recorded, the case's counts are computed from them."""
    statuses = list(CaseSuspect.objects.filter(case=case).values_list("status", flat=True))
    if not statuses:
        return
    case.persons_caught = sum(1 for s in statuses if s in IN_CUSTODY)
    case.fugitives_caught = statuses.count(SuspectStatus.FUGITIVE_CAUGHT)
    case.fugitives_at_large = statuses.count(SuspectStatus.AT_LARGE)
    case.save(update_fields=["persons_caught", "fugitives_caught", "fugitives_at_large", "updated_at"])


def _may_record(actor: User, case: Case) -> bool:
    return perm.can_record_stage(actor, case, set(case.handling_units.values_list("pk", flat=True)))


def _cleaned(
    name: str, id_fragment: str, phone_fragment: str, group_role: str, status: str
) -> dict[str, str]:
    name = (name or "").strip()
    if not name:
        raise ActionError("required", _("请填写犯罪嫌疑人姓名。"))
    if len(name) > 40:
        raise ActionError("too_long", _("姓名不能超过 40 个字。"))
    fragments = {"id_fragment": (id_fragment or "").strip(), "phone_fragment": (phone_fragment or "").strip()}
    if len(fragments["id_fragment"]) > 20 or len(fragments["phone_fragment"]) > 20:
        raise ActionError("too_long", _("身份证号、电话均不能超过 20 位。"))
    if group_role not in GroupRole.values:
        raise ActionError("invalid_role", _("请选择组织地位（组织者、领导者、骨干成员或一般成员）。"))
    if status not in SuspectStatus.values:
        raise ActionError("invalid_status", _("请选择状态（在逃、已抓获或缉拿归案）。"))
    return {"name": name, **fragments, "group_role": group_role, "status": status}


def _done(actor: User, case: Case, action: str, row: CaseSuspect, before: dict[str, Any]) -> None:
    sync_case_counts(case)
    # The case's timeline says what changed in the group, not whom it names (names are read on the case page).
    after = {"suspect": row.pk, "group_role": row.group_role, "status": row.status, "version": row.version}
    audit.record(action, actor=actor, obj=case, before=before, after=after)
    emit_on_commit(model="cases.case", object_id=case.pk, action=action, actor=None, suspect=row.pk)


@transaction.atomic
def do_add_suspect(
    case_id: int,
    *,
    actor: User,
    name: str,
    group_role: str,
    status: str,
    id_fragment: str = "",
    phone_fragment: str = "",
) -> CaseSuspect:
    """Record one suspect of the case (the office or the judicial units handling it)."""
    case = _lock(case_id, actor)
    perm.require(_may_record(actor, case), _("只有扫黑办或承办的政法单位可以登记犯罪嫌疑人。"))
    values = _cleaned(name, id_fragment, phone_fragment, group_role, status)
    row = CaseSuspect.objects.create(
        case=case, recorded_by=None if perm.is_system(actor) else actor, **values
    )
    _done(actor, case, "case.suspect_add", row, {})
    return row


@transaction.atomic
def do_edit_suspect(
    case_id: int,
    *,
    actor: User,
    suspect_id: int,
    name: str,
    group_role: str,
    status: str,
    id_fragment: str = "",
    phone_fragment: str = "",
    version: int | None = None,
) -> CaseSuspect:
    """Correct a suspect's record or change their status (在逃 → 缉拿归案); refused when stale."""
    case = _lock(case_id, actor)
    perm.require(_may_record(actor, case), _("只有扫黑办或承办的政法单位可以修改犯罪嫌疑人信息。"))
    row = CaseSuspect.objects.select_for_update().filter(case=case, pk=suspect_id).first()
    if row is None:
        raise NotVisible()
    check_version(row, version, ["name", "id_fragment", "phone_fragment", "group_role", "status"])
    values = _cleaned(name, id_fragment, phone_fragment, group_role, status)
    before = {"suspect": row.pk, "group_role": row.group_role, "status": row.status, "version": row.version}
    for field, value in values.items():
        setattr(row, field, value)
    row.version += 1
    row.save(update_fields=SUSPECT_FIELDS)
    _done(actor, case, "case.suspect_edit", row, before)
    return row

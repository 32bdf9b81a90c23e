"""Every change to drives, rounds, returns and findings: one audited, locked, checked function each."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.clues.actions import SubjectData, do_register_clue
from taizhang.clues.choices import Channel
from taizhang.clues.models import Clue
from taizhang.core import audit, clock
from taizhang.core.errors import ActionError, NotVisible
from taizhang.core.workflow import check_transition, check_version
from taizhang.drives import permissions as perm
from taizhang.drives.choices import (
    DRIVE_TRANSITIONS,
    FINDING_TRANSITIONS,
    RETURN_TRANSITIONS,
    ROUND_TRANSITIONS,
    DriveKind,
    DriveStatus,
    FindingKind,
    FindingStatus,
    ReturnStatus,
    RoundStatus,
)
from taizhang.drives.models import Drive, DriveFinding, DriveProblemList, DriveReturn, DriveRound
from taizhang.org.actors import Actor
from taizhang.org.choices import UnitKind
from taizhang.org.models import Sector, Unit, User
from taizhang.rectification.actions import MeasureData, do_add_measures, do_create_problem_list
from taizhang.rectification.choices import ListSource
from taizhang.supervision.actions.meetings import do_complete_task, do_create_task

DRIVE_AUDITED = ["title", "kind", "status", "starts_on", "ends_on", "interval_days", "return_days", "version"]
RETURN_AUDITED = [
    "status",
    "items_checked",
    "problems_found",
    "clues_found",
    "is_zero",
    "leader_name",
    "is_late",
    "version",
]
MAX_FINDINGS = 200
MAX_ITEMS = 10_000_000
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


@dataclass
class FindingData:
    """One clue or problem found, as entered on the return."""

    kind: str
    sector_id: int
    summary: str
    facts: str = ""
    subject_names: str = ""
    place: str = ""


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError("required", message)
    return value


def _due_at(opens_on: dt.date, days: int) -> dt.datetime:
    """The end of the local day `days` after the round opens."""
    day = opens_on + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


@transaction.atomic
def do_create_drive(
    *,
    actor: User,
    title: str,
    kind: str,
    office: Unit,
    lead_unit: Unit,
    sectors: list[Sector],
    units: list[Unit],
    starts_on: dt.date,
    ends_on: dt.date,
    requirements: str,
    interval_days: int | None = None,
    return_days: int = 7,
) -> Drive:
    """Plan a drive; its first round opens at once when it has started (else the worker opens it)."""
    if office.kind != UnitKind.OFFICE:
        raise ActionError("invalid_office", _("排查须由扫黑办组织。"))
    perm.require(perm.is_office_over(actor, office.path), _("只有扫黑办可以部署排查。"))
    if kind not in DriveKind.values:
        raise ActionError("invalid_kind", _("请选择排查类型。"))
    if not sectors:
        raise ActionError("required", _("请选择至少一个排查领域。"))
    if not units:
        raise ActionError("required", _("请选择参加排查的单位。"))
    outside = [u.name for u in [lead_unit, *units] if not u.path.startswith(office.path)]
    if outside:
        raise ActionError(
            "invalid_unit", _("以下单位不在本机关管辖范围内：%(u)s") % {"u": "、".join(outside)}
        )
    if not (EARLIEST <= starts_on <= LATEST and EARLIEST <= ends_on <= LATEST):
        raise ActionError("invalid_date", _("日期须在 2000 年至 2100 年之间。"))
    if ends_on < starts_on:
        raise ActionError("invalid_date", _("结束日期不能早于开始日期。"))
    if not 1 <= return_days <= 90:
        raise ActionError("invalid_days", _("报送期限须在 1 至 90 天之间。"))
    if kind == DriveKind.ROLLING and not (interval_days and 1 <= interval_days <= 366):
        raise ActionError("invalid_interval", _("滚动排查须设定 1 至 366 天的滚动周期。"))
    drive = Drive.objects.create(
        title=_text(title, _("排查名称不能为空。"))[:120],
        kind=kind,
        office=office,
        lead_unit=lead_unit,
        starts_on=starts_on,
        ends_on=ends_on,
        requirements=_text(requirements, _("请写明各单位须报送的内容。")),
        interval_days=interval_days if kind == DriveKind.ROLLING else None,
        return_days=return_days,
        next_round_on=starts_on,
        created_by=actor,
    )
    drive.sectors.set(sectors)
    drive.units.set(units)
    audit.record(
        "drive.create",
        actor=actor,
        obj=drive,
        after=audit.snapshot(drive, DRIVE_AUDITED) | {"units": [u.pk for u in units]},
    )
    if starts_on <= timezone.localdate(clock.now()):
        open_next_round(drive.pk, actor=actor)
    return drive


def _following(drive: Drive, opened: dt.date) -> dt.date | None:
    """When the round after one opened on `opened` opens (None: the drive has no more rounds)."""
    if drive.kind != DriveKind.ROLLING or not drive.interval_days:
        return None
    nxt = opened + dt.timedelta(days=drive.interval_days)
    return nxt if nxt <= drive.ends_on else None


@transaction.atomic
def open_next_round(drive_id: int, *, actor: Actor) -> DriveRound | None:
    """Open the drive's due round (worker or office): a return and a supervised task for every unit.

    The round is claimed by moving `next_round_on` with a conditional update, so two workers (or a worker and
    an office person) open it once."""
    drive = Drive.objects.select_related("office", "created_by").filter(pk=drive_id).first()
    if drive is None or drive.next_round_on is None or drive.status != DriveStatus.ACTIVE:
        return None
    if not perm.is_system(actor):
        if not Drive.objects.visible_to(actor).filter(pk=drive_id).exists():
            raise NotVisible()
        perm.require(perm.can_organise(actor, drive), _("只有组织排查的扫黑办可以开启轮次。"))
    opens_on = drive.next_round_on
    claimed = Drive.objects.filter(pk=drive.pk, next_round_on=opens_on).update(
        next_round_on=_following(drive, opens_on)
    )
    if not claimed:
        return None  # someone else opened it
    seq = (drive.rounds.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    rnd = DriveRound.objects.create(
        drive=drive, seq=seq, opens_on=opens_on, due_at=_due_at(opens_on, drive.return_days)
    )
    owner = actor if not perm.is_system(actor) else drive.created_by
    for unit in drive.units.order_by("path"):
        ret = DriveReturn.objects.create(drive=drive, round=rnd, unit=unit)
        if rnd.due_at > timezone.now():
            # The return's deadline is supervised like any other: reminders, urging, the overdue board, 我的待办.
            ret.task = do_create_task(
                actor=owner,
                title=_("「%(d)s」第%(n)s轮排查报送") % {"d": drive.title[:60], "n": seq},
                owner_unit=unit,
                due_at=rnd.due_at,
                detail=drive.requirements,
            )
            ret.save(update_fields=["task"])
    audit.record(
        "drive.round_open", actor=actor, obj=drive, after={"round": seq, "due_at": rnd.due_at.isoformat()}
    )
    return rnd


def _lock_return(return_id: int, actor: Actor) -> DriveReturn:
    # Two people of the unit filing at once: the second sees the first's result (status, version).
    ret = (
        DriveReturn.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("drive", "unit")
        .filter(pk=return_id)
        .first()
    )
    if ret is None:
        raise NotVisible()
    return ret


def _check_findings(drive: Drive, findings: list[FindingData]) -> None:
    sectors = set(drive.sectors.values_list("pk", flat=True))
    if len(findings) > MAX_FINDINGS:
        raise ActionError("too_many", _("一次最多报送 %(n)s 条发现。") % {"n": MAX_FINDINGS})
    for index, item in enumerate(findings, start=1):
        if item.kind not in FindingKind.values:
            raise ActionError("invalid_kind", _("第%(i)s条发现：请选择类型。") % {"i": index})
        if item.sector_id not in sectors:
            raise ActionError("invalid_sector", _("第%(i)s条发现：领域不在本次排查范围内。") % {"i": index})
        _text(item.summary, _("第%(i)s条发现：问题摘要不能为空。") % {"i": index})


@transaction.atomic
def do_file_return(
    return_id: int,
    *,
    actor: User,
    items_checked: int,
    findings: list[FindingData],
    is_zero: bool = False,
    leader_name: str = "",
    note: str = "",
    version: int | None = None,
) -> DriveReturn:
    """A unit files its return for the round: what it checked and found, or an explicit 零报告 with its leader."""
    ret = _lock_return(return_id, actor)
    perm.require(perm.is_unit_actor(actor, ret.unit_id), _("只有本单位的联络员、承办人或负责人可以报送。"))
    # Lock the round too: a close at the same moment either waits for this return or refuses it.
    rnd = DriveRound.objects.select_for_update().get(pk=ret.round_id)
    if rnd.status != RoundStatus.OPEN:
        raise ActionError("round_closed", _("第%(n)s轮排查已截止，不能再报送。") % {"n": rnd.seq})
    check_version(ret, version, ["status", "filed_at"])
    check_transition(RETURN_TRANSITIONS, ret.status, ReturnStatus.FILED, labels=ReturnStatus)
    if items_checked is None or not 0 <= items_checked <= MAX_ITEMS:
        raise ActionError("invalid_count", _("排查对象数须为 0 至 1000 万之间的整数。"))
    leader_name = (leader_name or "").strip()
    if is_zero:
        if findings:
            raise ActionError("zero_with_findings", _("零报告不能同时填报发现的问题或线索。"))
        if not leader_name:
            raise ActionError("leader_required", _("零报告须写明签字的单位负责人姓名。"))
    elif not findings:
        raise ActionError("nothing_found", _("未发现问题和线索的，请选择“零报告”并写明单位负责人。"))
    _check_findings(ret.drive, findings)
    before = audit.snapshot(ret, RETURN_AUDITED)
    now = clock.now()
    ret.status = ReturnStatus.FILED
    ret.items_checked = items_checked
    ret.clues_found = sum(1 for f in findings if f.kind == FindingKind.CLUE)
    ret.problems_found = sum(1 for f in findings if f.kind == FindingKind.PROBLEM)
    ret.is_zero, ret.leader_name, ret.note = is_zero, leader_name[:50], (note or "").strip()
    ret.filed_at, ret.filed_by, ret.is_late = now, actor, now > rnd.due_at
    ret.version += 1
    ret.save()
    DriveFinding.objects.bulk_create(
        DriveFinding(
            drive=ret.drive,
            ret=ret,
            kind=f.kind,
            sector_id=f.sector_id,
            summary=f.summary.strip()[:200],
            facts=f.facts.strip(),
            subject_names=f.subject_names.strip()[:200],
            place=f.place.strip()[:120],
        )
        for f in findings
    )
    if ret.task_id:
        do_complete_task(ret.task_id, actor=actor, result=_("已报送排查情况。"))
    audit.record(
        "drive.return_file",
        actor=actor,
        obj=ret,
        before=before,
        after=audit.snapshot(ret, RETURN_AUDITED) | {"findings": len(findings)},
    )
    return ret


def _lock_round(round_id: int, actor: Actor) -> DriveRound:
    rnd = (
        DriveRound.objects.select_for_update()
        .select_related("drive__office")
        .filter(pk=round_id, drive__in=Drive.objects.visible_to(actor).values("pk"))
        .first()
    )
    if rnd is None:
        raise NotVisible()
    return rnd


def _close_round(rnd: DriveRound, actor: Actor) -> int:
    check_transition(ROUND_TRANSITIONS, rnd.status, RoundStatus.CLOSED, labels=RoundStatus)
    rnd.status, rnd.closed_at = RoundStatus.CLOSED, clock.now()
    rnd.save(update_fields=["status", "closed_at"])
    missed = list(rnd.returns.select_for_update().filter(status=ReturnStatus.PENDING))
    for ret in missed:
        ret.status = ReturnStatus.MISSED
        ret.version += 1
        ret.save(update_fields=["status", "version"])
        if ret.task_id:
            do_complete_task(ret.task_id, actor=actor, result=_("本轮排查已截止，该单位未报送。"))
    audit.record(
        "drive.round_close",
        actor=actor,
        obj=rnd.drive,
        after={"round": rnd.seq, "missed": [r.unit_id for r in missed]},
    )
    return len(missed)


@transaction.atomic
def do_close_round(round_id: int, *, actor: Actor) -> DriveRound:
    """The office closes a round: returns not filed by then stay on record as 未报送."""
    rnd = _lock_round(round_id, actor)
    perm.require(perm.can_organise(actor, rnd.drive), _("只有组织排查的扫黑办可以截止轮次。"))
    _close_round(rnd, actor)
    return rnd


@transaction.atomic
def do_close_drive(drive_id: int, *, actor: Actor, version: int | None = None) -> Drive:
    """End a drive: its open rounds close and no further round opens."""
    drive = (
        Drive.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("office")
        .filter(pk=drive_id)
        .first()
    )
    if drive is None:
        raise NotVisible()
    perm.require(perm.can_organise(actor, drive), _("只有组织排查的扫黑办可以结束排查。"))
    check_version(drive, version, ["status"])
    check_transition(DRIVE_TRANSITIONS, drive.status, DriveStatus.CLOSED, labels=DriveStatus)
    before = audit.snapshot(drive, DRIVE_AUDITED)
    for rnd in drive.rounds.select_for_update().filter(status=RoundStatus.OPEN):
        rnd.drive = drive
        _close_round(rnd, actor)
    drive.status, drive.next_round_on = DriveStatus.CLOSED, None
    drive.version += 1
    drive.save(update_fields=["status", "next_round_on", "version"])
    audit.record(
        "drive.close", actor=actor, obj=drive, before=before, after=audit.snapshot(drive, DRIVE_AUDITED)
    )
    return drive


def _lock_finding(finding_id: int, actor: Actor, kind: str) -> DriveFinding:
    finding = (
        DriveFinding.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("drive__office", "ret__unit", "ret__round", "sector")
        .filter(pk=finding_id)
        .first()
    )
    if finding is None:
        raise NotVisible()
    perm.require(perm.can_organise(actor, finding.drive), _("只有组织排查的扫黑办可以处理排查发现。"))
    if finding.kind != kind:
        raise ActionError(
            "wrong_kind", _("该发现的类型为「%(k)s」。") % {"k": FindingKind(finding.kind).label}
        )
    return finding


def _subjects(names: str) -> list[SubjectData]:
    parts = [p.strip() for p in re.split(r"[、,，;；\s]+", names or "") if p.strip()]
    return [SubjectData(name=p[:100]) for p in parts[:20]] or [SubjectData(name=_("待核实对象"))]


@transaction.atomic
def do_register_finding(finding_id: int, *, actor: Actor) -> Clue:
    """Register a clue found in a drive through the normal registration (channel 排查发现); it carries the drive."""
    finding = _lock_finding(finding_id, actor, FindingKind.CLUE)
    check_transition(FINDING_TRANSITIONS, finding.status, FindingStatus.REGISTERED, labels=FindingStatus)
    drive = finding.drive
    clue = do_register_clue(
        actor=actor,
        office=drive.office,
        channel=Channel.SCREENING,
        received_at=clock.now(),
        summary=finding.summary,
        facts=finding.facts or finding.summary,
        subjects=_subjects(finding.subject_names),
        sector=finding.sector,
        place=finding.place,
        source_ref=_("%(d)s第%(n)s轮·%(u)s")
        % {"d": drive.title[:20], "n": finding.ret.round.seq, "u": finding.ret.unit.label[:20]},
    )
    finding.status, finding.clue = FindingStatus.REGISTERED, clue
    finding.save(update_fields=["status", "clue"])
    audit.record(
        "drive.finding_register", actor=actor, obj=drive, after={"finding": finding.pk, "clue": clue.pk}
    )
    return clue


@transaction.atomic
def do_rectify_finding(finding_id: int, *, actor: Actor, measure: str, deadline: dt.date) -> DriveFinding:
    """Put a sector problem found in a drive on the drive's rectification list for that sector."""
    finding = _lock_finding(finding_id, actor, FindingKind.PROBLEM)
    check_transition(FINDING_TRANSITIONS, finding.status, FindingStatus.RECTIFYING, labels=FindingStatus)
    drive = Drive.objects.select_for_update().get(pk=finding.drive_id)  # one list per (drive, sector)
    if deadline is None or not timezone.localdate(clock.now()) < deadline <= LATEST:
        raise ActionError("invalid_date", _("整改时限须晚于今天。"))
    row = MeasureData(
        problem=finding.summary,
        description=_text(measure, _("整改措施不能为空。")),
        deadline=deadline,
        units=[finding.ret.unit],
    )
    held = (
        DriveProblemList.objects.filter(drive=drive, sector=finding.sector)
        .select_related("problem_list")
        .first()
    )
    if held is None:
        problem_list = do_create_problem_list(
            actor=actor,
            title=_("%(d)s·%(s)s排查问题清单") % {"d": drive.title[:80], "s": finding.sector.name},
            source=ListSource.SPECIAL_CHECK,
            office=finding.drive.office,
            rows=[row],
            sector=finding.sector,
        )
        DriveProblemList.objects.create(drive=drive, sector=finding.sector, problem_list=problem_list)
        created = problem_list.problems.get().measures.get()
    else:
        created = do_add_measures(held.problem_list_id, actor=actor, rows=[row])[0]
    finding.status, finding.measure = FindingStatus.RECTIFYING, created
    finding.save(update_fields=["status", "measure"])
    audit.record(
        "drive.finding_rectify", actor=actor, obj=drive, after={"finding": finding.pk, "measure": created.pk}
    )
    return finding

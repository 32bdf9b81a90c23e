"""Every change to a clue's life: one function per step, atomic, checked against CLUE_TRANSITIONS, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.clues import permissions as perm
from taizhang.clues.choices import (
    CLUE_STEPS,
    ENDED_BY_RECUSAL,
    WITH_UNIT_STATUSES,
    Category,
    ClueStatus,
    ClueStep,
    FindingResult,
    LinkKind,
    Priority,
    ReporterKind,
    ReportStage,
    ReviewDecision,
    TransferAnswer,
    TransferKind,
)
from taizhang.clues.models import (
    Assignment,
    Attachment,
    Clue,
    ClueCounter,
    ClueLink,
    Finding,
    Recusal,
    ReportedSubject,
    Reporter,
    StageReport,
    Transfer,
    TransferOutcome,
)
from taizhang.core import audit, clock, files, sealing
from taizhang.core.deadlines import due_at
from taizhang.core.errors import ActionError, NotVisible
from taizhang.core.signals import emit_on_commit
from taizhang.core.workflow import check_step, check_version
from taizhang.org import matching
from taizhang.org.choices import UnitKind
from taizhang.org.models import Sector, Unit, User

# What the audit log keeps of a clue before and after each step.
AUDITED_FIELDS = [
    "status",
    "category",
    "priority",
    "is_umbrella",
    "sector",
    "responsible_unit",
    "responsible_person",
    "deadline_at",
    "deadline_step",
    "finding_result",
    "concluded_at",
    "referred_to",
    "merged_into",
    "version",
]
EDITABLE_FIELDS = [
    "channel",
    "source_ref",
    "received_at",
    "summary",
    "facts",
    "sector",
    "place",
    "alleges_umbrella",
]


@dataclass
class SubjectData:
    """A reported person or organisation as entered at registration."""

    name: str
    kind: str = "person"
    position: str = ""
    unit_name: str = ""
    is_official: bool = False
    id_fragment: str = ""
    phone_fragment: str = ""
    unit_id: int | None = None


@dataclass
class ReporterData:
    """The reporter as entered; identity fields are sealed before they reach the database."""

    kind: str = ReporterKind.ANONYMOUS
    identity: dict[str, str] = field(default_factory=dict)
    wants_feedback: bool = False


def _lock(clue_id: int, actor: Any) -> Clue:
    # Row lock for the whole step: two people acting on one clue are serialised, and the later one sees the
    # state the earlier one left (then the transition map or the version check refuses it).
    qs = Clue.objects.all() if perm.is_system(actor) else Clue.objects.visible_to(actor)
    clue = qs.select_for_update(of=("self",)).select_related("office").filter(pk=clue_id).first()
    if clue is None:
        raise NotVisible()
    return clue


def _move(clue: Clue, step: str) -> None:
    clue.status = check_step(CLUE_STEPS, step, clue.status, states=ClueStatus, step_labels=ClueStep)


def _set_deadline(
    clue: Clue, step: str | None, start: dt.datetime | None = None, at: dt.datetime | None = None
) -> None:
    clue.deadline_step = step or ""
    if step is None:
        clue.deadline_at = None
    else:
        clue.deadline_at = at or due_at(step, start or clock.now(), office=clue.office)


def _save(
    clue: Clue,
    action: str,
    actor: Any,
    before: dict[str, Any],
    *,
    reason: str = "",
    also: tuple[str, ...] = (),
    **extra: Any,
) -> None:
    """Save the audited fields (and `also`, columns the step changed beyond them) in one UPDATE, audit the
    step and queue its workflow event."""
    clue.version += 1
    fields = sorted({*AUDITED_FIELDS, *also, "updated_at"})
    clue.save(update_fields=fields)
    after = audit.snapshot(clue, AUDITED_FIELDS)
    if extra:
        after["detail"] = audit.jsonable(extra)
    audit.record(action, actor=actor, obj=clue, before=before, after=after, reason=reason)
    emit_on_commit(
        model="clues.clue",
        object_id=clue.pk,
        action=action,
        actor=None if perm.is_system(actor) else actor,
        unit_id=clue.responsible_unit_id,
        person_id=clue.responsible_person_id,
        status=clue.status,
    )


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError("required", message)
    return value


def _next_number(office: Unit, year: int) -> str:
    # One statement: the UPDATE locks the counter row until the registration commits (a concurrent one waits
    # and then counts on from the committed value); a rolled-back registration rolls its number back too, so
    # numbers are unique and have no gaps even when many people register at once.
    table = connection.ops.quote_name(ClueCounter._meta.db_table)
    last = connection.ops.quote_name("last")
    bump = (
        f"UPDATE {table} SET {last} = {last} + 1 WHERE office_id = %s AND year = %s "  # noqa: S608
        f"RETURNING {last}, pattern"
    )
    with connection.cursor() as cursor:
        cursor.execute(bump, [office.pk, year])
        row = cursor.fetchone()
        if row is None:
            # The office's first clue this year: a new year's counter copies the office's previous pattern.
            previous = (
                ClueCounter.objects.filter(office=office)
                .order_by("-year")
                .values_list("pattern", flat=True)
                .first()
            )
            pattern = previous or (
                "{year}-SH-{seq:06d}" if office.parent_id is None else "{year}-SH-{code}-{seq:06d}"
            )
            ClueCounter.objects.bulk_create(
                [ClueCounter(office=office, year=year, pattern=pattern)], ignore_conflicts=True
            )
            cursor.execute(bump, [office.pk, year])
            row = cursor.fetchone()
    seq, pattern = row
    return str(pattern).format(year=year, seq=int(seq), code=office.code)


def _match_units(subjects: list[SubjectData]) -> dict[str, Unit]:
    """Our unit each written unit name means (fuzzy: org/matching.py); the units are read only if one is named."""
    names = {s.unit_name.strip() for s in subjects if s.unit_name.strip() and not s.unit_id}
    if not names:
        return {}
    pool = matching.candidates()
    found = {name: matching.match(name, pool) for name in names}
    return {name: unit for name, unit in found.items() if unit is not None}


def _subject_rows(clue: Clue, subjects: list[SubjectData]) -> list[ReportedSubject]:
    """The clue's subjects as unsaved rows, with a named unit matched by its name (one query, only if named)."""
    if not subjects:
        raise ActionError("required", _("请至少填写一个被举报对象。"))
    by_name = _match_units(subjects)
    rows = []
    for s in subjects:
        name = _require_text(s.name, _("被举报对象的姓名或名称不能为空。"))
        unit_id = s.unit_id or (by_name[s.unit_name.strip()].pk if s.unit_name.strip() in by_name else None)
        rows.append(
            ReportedSubject(
                clue=clue,
                kind=s.kind,
                name=name[:100],
                position=s.position[:100],
                unit_name=s.unit_name[:100],
                unit_id=unit_id,
                is_official=s.is_official,
                id_fragment=s.id_fragment[:20],
                phone_fragment=s.phone_fragment[:20],
            )
        )
    return rows


def _umbrella(clue: Clue, rows: list[ReportedSubject]) -> bool:
    return clue.alleges_umbrella or clue.category == Category.UMBRELLA or any(r.is_official for r in rows)


def _insert_subjects(clue: Clue, rows: list[ReportedSubject]) -> set[int]:
    """Insert the subject rows in one statement; returns the ids of the units they name."""
    for row in rows:
        row.clue = clue  # the clue has its id now
    ReportedSubject.objects.bulk_create(rows)
    return {row.unit_id for row in rows if row.unit_id}


def _write_subjects(clue: Clue, subjects: list[SubjectData]) -> None:
    """Replace the clue's subjects and recompute its recusals and 保护伞 flag from them."""
    rows = _subject_rows(clue, subjects)
    ReportedSubject.objects.filter(clue=clue).delete()
    named_units = _insert_subjects(clue, rows)
    Recusal.objects.filter(clue=clue).exclude(unit_id__in=named_units).delete()
    _add_recusals(clue, named_units)
    clue.is_umbrella = _umbrella(clue, rows)


def _add_recusals(clue: Clue, unit_ids: set[int]) -> None:
    # bulk_create of nothing issues no query.
    Recusal.objects.bulk_create(
        [Recusal(clue=clue, unit_id=uid, reason=_("被举报对象所在单位")) for uid in unit_ids],
        ignore_conflicts=True,
    )


def _is_recused(clue: Clue, unit: Unit) -> bool:
    lineage = [int(p) for p in unit.path.strip("/").split("/") if p]
    return Recusal.objects.filter(clue=clue, unit_id__in=lineage).exists()


def _withdraw_if_barred(clue: Clue, actor: Any) -> bool:
    """When the unit holding the clue may no longer handle it (it is recused, or the clue became 保护伞 and the
    unit is not the discipline commission), end its assignment and put the clue back to the office to assign
    again. The caller saves the clue; supervision cancels the unit's pending requests on the event."""
    unit = clue.responsible_unit
    if unit is None or clue.status not in WITH_UNIT_STATUSES:
        return False
    if not _is_recused(clue, unit) and not (clue.is_umbrella and unit.kind != UnitKind.DISCIPLINE):
        return False
    _withdraw(clue, actor, _("「%(unit)s」须回避，已撤回交办。") % {"unit": unit.name})
    return True


def _withdraw(clue: Clue, actor: Any, reason: str) -> None:
    unit_id = clue.responsible_unit_id
    _move(clue, ClueStep.WITHDRAW)
    now = clock.now()
    Assignment.objects.filter(clue=clue, is_current=True).update(
        is_current=False, ended_at=now, ended_reason=ENDED_BY_RECUSAL
    )
    clue.responsible_unit, clue.responsible_person = None, None
    _set_deadline(clue, "assign", now)
    audit.record(
        "clue.withdraw_recused",
        actor=actor,
        obj=clue,
        before={"responsible_unit": unit_id},
        after={"responsible_unit": None, "status": clue.status},
        reason=reason,
    )
    emit_on_commit(
        model="clues.clue",
        object_id=clue.pk,
        action="clue.withdraw_recused",
        actor=None if perm.is_system(actor) else actor,
        unit_id=unit_id,
    )


@transaction.atomic
def do_withdraw_assignment(clue_id: int, *, actor: Any, reason: str, version: int | None = None) -> Clue:
    """The office takes a clue back from the unit holding it because the unit must step back (回避), and
    assigns it again later; the unit's pending requests and reminders end with it."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    check_version(clue, version, ["status", "responsible_unit"])
    reason = _require_text(reason, _("撤回交办须说明理由。"))
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _withdraw(clue, actor, reason)
    _save(clue, "clue.withdraw", actor, before, reason=reason)
    return clue


def _refuse_recused(clue: Clue, unit: Unit) -> None:
    if _is_recused(clue, unit):
        raise ActionError(
            "recused",
            _("「%(unit)s」为被反映单位（或其下属），须回避，不能承办或接收该线索。") % {"unit": unit.name},
        )


@transaction.atomic
def do_register_clue(
    *,
    actor: Any,
    office: Unit,
    channel: str,
    received_at: dt.datetime,
    summary: str,
    facts: str,
    subjects: list[SubjectData],
    sector: Sector | None = None,
    place: str = "",
    alleges_umbrella: bool = False,
    reporter: ReporterData | None = None,
    source_ref: str = "",
    import_key: str = "",
) -> Clue:
    """Register a clue (受理登记): numbered per office and year, subjects recorded, reporter identity sealed."""
    if office.kind != UnitKind.OFFICE:
        raise ActionError("invalid_office", _("线索只能由扫黑办受理登记。"))
    probe = Clue(office=office)
    perm.require(perm.can_manage(actor, probe), _("只有扫黑办工作人员可以登记线索。"))
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise ActionError("invalid_date", _("受理时间不能晚于当前时间。"))
    clue = Clue(
        office=office,
        channel=channel,
        source_ref=source_ref[:60],
        received_at=received_at,
        summary=_require_text(summary, _("主要问题不能为空。"))[:200],
        facts=_require_text(facts, _("反映内容不能为空。")),
        sector=sector,
        place=place[:120],
        alleges_umbrella=alleges_umbrella,
        import_key=import_key,
        registered_by=None if perm.is_system(actor) else actor,
    )
    _set_deadline(clue, "triage")
    # A new clue has no subjects or recusals to replace: build the rows first so that the clue is inserted once
    # with its 保护伞 flag, then its subjects in one statement (the registration's queries stay few and fixed).
    rows = _subject_rows(clue, subjects)
    clue.is_umbrella = _umbrella(clue, rows)
    rep = reporter or ReporterData()
    sealed = sealing.seal(rep.identity) if rep.identity else ""
    # The number last, just before the insert: its counter row stays locked until commit, so everything that
    # can be prepared without it (subjects, sealing) is done before it is taken.
    clue.number = _next_number(office, timezone.localtime(received_at).year)
    clue.save()
    _add_recusals(clue, _insert_subjects(clue, rows))
    Reporter.objects.create(
        clue=clue, kind=rep.kind, wants_feedback=rep.wants_feedback, sealed_identity=sealed
    )
    audit.record("clue.register", actor=actor, obj=clue, after=audit.snapshot(clue, AUDITED_FIELDS))
    emit_on_commit(
        model="clues.clue",
        object_id=clue.pk,
        action="clue.register",
        actor=None if perm.is_system(actor) else actor,
    )
    return clue


@transaction.atomic
def do_edit_clue(
    clue_id: int,
    *,
    actor: Any,
    version: int | None,
    subjects: list[SubjectData] | None = None,
    **changes: Any,
) -> Clue:
    """Correct a clue's registered facts; refused when someone else saved it since it was loaded."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    check_version(clue, version, EDITABLE_FIELDS)
    before = audit.snapshot(clue, EDITABLE_FIELDS + AUDITED_FIELDS)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ActionError("invalid_field", _("不可修改的字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    for name, value in changes.items():
        setattr(clue, name, value)
    _require_text(clue.summary, _("主要问题不能为空。"))
    _require_text(clue.facts, _("反映内容不能为空。"))
    if subjects is not None:
        _write_subjects(clue, subjects)
    else:
        clue.is_umbrella = (
            clue.alleges_umbrella
            or clue.category == Category.UMBRELLA
            or clue.subjects.filter(is_official=True).exists()
        )
    withdrawn = _withdraw_if_barred(clue, actor)
    clue.version += 1
    moved = (
        ["status", "responsible_unit", "responsible_person", "deadline_at", "deadline_step"]
        if withdrawn
        else []
    )
    clue.save(update_fields=[*EDITABLE_FIELDS, "is_umbrella", "version", "updated_at", *moved])
    audit.record(
        "clue.edit",
        actor=actor,
        obj=clue,
        before=before,
        after=audit.snapshot(clue, EDITABLE_FIELDS + AUDITED_FIELDS),
    )
    emit_on_commit(model="clues.clue", object_id=clue.pk, action="clue.edit", actor=actor)
    return clue


@transaction.atomic
def do_triage_clue(
    clue_id: int,
    *,
    actor: Any,
    in_scope: bool,
    category: str = "",
    priority: str = Priority.NORMAL,
    sector: Sector | None = None,
    referred_to: str = "",
    note: str = "",
    version: int | None = None,
) -> Clue:
    """Triage (分流): in scope with category and priority, or referred to the competent department."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    check_version(clue, version, ["status", "category", "priority"])
    before = audit.snapshot(clue, AUDITED_FIELDS)
    if in_scope:
        if category not in Category.values:
            raise ActionError("required", _("请选择线索类别。"))
        _move(clue, ClueStep.TRIAGE)
        clue.category, clue.priority = category, priority
        clue.sector = sector or clue.sector
        clue.is_umbrella = (
            clue.alleges_umbrella
            or category == Category.UMBRELLA
            or clue.subjects.filter(is_official=True).exists()
        )
        if clue.is_umbrella and clue.priority == Priority.NORMAL:
            clue.priority = Priority.HIGH  # 保护伞 clues are handled with priority
        _set_deadline(clue, "assign")
    else:
        _move(clue, ClueStep.REFER)
        clue.referred_to = _require_text(referred_to, _("不属于涉黑涉恶的线索须填写转办单位。"))[:100]
        clue.concluded_at = clock.now()
        _set_deadline(clue, None)
    clue.triage_note = note
    _save(clue, "clue.triage", actor, before, reason=note, also=("triage_note",))
    return clue


def _check_assignee(clue: Clue, unit: Unit, person: User | None) -> None:
    if not unit.is_active or unit.kind == UnitKind.OFFICE:
        raise ActionError("invalid_unit", _("请选择承办线索的成员单位。"))
    _refuse_recused(clue, unit)
    if clue.is_umbrella and unit.kind != UnitKind.DISCIPLINE:
        raise ActionError("umbrella_to_discipline", _("涉保护伞线索须交纪委监委办理。"))
    if person is not None and person.unit_id != unit.pk:
        raise ActionError("invalid_person", _("责任人须为责任单位的人员。"))


def _open_assignment(
    clue: Clue,
    actor: Any,
    unit: Unit,
    person: User | None,
    due: dt.datetime | None,
    text: str,
    reason: str = "",
) -> Assignment:
    now = clock.now()
    Assignment.objects.filter(clue=clue, is_current=True).update(is_current=False, ended_at=now)
    verification_due = due or due_at("verification", now, office=clue.office)
    if verification_due <= now:
        raise ActionError("invalid_date", _("办理时限须晚于当前时间。"))
    assignment = Assignment.objects.create(
        clue=clue,
        unit=unit,
        person=person,
        due_at=verification_due,
        instructions=text,
        reason=reason,
        assigned_by=actor,
        assigned_at=now,
    )
    clue.responsible_unit, clue.responsible_person = unit, person
    _set_deadline(clue, "first_report", now)
    return assignment


@transaction.atomic
def do_assign_clue(
    clue_id: int,
    *,
    actor: Any,
    unit: Unit,
    person: User | None = None,
    due: dt.datetime | None = None,
    instructions: str = "",
    version: int | None = None,
) -> Clue:
    """Assign (交办) to a responsible unit and person with a deadline; recused units are refused."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    check_version(clue, version, ["status", "responsible_unit"])
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.ASSIGN)
    _check_assignee(clue, unit, person)
    assignment = _open_assignment(clue, actor, unit, person, due, instructions)
    _save(clue, "clue.assign", actor, before, assignment=assignment.pk, unit=unit.name, due=assignment.due_at)
    return clue


@transaction.atomic
def do_reassign_clue(
    clue_id: int,
    *,
    actor: Any,
    unit: Unit,
    person: User | None = None,
    reason: str,
    due: dt.datetime | None = None,
    version: int | None = None,
) -> Clue:
    """Give the clue to another unit or person (改派), with a reason; the previous assignment ends."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    check_version(clue, version, ["status", "responsible_unit"])
    reason = _require_text(reason, _("改派须说明理由。"))
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.REASSIGN)
    _check_assignee(clue, unit, person)
    assignment = _open_assignment(clue, actor, unit, person, due, "", reason)
    _save(clue, "clue.reassign", actor, before, reason=reason, assignment=assignment.pk, unit=unit.name)
    return clue


def _current_assignment(clue: Clue) -> Assignment:
    assignment = Assignment.objects.filter(clue=clue, is_current=True).first()
    if assignment is None:
        raise ActionError("not_assigned", _("该线索尚未交办。"))
    return assignment


@transaction.atomic
def do_file_stage_report(clue_id: int, *, actor: Any, stage: str, body: str) -> StageReport:
    """The responsible unit reports back: 首次回告 (plan and who) or 二次回告 (progress)."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_report(actor, clue), _("只有责任单位的联络员、承办人或负责人可以回告。"))
    body = _require_text(body, _("回告内容不能为空。"))
    assignment = _current_assignment(clue)
    before = audit.snapshot(clue, AUDITED_FIELDS)
    if stage == ReportStage.FIRST:
        _move(clue, ClueStep.FIRST_REPORT)
        _set_deadline(clue, "verification", at=assignment.due_at)
    elif stage == ReportStage.PROGRESS:
        _move(clue, ClueStep.PROGRESS_REPORT)
    else:
        raise ActionError("invalid_stage", _("末次回告请通过提交核查结论完成。"))
    report = StageReport.objects.create(
        clue=clue, assignment=assignment, stage=stage, body=body, submitted_by=actor, submitted_at=clock.now()
    )
    _save(clue, f"clue.report_{stage}", actor, before, report=report.pk, body=body[:500])
    return report


@transaction.atomic
def do_record_finding(clue_id: int, *, actor: Any, result: str, basis: str) -> Finding:
    """末次回告: the unit records its finding; it goes to the unit leader to sign (or is signed at once by them)."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_report(actor, clue), _("只有责任单位的人员可以提交核查结论。"))
    if result not in FindingResult.values:
        raise ActionError("required", _("请选择核查结论。"))
    basis = _require_text(basis, _("请填写核查情况及依据。"))
    assignment = _current_assignment(clue)
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.RECORD_FINDING)
    now = clock.now()
    StageReport.objects.create(
        clue=clue,
        assignment=assignment,
        stage=ReportStage.FINAL,
        body=basis,
        submitted_by=actor,
        submitted_at=now,
    )
    finding = Finding.objects.create(
        clue=clue, assignment=assignment, result=result, basis=basis, drafted_by=actor, drafted_at=now
    )
    _set_deadline(clue, "signoff")
    _save(clue, "clue.finding_recorded", actor, before, finding=finding.pk, result=result)
    if perm.can_sign(actor, clue):
        _sign(clue, finding, actor)
    return finding


def _pending_finding(clue: Clue) -> Finding:
    finding = clue.findings.filter(decision=ReviewDecision.PENDING).order_by("-id").first()
    if finding is None:
        raise ActionError("no_finding", _("没有待处理的核查结论。"))
    return finding


def _sign(clue: Clue, finding: Finding, actor: Any, note: str = "") -> None:
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.SIGN)
    finding.signed_by, finding.signed_at = actor, clock.now()
    finding.save(update_fields=["signed_by", "signed_at"])
    _set_deadline(clue, "review")
    # The leader's opinion (同意核查结论…) is the signature's words: kept on the audit entry, shown with it.
    _save(
        clue,
        "clue.finding_signed",
        actor,
        before,
        reason=note.strip(),
        finding=finding.pk,
        result=finding.result,
    )


@transaction.atomic
def do_sign_finding(clue_id: int, *, actor: Any, approve: bool = True, note: str = "") -> Finding:
    """The unit leader signs for the finding (签字背书), or sends it back to the handlers with a note."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_sign(actor, clue), _("只有责任单位负责人可以签字背书。"))
    finding = _pending_finding(clue)
    if approve:
        _sign(clue, finding, actor, note)
        return finding
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.REFUSE_SIGNOFF)
    finding.decision, finding.review_note = (
        ReviewDecision.RETURNED,
        _require_text(note, _("请说明不予签字的理由。")),
    )
    finding.reviewed_by, finding.reviewed_at = actor, clock.now()
    finding.save(update_fields=["decision", "review_note", "reviewed_by", "reviewed_at"])
    _set_deadline(clue, "redo")
    _save(clue, "clue.finding_signoff_refused", actor, before, reason=note, finding=finding.pk)
    return finding


@transaction.atomic
def do_review_finding(
    clue_id: int, *, actor: Any, accept: bool, note: str = "", version: int | None = None
) -> Finding:
    """The office accepts the signed finding, or sends it back (退查) with reasons to be redone quickly."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    check_version(clue, version, ["status", "finding_result"])
    finding = _pending_finding(clue)
    before = audit.snapshot(clue, AUDITED_FIELDS)
    finding.reviewed_by, finding.reviewed_at, finding.review_note = actor, clock.now(), note
    if accept:
        _move(clue, ClueStep.ACCEPT)
        finding.decision = ReviewDecision.ACCEPTED
        clue.finding_result = finding.result
        holds = finding.result in (FindingResult.SUBSTANTIATED, FindingResult.PARTLY)
        _set_deadline(clue, "transfer" if holds else "conclude")
    else:
        _move(clue, ClueStep.SEND_BACK)
        finding.decision = ReviewDecision.RETURNED
        finding.review_note = _require_text(note, _("退查须写明理由。"))
        _set_deadline(clue, "redo")
    finding.save(update_fields=["decision", "review_note", "reviewed_by", "reviewed_at"])
    _save(
        clue,
        "clue.review_accept" if accept else "clue.review_return",
        actor,
        before,
        reason=note,
        finding=finding.pk,
    )
    return finding


@transaction.atomic
def do_transfer_clue(
    clue_id: int,
    *,
    actor: Any,
    kind: str,
    receiver_unit: Unit,
    letter_number: str = "",
    evidence_list: str = "",
    note: str = "",
) -> Transfer:
    """Transfer a substantiated clue (移交/移送) with a letter and evidence list; the receiver must register it."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    if kind not in TransferKind.values:
        raise ActionError("required", _("请选择移送类型。"))
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.TRANSFER)
    if clue.finding_result not in (FindingResult.SUBSTANTIATED, FindingResult.PARTLY):
        raise ActionError("not_substantiated", _("只有查实或部分查实的线索才能移交移送。"))
    _refuse_recused(clue, receiver_unit)
    if receiver_unit.kind == UnitKind.OFFICE:
        raise ActionError("invalid_receiver", _("请选择接收移送的单位（不能移送给扫黑办）。"))
    if clue.is_umbrella and kind != TransferKind.DISCIPLINE:
        raise ActionError("umbrella_to_discipline", _("涉保护伞问题须移送纪委监委。"))
    expected = {
        TransferKind.POLICE: {UnitKind.POLICE},
        TransferKind.PROCURATORATE: {UnitKind.PROCURATORATE},
        TransferKind.DISCIPLINE: {UnitKind.DISCIPLINE},
    }.get(TransferKind(kind))
    if expected and receiver_unit.kind not in expected:
        raise ActionError("invalid_receiver", _("接收单位与移送类型不符。"))
    now = clock.now()
    transfer = Transfer.objects.create(
        clue=clue,
        kind=kind,
        receiver_unit=receiver_unit,
        letter_number=letter_number[:60],
        evidence_list=evidence_list,
        note=note,
        sent_by=actor,
        sent_at=now,
        answer_due_at=due_at("register_transfer", now, office=clue.office),
    )
    _set_deadline(clue, "register_transfer", at=transfer.answer_due_at)
    _save(clue, "clue.transfer", actor, before, transfer=transfer.pk, receiver=receiver_unit.name, kind=kind)
    return transfer


@transaction.atomic
def do_answer_transfer(
    transfer_id: int, *, actor: Any, answer: str, note: str = "", case_reference: str = ""
) -> Transfer:
    """The receiving unit answers a transfer (受理并立案 / 不予立案 / 并案处理 / 退回): the two-way feedback."""
    transfer = Transfer.objects.select_related("receiver_unit").filter(pk=transfer_id).first()
    if transfer is None:
        raise NotVisible()
    clue = _lock(transfer.clue_id, actor)
    transfer = Transfer.objects.select_for_update().get(pk=transfer_id)
    perm.require(perm.can_answer(actor, transfer.receiver_unit_id), _("只有接收单位可以答复移送。"))
    if transfer.answer != TransferAnswer.PENDING:
        raise ActionError("already_answered", _("该移送已答复，如有新进展请填报办理结果。"))
    if answer not in TransferAnswer.values or answer == TransferAnswer.PENDING:
        raise ActionError("required", _("请选择答复结果。"))
    if answer in (TransferAnswer.DECLINED, TransferAnswer.RETURNED):
        note = _require_text(note, _("不予立案或退回须说明理由。"))
    before = audit.snapshot(clue, AUDITED_FIELDS)
    transfer.answer, transfer.answer_note, transfer.case_reference = answer, note, case_reference[:60]
    transfer.answered_by, transfer.answered_at = actor, clock.now()
    transfer.save(update_fields=["answer", "answer_note", "case_reference", "answered_by", "answered_at"])
    if answer == TransferAnswer.RETURNED:
        _move(clue, ClueStep.TRANSFER_RETURNED)
        _set_deadline(clue, "transfer")
    else:
        _move(clue, ClueStep.ANSWER_TRANSFER)
        _set_deadline(clue, "conclude")
    _save(clue, "clue.transfer_answered", actor, before, reason=note, transfer=transfer.pk, answer=answer)
    return transfer


@transaction.atomic
def do_record_transfer_outcome(transfer_id: int, *, actor: Any, body: str) -> TransferOutcome:
    """The receiver reports a later outcome on a transfer (arrest, prosecution, sanction...)."""
    transfer = Transfer.objects.filter(pk=transfer_id).first()
    if transfer is None:
        raise NotVisible()
    clue = _lock(transfer.clue_id, actor)
    perm.require(perm.can_answer(actor, transfer.receiver_unit_id), _("只有接收单位可以填报办理结果。"))
    if transfer.answer == TransferAnswer.PENDING:
        raise ActionError("not_answered", _("请先答复是否受理。"))
    outcome = TransferOutcome.objects.create(
        transfer=transfer,
        body=_require_text(body, _("办理结果不能为空。")),
        reported_by=actor,
        reported_at=clock.now(),
    )
    audit.record(
        "clue.transfer_outcome", actor=actor, obj=clue, after={"transfer": transfer.pk, "body": body[:500]}
    )
    emit_on_commit(model="clues.clue", object_id=clue.pk, action="clue.transfer_outcome", actor=actor)
    return outcome


@transaction.atomic
def do_conclude_clue(clue_id: int, *, actor: Any, note: str = "", version: int | None = None) -> Clue:
    """Conclude (办结/销账): only with an accepted finding, and with every transfer answered."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    check_version(clue, version, ["status"])
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.CONCLUDE)
    if not clue.finding_result:
        raise ActionError("no_finding", _("没有经审核的核查结论，不能办结。"))
    if clue.transfers.filter(answer=TransferAnswer.PENDING).exists():
        raise ActionError("transfer_pending", _("移送尚未得到接收单位答复，不能办结。"))
    clue.concluded_at = clock.now()
    _set_deadline(clue, None)
    Assignment.objects.filter(clue=clue, is_current=True).update(is_current=False, ended_at=clue.concluded_at)
    _save(clue, "clue.conclude", actor, before, reason=note)
    return clue


@transaction.atomic
def do_reopen_clue(clue_id: int, *, actor: Any, reason: str) -> Clue:
    """Reopen a concluded or referred clue (repeated reports, or a review found the outcome wrong)."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue))
    reason = _require_text(reason, _("重新启动须说明理由。"))
    before = audit.snapshot(clue, AUDITED_FIELDS)
    _move(clue, ClueStep.REOPEN)
    clue.reopen_count += 1
    clue.finding_result, clue.concluded_at = "", None
    clue.responsible_unit, clue.responsible_person = None, None
    _set_deadline(clue, "assign")
    _save(clue, "clue.reopen", actor, before, reason=reason, also=("reopen_count",))
    return clue


@transaction.atomic
def do_recuse_unit(
    clue_id: int, *, actor: Any, unit: Unit, reason: str, version: int | None = None
) -> Recusal:
    """The office recuses a unit by hand (回避): it and every unit under it stop seeing the clue; if it holds the
    clue, its assignment ends and the clue comes back to the office."""
    clue = _lock(clue_id, actor)
    perm.require(perm.can_manage(actor, clue), _("只有扫黑办可以设置回避单位。"))
    check_version(clue, version, ["responsible_unit", "status"])
    reason = _require_text(reason, _("设置回避须说明理由。"))[:200]
    if unit.kind == UnitKind.OFFICE:
        raise ActionError("invalid_unit", _("扫黑办不能设置为回避单位。"))
    before = audit.snapshot(clue, AUDITED_FIELDS)
    recusal, created = Recusal.objects.get_or_create(clue=clue, unit=unit, defaults={"reason": reason})
    if not created:
        raise ActionError("already_recused", _("「%(unit)s」已是回避单位。") % {"unit": unit.name})
    _withdraw_if_barred(clue, actor)
    _save(clue, "clue.recuse", actor, before, reason=reason, unit=unit.name)
    return recusal


@transaction.atomic
def do_link_clues(clue_id: int, other_id: int, *, actor: Any, note: str = "") -> ClueLink:
    """Link two related clues (both must be visible to the actor and managed by their office)."""
    if clue_id == other_id:
        raise ActionError("invalid_link", _("不能关联线索自身。"))
    clue, other = _lock(clue_id, actor), _lock(other_id, actor)
    perm.require(perm.can_manage(actor, clue) and perm.can_manage(actor, other))
    link, created = ClueLink.objects.get_or_create(
        from_clue=clue,
        to_clue=other,
        defaults={
            "kind": LinkKind.RELATED,
            "note": note[:200],
            "created_by": actor,
            "created_at": clock.now(),
        },
    )
    if created:
        for a, b in ((clue, other), (other, clue)):
            audit.record("clue.link", actor=actor, obj=a, after={"linked": b.number, "note": note})
    return link


@transaction.atomic
def do_merge_clue(duplicate_id: int, into_id: int, *, actor: Any, note: str = "") -> Clue:
    """Merge a duplicate into the clue that carries the matter (串并); the duplicate leaves the open ledger."""
    if duplicate_id == into_id:
        raise ActionError("invalid_link", _("不能将线索并入自身。"))
    duplicate, target = _lock(duplicate_id, actor), _lock(into_id, actor)
    perm.require(perm.can_manage(actor, duplicate) and perm.can_manage(actor, target))
    if target.status == ClueStatus.MERGED:
        raise ActionError("invalid_link", _("目标线索本身已被并入其他线索。"))
    before = audit.snapshot(duplicate, AUDITED_FIELDS)
    _move(duplicate, ClueStep.MERGE)
    duplicate.merged_into = target
    _set_deadline(duplicate, None)
    Assignment.objects.filter(clue=duplicate, is_current=True).update(is_current=False, ended_at=clock.now())
    ClueLink.objects.get_or_create(
        from_clue=duplicate,
        to_clue=target,
        defaults={
            "kind": LinkKind.DUPLICATE,
            "note": note[:200],
            "created_by": actor,
            "created_at": clock.now(),
        },
    )
    _save(duplicate, "clue.merge", actor, before, reason=note, into=target.number)
    audit.record(
        "clue.merged_in", actor=actor, obj=target, after={"duplicate": duplicate.number, "note": note}
    )
    return duplicate


@transaction.atomic
def do_add_attachment(
    clue_id: int,
    *,
    actor: Any,
    name: str,
    content_type: str,
    chunks: Any,
    stage_report_id: int | None = None,
    transfer_id: int | None = None,
    from_reporter: bool = False,
) -> Attachment:
    """Attach a file to a clue (or one of its reports or transfers); stored by checksum under var/, size-limited."""
    clue = _lock(clue_id, actor)
    scope_ok = perm.can_manage(actor, clue) or perm.can_report(actor, clue)
    if not scope_ok and transfer_id is not None:
        receiver = Transfer.objects.filter(pk=transfer_id, clue=clue).values_list(
            "receiver_unit_id", flat=True
        )
        scope_ok = bool(receiver) and perm.can_answer(actor, receiver[0])
    perm.require(scope_ok, _("只有扫黑办或责任单位人员可以上传附件。"))
    if stage_report_id is not None and not StageReport.objects.filter(pk=stage_report_id, clue=clue).exists():
        raise NotVisible()
    if transfer_id is not None and not Transfer.objects.filter(pk=transfer_id, clue=clue).exists():
        raise NotVisible()
    stored = files.store(chunks)
    attachment = Attachment.objects.create(
        clue=clue,
        stage_report_id=stage_report_id,
        transfer_id=transfer_id,
        original_name=files.safe_name(name),
        content_type=(content_type or "application/octet-stream")[:100],
        size=stored.size,
        sha256=stored.sha256,
        storage_path=stored.storage_path,
        uploaded_by=None if perm.is_system(actor) else actor,
        uploaded_at=clock.now(),
        from_reporter=from_reporter,
    )
    audit.record(
        "clue.attach",
        actor=actor,
        obj=clue,
        after={"attachment": attachment.pk, "name": attachment.original_name, "sha256": stored.sha256},
    )
    emit_on_commit(
        model="clues.clue",
        object_id=clue.pk,
        action="clue.attach",
        actor=None if perm.is_system(actor) else actor,
    )
    return attachment

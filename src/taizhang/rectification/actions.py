"""Every change to letters, problem lists and measures: one audited, locked, checked function each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.cases.models import Case
from taizhang.core import audit, deadlines, files
from taizhang.core.actors import SIGN_OFF
from taizhang.core.errors import ActionError, NotVisible
from taizhang.core.signals import emit_on_commit
from taizhang.core.workflow import bump_version, check_transition, check_version
from taizhang.org.actors import Actor
from taizhang.org.models import Sector, Unit, User
from taizhang.rectification import permissions as perm
from taizhang.rectification.choices import (
    LETTER_TRANSITIONS,
    MEASURE_TRANSITIONS,
    LetterStatus,
    ListSource,
    MeasureStatus,
)
from taizhang.rectification.models import (
    Evidence,
    Letter,
    LetterType,
    Measure,
    Problem,
    ProblemList,
    ProgressReport,
)

LETTER_AUDITED = ["status", "reply_due_at", "replied_at", "replied_by", "rectified_at", "version"]
MEASURE_AUDITED = [
    "status",
    "deadline",
    "progress",
    "requested_at",
    "signed_off_at",
    "review_note",
    "version",
]
# Used when the supervision rules know no "letter_reply" step: 两个月内书面回复 is the usual wording.
DEFAULT_REPLY_DAYS = 60


@dataclass
class MeasureData:
    """A measure as entered by hand, in a reply, or read from an imported row."""

    problem: str
    description: str
    deadline: dt.date
    units: list[Unit] = field(default_factory=list)
    person: User | None = None
    person_name: str = ""
    progress: str = ""
    signed_off: bool = False


def reply_due(issued_on: dt.date, office: Any = None) -> dt.datetime:
    """The reply deadline of a letter issued on `issued_on` (supervision's rule when it has one)."""
    start = timezone.make_aware(dt.datetime.combine(issued_on, dt.time(9)))
    try:
        return deadlines.due_at("letter_reply", start, office=office)
    except (KeyError, ValueError):  # no rule for "letter_reply": the default number of days
        end = issued_on + dt.timedelta(days=DEFAULT_REPLY_DAYS)
        return timezone.make_aware(dt.datetime.combine(end, dt.time(23, 59, 59)))


def _emit(model: str, obj: Any, action: str, actor: Actor, **data: Any) -> None:
    emit_on_commit(
        model=model, object_id=obj.pk, action=action, actor=None if perm.is_system(actor) else actor, **data
    )


def _lock_letter(letter_id: int, actor: Actor) -> Letter:
    # Row lock: a reply and a second reply (or an edit) on one letter are serialised.
    qs = Letter.objects.all() if perm.is_system(actor) else Letter.objects.visible_to(actor)
    letter = qs.select_for_update(of=("self",)).select_related("recipient_unit").filter(pk=letter_id).first()
    if letter is None:
        raise NotVisible()
    return letter


def _lock_measure(measure_id: int, actor: Actor) -> Measure:
    # Row lock: a completion request and a sign-off on one measure cannot interleave.
    qs = Measure.objects.all() if perm.is_system(actor) else Measure.objects.visible_to(actor)
    measure = (
        qs.select_for_update(of=("self",))
        .select_related("problem__problem_list__office")
        .filter(pk=measure_id)
        .first()
    )
    if measure is None:
        raise NotVisible()
    return measure


def _text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ActionError("required", message)
    return value


@transaction.atomic
def do_issue_letter(
    *,
    actor: Actor,
    letter_type: LetterType,
    number: str,
    issuer: Unit,
    recipient: Unit,
    issued_on: dt.date,
    problems: str,
    case: Case | None = None,
    sector: Sector | None = None,
    reply_due_at: dt.datetime | None = None,
) -> Letter:
    """Register a 三书一函 letter sent to a sector regulator, with the problems named and a reply deadline."""
    perm.require(perm.can_issue_letter(actor, issuer), _("只有发出单位或扫黑办可以登记三书一函。"))
    if not letter_type.is_active:
        raise ActionError("invalid_type", _("该文书类型已停用。"))
    if recipient.pk == issuer.pk:
        raise ActionError("invalid_recipient", _("接收单位不能与发出单位相同。"))
    if issued_on > timezone.localdate():
        raise ActionError("invalid_date", _("发出日期不能晚于今天。"))
    if (
        case is not None
        and not perm.is_system(actor)
        and not Case.objects.visible_to(actor).filter(pk=case.pk).exists()
    ):
        raise NotVisible()
    due = reply_due_at or reply_due(issued_on, issuer.office())
    if due.date() < issued_on:
        raise ActionError("invalid_date", _("回复期限不能早于发出日期。"))
    letter = Letter.objects.create(
        number=_text(number, _("文号不能为空。"))[:60],
        letter_type=letter_type,
        issuer_unit=issuer,
        recipient_unit=recipient,
        case=case,
        sector=sector or (case.sector if case else None) or recipient.led_sectors.first(),
        issued_on=issued_on,
        problems=_text(problems, _("请写明文书指出的问题。")),
        reply_due_at=due,
        registered_by=None if perm.is_system(actor) else actor,
    )
    audit.record("letter.issue", actor=actor, obj=letter, after=audit.snapshot(letter, LETTER_AUDITED))
    _emit("rectification.letter", letter, "letter.issue", actor, unit_id=recipient.pk)
    return letter


def _add_measures(problem_list: ProblemList, rows: list[MeasureData], actor: Actor) -> list[Measure]:
    """Create problems (grouped by their text, in order) and their measures."""
    problems: dict[str, Problem] = {}
    next_seq = (problem_list.problems.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    created = []
    now = timezone.now()
    for row in rows:
        text = _text(row.problem, _("问题不能为空。"))
        if text not in problems:
            problems[text] = Problem.objects.create(problem_list=problem_list, seq=next_seq, description=text)
            next_seq += 1
        problem = problems[text]
        if not row.units:
            raise ActionError("required", _("每项整改措施须有责任单位。"))
        measure = Measure.objects.create(
            problem=problem,
            seq=problem.measures.count() + 1,
            description=_text(row.description, _("整改措施不能为空。")),
            person=row.person,
            person_name=(row.person_name or (str(row.person) if row.person else ""))[:50],
            deadline=row.deadline,
            progress=row.progress,
            status=MeasureStatus.SIGNED_OFF if row.signed_off else MeasureStatus.IN_PROGRESS,
            signed_off_at=now if row.signed_off else None,
            signed_off_by=actor if row.signed_off and not perm.is_system(actor) else None,
        )
        measure.units.set(row.units)
        created.append(measure)
    return created


@transaction.atomic
def do_reply_letter(letter_id: int, *, actor: Actor, reply: str, measures: list[MeasureData]) -> Letter:
    """The recipient replies (回复) and names the rectification measures, which open as a problem list."""
    letter = _lock_letter(letter_id, actor)
    perm.require(perm.is_unit_actor(actor, {letter.recipient_unit_id}), _("只有接收单位可以回复。"))
    target = LetterStatus.RECTIFYING if measures else LetterStatus.RECTIFIED
    check_transition(LETTER_TRANSITIONS, letter.status, target, labels=LetterStatus)
    before = audit.snapshot(letter, LETTER_AUDITED)
    now = timezone.now()
    letter.reply = _text(reply, _("回复内容不能为空。"))
    letter.replied_at, letter.replied_by = now, None if perm.is_system(actor) else actor
    letter.status = target
    letter.rectified_at = now if target == LetterStatus.RECTIFIED else None
    if measures:
        office = letter.recipient_unit.office() or letter.issuer_unit.office()
        if office is None:
            raise ActionError("invalid_unit", _("找不到接收单位所属的扫黑办。"))
        problem_list = ProblemList.objects.create(
            title=_("%(letter)s整改清单") % {"letter": letter},
            source=ListSource.LETTER,
            office=office,
            sector=letter.sector,
            letter=letter,
            created_by=None if perm.is_system(actor) else actor,
        )
        for row in measures:
            row.units = row.units or [letter.recipient_unit]
        _add_measures(problem_list, measures, actor)
    letter.version += 1
    letter.save(update_fields=["reply", "replied_at", "replied_by", "status", "rectified_at", "version"])
    audit.record(
        "letter.reply",
        actor=actor,
        obj=letter,
        before=before,
        after={**audit.snapshot(letter, LETTER_AUDITED), "measures": len(measures)},
    )
    _emit("rectification.letter", letter, "letter.reply", actor, unit_id=letter.issuer_unit_id)
    return letter


@transaction.atomic
def do_create_problem_list(
    *,
    actor: Actor,
    title: str,
    source: str,
    office: Unit,
    rows: list[MeasureData],
    sector: Sector | None = None,
) -> ProblemList:
    """Enter a problem list (问题清单) with its problems and measures by hand or from an import."""
    allowed = perm.is_office_over(actor, office.path) or bool(
        sector and sector.lead_unit_id and perm.is_unit_actor(actor, {sector.lead_unit_id})
    )
    perm.require(allowed, _("只有扫黑办或该行业牵头单位可以建立问题清单。"))
    if source not in ListSource.values or source == ListSource.LETTER:
        raise ActionError("invalid_source", _("请选择清单来源（三书一函的清单由回复生成）。"))
    if not rows:
        raise ActionError("required", _("清单中至少要有一项整改措施。"))
    if any(row.signed_off for row in rows) and not perm.is_office_over(actor, office.path):
        raise ActionError("signoff_by_office", _("只有扫黑办可以录入已销号的措施。"))
    problem_list = ProblemList.objects.create(
        title=_text(title, _("清单名称不能为空。"))[:120],
        source=source,
        office=office,
        sector=sector,
        created_by=None if perm.is_system(actor) else actor,
    )
    created = _add_measures(problem_list, rows, actor)
    audit.record(
        "problem_list.create",
        actor=actor,
        obj=problem_list,
        after={"title": problem_list.title, "source": source, "measures": len(created)},
    )
    return problem_list


def _store_evidence(report: ProgressReport, uploads: list[tuple[str, Any]]) -> None:
    for name, chunks in uploads:
        stored = files.store(chunks)
        Evidence.objects.create(
            report=report,
            name=files.safe_name(name),
            storage_path=stored.storage_path,
            sha256=stored.sha256,
            size=stored.size,
        )


@transaction.atomic
def do_report_measure_progress(
    measure_id: int,
    *,
    actor: Actor,
    body: str,
    evidence: list[tuple[str, Any]] | None = None,
    request_completion: bool = False,
    version: int | None = None,
) -> Measure:
    """The responsible unit reports progress with evidence; optionally asks for sign-off (申请销号)."""
    measure = _lock_measure(measure_id, actor)
    unit_ids = set(measure.units.values_list("pk", flat=True))
    perm.require(perm.is_unit_actor(actor, unit_ids), _("只有责任单位可以报送整改进展。"))
    check_version(measure, version, ["status", "progress"])
    if measure.status != MeasureStatus.IN_PROGRESS:
        raise ActionError(
            "not_in_progress",
            _("该措施当前为「%(s)s」，不能报送进展。") % {"s": measure.get_status_display()},
        )
    before = audit.snapshot(measure, MEASURE_AUDITED)
    body = _text(body, _("进展情况不能为空。"))
    report = ProgressReport.objects.create(
        measure=measure,
        body=body,
        is_completion=request_completion,
        reported_by=None if perm.is_system(actor) else actor,
    )
    _store_evidence(report, evidence or [])
    measure.progress = body
    fields = ["progress"]
    if request_completion:
        if not evidence and not Evidence.objects.filter(report__measure=measure).exists():
            raise ActionError("evidence_required", _("申请销号须上传佐证材料。"))
        check_transition(MEASURE_TRANSITIONS, measure.status, MeasureStatus.REQUESTED, labels=MeasureStatus)
        measure.status, measure.requested_at = MeasureStatus.REQUESTED, timezone.now()
        fields += ["status", "requested_at"]
    measure.version += 1
    measure.save(update_fields=[*fields, "version"])
    action = "measure.request_signoff" if request_completion else "measure.progress"
    audit.record(
        action, actor=actor, obj=measure, before=before, after=audit.snapshot(measure, MEASURE_AUDITED)
    )
    _emit("rectification.measure", measure, action, actor)
    return measure


def _sync_letter(problem_list: ProblemList) -> None:
    """A letter is rectified when every measure of its list is signed off (and reopens if one is not)."""
    letter = Letter.objects.select_for_update().filter(problem_list=problem_list).first()
    if letter is None:
        return
    done = (
        not Measure.objects.filter(problem__problem_list=problem_list)
        .exclude(status=MeasureStatus.SIGNED_OFF)
        .exists()
    )
    target = LetterStatus.RECTIFIED if done else LetterStatus.RECTIFYING
    if letter.status == target or letter.status == LetterStatus.ISSUED:
        return
    check_transition(LETTER_TRANSITIONS, letter.status, target, labels=LetterStatus)
    before = audit.snapshot(letter, LETTER_AUDITED)
    letter.status, letter.rectified_at = target, timezone.now() if done else None
    letter.save(update_fields=bump_version(letter, ["status", "rectified_at"]))
    audit.record(
        "letter.rectified" if done else "letter.reopened",
        actor=SIGN_OFF,
        obj=letter,
        before=before,
        after=audit.snapshot(letter, LETTER_AUDITED),
    )


@transaction.atomic
def do_review_measure(
    measure_id: int, *, actor: Actor, approve: bool, note: str = "", version: int | None = None
) -> Measure:
    """The office reviews a completion request: sign off (销号) or send back to keep working (退回)."""
    measure = _lock_measure(measure_id, actor)
    problem_list = measure.problem.problem_list
    perm.require(perm.is_office_over(actor, problem_list.office.path), _("只有扫黑办可以审核销号。"))
    check_version(measure, version, ["status", "progress"])
    target = MeasureStatus.SIGNED_OFF if approve else MeasureStatus.IN_PROGRESS
    check_transition(MEASURE_TRANSITIONS, measure.status, target, labels=MeasureStatus)
    if not approve:
        note = _text(note, _("退回须写明理由。"))
    before = audit.snapshot(measure, MEASURE_AUDITED)
    measure.status, measure.review_note = target, note
    if approve:
        measure.signed_off_at = timezone.now()
        measure.signed_off_by = None if perm.is_system(actor) else actor
    measure.version += 1
    measure.save(update_fields=["status", "review_note", "signed_off_at", "signed_off_by", "version"])
    action = "measure.sign_off" if approve else "measure.send_back"
    audit.record(
        action,
        actor=actor,
        obj=measure,
        before=before,
        after=audit.snapshot(measure, MEASURE_AUDITED),
        reason=note,
    )
    _sync_letter(problem_list)
    _emit("rectification.measure", measure, action, actor)
    return measure


@transaction.atomic
def do_add_measures(list_id: int, *, actor: Actor, rows: list[MeasureData]) -> list[Measure]:
    """Add problems and measures to an existing list (office, or the sector's lead unit for its lists)."""
    # Lock the list so two people adding at once do not give two problems the same number.
    problem_list = (
        ProblemList.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("office", "sector")
        .filter(pk=list_id)
        .first()
    )
    if problem_list is None:
        raise NotVisible()
    sector = problem_list.sector
    allowed = perm.is_office_over(actor, problem_list.office.path) or bool(
        sector and sector.lead_unit_id and perm.is_unit_actor(actor, {sector.lead_unit_id})
    )
    perm.require(allowed, _("只有扫黑办或该行业牵头单位可以增加整改措施。"))
    if any(row.signed_off for row in rows):
        raise ActionError("signoff_by_office", _("新增措施须经审核后销号。"))
    created = _add_measures(problem_list, rows, actor)
    audit.record(
        "problem_list.add", actor=actor, obj=problem_list, after={"measures": [m.pk for m in created]}
    )
    return created

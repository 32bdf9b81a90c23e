"""Registering a clue (numbered per office and year, subjects matched to units, recusals), editing it, triage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.clues import permissions as perm
from taizhang.clues.actions.common import (
    AUDITED_FIELDS,
    EDITABLE_FIELDS,
    ReporterData,
    SubjectData,
    _add_recusals,
    _lock,
    _move,
    _require_text,
    _save,
    _set_deadline,
    _withdraw_if_barred,
    notify_on_commit,
)
from taizhang.clues.choices import Category, ClueNotice, ClueStep, Priority
from taizhang.clues.models import Clue, ClueCounter, Recusal, ReportedSubject, Reporter
from taizhang.core import audit, clock, sealing
from taizhang.core.errors import ActionError
from taizhang.core.signals import emit_on_commit
from taizhang.core.workflow import check_version
from taizhang.org import matching
from taizhang.org.actors import Actor
from taizhang.org.choices import UnitKind
from taizhang.org.models import Sector, Unit


def _next_number(office: Unit, year: int) -> str:
    return reserve_block(office, year, 1).take()


@dataclass
class NumberBlock:
    """Numbers reserved in one go, given out one by one (a package of 100,000 never holds them all)."""

    office_code: str
    year: int
    pattern: str
    next_seq: int
    top: int

    def take(self) -> str:
        if self.next_seq > self.top:
            raise ValueError("the reserved block of numbers is used up")
        seq, self.next_seq = self.next_seq, self.next_seq + 1
        return self.pattern.format(year=self.year, seq=seq, code=self.office_code)


def reserve_block(office: Unit, year: int, count: int) -> NumberBlock:
    """The office's next `count` numbers of the year, reserved in one statement.

    The UPDATE locks the counter row until the registration commits (a concurrent one waits and then counts on
    from the committed value); a rolled-back registration rolls its numbers back too, so numbers are unique and
    have no gaps even when many people register at once. Take them last, just before the commit.
    """
    table = connection.ops.quote_name(ClueCounter._meta.db_table)
    last = connection.ops.quote_name("last")
    bump = (
        f"UPDATE {table} SET {last} = {last} + %s WHERE office_id = %s AND year = %s "  # noqa: S608
        f"RETURNING {last}, pattern"
    )
    with connection.cursor() as cursor:
        cursor.execute(bump, [count, office.pk, year])
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
            cursor.execute(bump, [count, office.pk, year])
            row = cursor.fetchone()
    top = int(row[0])
    return NumberBlock(office.code, year, str(row[1]), top - count + 1, top)


def _match_units(
    subjects: list[SubjectData], pool: list[matching.Candidate] | None = None
) -> dict[str, Unit]:
    """Our unit each written unit name means (fuzzy: org/matching.py); the units are read only if one is named
    (or given: a bulk registration reads them once)."""
    names = {s.unit_name.strip() for s in subjects if s.unit_name.strip() and not s.unit_id}
    if not names:
        return {}
    pool = matching.candidates() if pool is None else pool
    found = {name: matching.match(name, pool) for name in names}
    return {name: unit for name, unit in found.items() if unit is not None}


def _subject_rows(
    clue: Clue, subjects: list[SubjectData], pool: list[matching.Candidate] | None = None
) -> list[ReportedSubject]:
    """The clue's subjects as unsaved rows, with a named unit matched by its name (one query, only if named)."""
    if not subjects:
        raise ActionError("required", _("请至少填写一个被举报对象。"))
    by_name = _match_units(subjects, pool)
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


@dataclass
class Registration:
    """A checked, unsaved registration: the clue (no number yet), its subject rows and its reporter row."""

    clue: Clue
    subjects: list[ReportedSubject]
    reporter: Reporter


def prepare_registration(
    *,
    actor: Actor,
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
    unit_pool: list[matching.Candidate] | None = None,
) -> Registration:
    """Every rule of a registration (受理登记) short of writing it: who may register, the dates and texts, the
    deadline, subjects matched to units (recusals follow from them), the 保护伞 flag, the sealed identity.
    `do_register_clue` writes one; clues.actions.bulk writes many (the ferry's import, the hand-down)."""
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
    rows = _subject_rows(clue, subjects, unit_pool)
    clue.is_umbrella = _umbrella(clue, rows)
    rep = reporter or ReporterData()
    sealed = sealing.seal(rep.identity) if rep.identity else ""
    return Registration(
        clue=clue,
        subjects=rows,
        reporter=Reporter(
            clue=clue, kind=rep.kind, wants_feedback=rep.wants_feedback, sealed_identity=sealed
        ),
    )


def number_year(clue: Clue) -> int:
    """The year a clue's number counts in: the year it was received, in the office's time zone."""
    return timezone.localtime(clue.received_at).year


def registered_audit(clue: Clue) -> dict[str, Any]:
    """What the audit log keeps of a registration."""
    return audit.snapshot(clue, AUDITED_FIELDS)


@transaction.atomic
def do_register_clue(*, actor: Actor, office: Unit, **fields: Any) -> Clue:
    """Register a clue (受理登记): numbered per office and year, subjects recorded, reporter identity sealed.

    The fields are those of `prepare_registration` (channel, received_at, summary, facts, subjects, …)."""
    reg = prepare_registration(actor=actor, office=office, **fields)
    clue = reg.clue
    # The number last, just before the insert: its counter row stays locked until commit, so everything that
    # can be prepared without it (subjects, sealing) is done before it is taken.
    clue.number = _next_number(office, number_year(clue))
    clue.save()
    _add_recusals(clue, _insert_subjects(clue, reg.subjects))
    reg.reporter.clue = clue
    reg.reporter.save()
    audit.record("clue.register", actor=actor, obj=clue, after=registered_audit(clue))
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
    actor: Actor,
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
    notify_on_commit(ClueNotice.EDITED, clue, actor)
    return clue


@transaction.atomic
def do_triage_clue(
    clue_id: int,
    *,
    actor: Actor,
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
    notify_on_commit(ClueNotice.TRIAGED, clue, actor)
    return clue

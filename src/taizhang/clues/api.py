"""JSON API of the clue ledger: register, list with the ledger's filters, read, every handling step, export.

Everything reads through Clue.objects.visible_to(request.user); a clue one may not see answers 404. Refused
steps come back as {"code", "message", "detail"} through the global ActionError handler.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import Any

from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from taizhang.clues import actions, exports
from taizhang.clues.actions import ReporterData, SubjectData
from taizhang.clues.choices import FACTS_MAX_LENGTH, Channel, ClueStatus, ReporterKind, SubjectKind, labels
from taizhang.clues.filters import counting, filter_clues, listed_total, parse
from taizhang.clues.models import Clue, ReportedSubject, Transfer
from taizhang.clues.views.ledger import attach_subject_names, with_row_relations
from taizhang.clues.visibility.answers import page_of, visible_status_counts
from taizhang.core import audit
from taizhang.core.errors import ActionError, NotVisible
from taizhang.org.actors import acting
from taizhang.org.models import Sector, Unit, User

router = Router(tags=["clues"])


# --- schemas ------------------------------------------------------------------------------------------


class SubjectIn(Schema):
    name: str = Field(max_length=100)
    kind: SubjectKind = SubjectKind.PERSON
    position: str = Field("", max_length=100)
    unit_name: str = Field("", max_length=100)
    is_official: bool = False
    id_fragment: str = Field("", max_length=20)
    phone_fragment: str = Field("", max_length=20)


class ReporterIn(Schema):
    kind: ReporterKind = ReporterKind.ANONYMOUS
    identity: dict[str, str] = Field(default_factory=dict, description="姓名、电话等；入库前加密")
    wants_feedback: bool = False


# Every text bounded and every choice one of its values, as in the forms: stored data is what the screens allow.
class RegisterIn(Schema):
    office_id: int
    channel: Channel
    received_at: dt.datetime
    summary: str = Field(max_length=200)
    facts: str = Field(max_length=FACTS_MAX_LENGTH)
    subjects: list[SubjectIn] = Field(max_length=50)
    sector_id: int | None = None
    place: str = Field("", max_length=120)
    alleges_umbrella: bool = False
    source_ref: str = Field("", max_length=60)
    reporter: ReporterIn | None = None


class EditIn(Schema):
    version: int
    channel: Channel | None = None
    source_ref: str | None = Field(None, max_length=60)
    received_at: dt.datetime | None = None
    summary: str | None = Field(None, max_length=200)
    facts: str | None = Field(None, max_length=FACTS_MAX_LENGTH)
    sector_id: int | None = None
    place: str | None = Field(None, max_length=120)
    alleges_umbrella: bool | None = None
    subjects: list[SubjectIn] | None = Field(None, max_length=50)


class SubjectOut(Schema):
    name: str
    kind: str
    position: str
    unit_name: str
    is_official: bool


class ClueRow(Schema):
    id: int
    number: str
    channel: str
    received_at: dt.datetime
    summary: str
    category: str
    priority: str
    status: str
    status_label: str
    is_umbrella: bool
    sector: str | None
    responsible_unit_id: int | None
    responsible_unit: str | None
    responsible_person: str | None
    deadline_at: dt.datetime | None
    is_overdue: bool
    finding_result: str
    concluded_at: dt.datetime | None
    subjects: list[str]
    version: int


class AssignmentOut(Schema):
    unit: str
    person: str | None
    due_at: dt.datetime
    assigned_at: dt.datetime
    is_current: bool
    reason: str


class FindingOut(Schema):
    id: int
    result: str
    basis: str
    signed_by: str | None
    signed_at: dt.datetime | None
    decision: str
    review_note: str


class TransferOut(Schema):
    id: int
    kind: str
    receiver_unit_id: int
    receiver_unit: str
    letter_number: str
    sent_at: dt.datetime
    answer: str
    answer_note: str
    case_reference: str
    outcomes: list[str]


class ClueOut(ClueRow):
    facts: str
    place: str
    office_id: int
    reporter: str
    detail_subjects: list[SubjectOut]
    assignments: list[AssignmentOut]
    findings: list[FindingOut]
    transfers: list[TransferOut]


class ClueList(Schema):
    count: int
    page: int
    per: int
    counts: dict[str, int]
    items: list[ClueRow]


class FilterIn(Schema):
    status: list[str] = Field(default_factory=list)
    category: str = ""
    sector: int | None = None
    channel: str = ""
    unit: int | None = None
    office: int | None = None
    overdue: bool = False
    due_soon: bool = False
    awaiting: int | None = None
    umbrella: bool = False
    finding: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    concluded_from: dt.date | None = None
    concluded_to: dt.date | None = None
    q: str = ""
    sort: str = ""
    page: int = 1
    per: int = Field(50, ge=1, le=200)


class TriageIn(Schema):
    in_scope: bool = True
    category: str = ""
    priority: str = "normal"
    sector_id: int | None = None
    referred_to: str = ""
    note: str = ""
    version: int | None = None


class AssignIn(Schema):
    unit_id: int
    person_id: int | None = None
    due: dt.datetime | None = None
    instructions: str = ""
    reason: str = ""
    version: int | None = None


class ReportIn(Schema):
    stage: str
    body: str


class FindingIn(Schema):
    result: str
    basis: str


class SignIn(Schema):
    approve: bool = True
    note: str = ""


class ReviewIn(Schema):
    accept: bool
    note: str = ""
    version: int | None = None


class TransferIn(Schema):
    kind: str
    receiver_unit_id: int
    letter_number: str = ""
    evidence_list: str = ""
    note: str = ""


class AnswerIn(Schema):
    answer: str
    note: str = ""
    case_reference: str = ""


class OutcomeIn(Schema):
    body: str


class NoteIn(Schema):
    note: str = ""
    version: int | None = None


class ReasonIn(Schema):
    reason: str


class OtherIn(Schema):
    other_id: int
    note: str = ""


# --- helpers ------------------------------------------------------------------------------------------


def _subject_names(clue: Clue) -> list[str]:
    listed = getattr(clue, "subject_list", None)  # a list page attaches them in one query
    return listed if listed is not None else [s.name for s in clue.subjects.all()]


def _row(clue: Clue, status_labels: dict[str, str] | None = None) -> dict[str, Any]:
    status_labels = status_labels or labels(ClueStatus)
    return {
        "id": clue.pk,
        "number": clue.number,
        "channel": clue.channel,
        "received_at": clue.received_at,
        "summary": clue.summary,
        "category": clue.category,
        "priority": clue.priority,
        "status": clue.status,
        "status_label": status_labels.get(clue.status, clue.status),
        "is_umbrella": clue.is_umbrella,
        "sector": clue.sector.name if clue.sector else None,
        "responsible_unit_id": clue.responsible_unit_id,
        "responsible_unit": clue.responsible_unit.name if clue.responsible_unit else None,
        "responsible_person": str(clue.responsible_person) if clue.responsible_person else None,
        "deadline_at": clue.deadline_at,
        "is_overdue": clue.is_overdue,
        "finding_result": clue.finding_result,
        "concluded_at": clue.concluded_at,
        "subjects": _subject_names(clue),
        "version": clue.version,
    }


DETAIL_RELATIONS = ("sector", "responsible_unit", "responsible_person", "office", "reporter")


def _visible(request: HttpRequest, clue_id: int) -> Clue:
    # One clue by its id: no ORDER BY (the model's default, or what .first() adds) to compile.
    found = Clue.objects.visible_one(request.user, clue_id).select_related(*DETAIL_RELATIONS).order_by()
    subjects = Prefetch("subjects", queryset=ReportedSubject.objects.order_by("id"))
    clue = next(iter(found.prefetch_related(subjects)), None)
    if clue is None:
        raise NotVisible()
    return clue


def _detail(request: HttpRequest, clue_id: int) -> dict[str, Any]:
    from taizhang.clues.views.detail import reporter_label

    clue = _visible(request, clue_id)
    transfers = clue.transfers.select_related("receiver_unit").prefetch_related("outcomes")
    return {
        **_row(clue),
        "facts": clue.facts,
        "place": clue.place,
        "office_id": clue.office_id,
        "reporter": reporter_label(clue),
        "detail_subjects": list(clue.subjects.all()),
        "assignments": [
            {
                "unit": a.unit.name,
                "person": str(a.person) if a.person else None,
                "due_at": a.due_at,
                "assigned_at": a.assigned_at,
                "is_current": a.is_current,
                "reason": a.reason,
            }
            for a in clue.assignments.select_related("unit", "person").order_by("assigned_at", "id")
        ],
        "findings": [
            {
                "id": f.pk,
                "result": f.result,
                "basis": f.basis,
                "signed_by": str(f.signed_by) if f.signed_by else None,
                "signed_at": f.signed_at,
                "decision": f.decision,
                "review_note": f.review_note,
            }
            for f in clue.findings.select_related("signed_by")
        ],
        "transfers": [
            {
                "id": t.pk,
                "kind": t.kind,
                "receiver_unit_id": t.receiver_unit_id,
                "receiver_unit": t.receiver_unit.name,
                "letter_number": t.letter_number,
                "sent_at": t.sent_at,
                "answer": t.answer,
                "answer_note": t.answer_note,
                "case_reference": t.case_reference,
                "outcomes": [o.body for o in t.outcomes.all()],
            }
            for t in transfers
        ],
    }


def _unit(unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise ActionError("invalid_unit", "单位不存在。")
    return unit


def _sector(sector_id: int | None) -> Sector | None:
    return Sector.objects.filter(pk=sector_id).first() if sector_id else None


def _person(person_id: int | None) -> User | None:
    return User.objects.filter(pk=person_id).first() if person_id else None


def _subjects(items: list[SubjectIn]) -> list[SubjectData]:
    return [SubjectData(**s.dict()) for s in items]


def _transfer_visible(request: HttpRequest, transfer_id: int) -> int:
    visible = Clue.objects.visible_to(request.user).values("pk")
    if not Transfer.objects.filter(pk=transfer_id, clue__in=visible).exists():
        raise NotVisible()
    return transfer_id


# --- routes -------------------------------------------------------------------------------------------


@router.get("/", response=ClueList, summary="线索台账（与页面相同的筛选）")
def list_clues(request: HttpRequest, filters: Query[FilterIn]) -> dict[str, Any]:
    data = filters.dict()
    per, page = data.pop("per"), max(1, data.get("page") or 1)
    values = parse(data)
    counts = visible_status_counts(request.user, values)
    total = listed_total(counts, values)
    start = (page - 1) * per
    rows = attach_subject_names(
        page_of(request.user, with_row_relations(Clue.objects.all()), values, start, start + per)
    )
    status_labels = labels(ClueStatus)
    return {
        "count": total,
        "page": page,
        "per": per,
        "counts": counts,
        "items": [_row(c, status_labels) for c in rows],
    }


@router.get("/export.xlsx", summary="导出当前筛选结果（.xlsx）")
def export(request: HttpRequest, filters: Query[FilterIn]) -> FileResponse:
    data = filters.dict()
    data.pop("per", None)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    with counting(Clue.objects.db):  # every match is read
        qs = filter_clues(Clue.objects.visible_to(request.user), parse(data), counting=True)
        count = exports.write_xlsx(qs, out)
    out.seek(0)
    audit.record(
        "clue.export", actor=request.user, object_type="clues.ledger", after={"rows": count, "api": True}
    )
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"clues-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@router.post("/", response={201: ClueOut}, summary="受理登记")
def register(request: HttpRequest, payload: RegisterIn) -> Status:
    office = Unit.objects.filter(pk=payload.office_id).first()
    if office is None:
        raise ActionError("invalid_office", "受理机关不存在。")
    rep = payload.reporter
    clue = actions.do_register_clue(
        actor=acting(request),
        office=office,
        channel=payload.channel,
        received_at=payload.received_at,
        summary=payload.summary,
        facts=payload.facts,
        subjects=_subjects(payload.subjects),
        sector=_sector(payload.sector_id),
        place=payload.place,
        alleges_umbrella=payload.alleges_umbrella,
        source_ref=payload.source_ref,
        reporter=ReporterData(kind=rep.kind, identity=rep.identity, wants_feedback=rep.wants_feedback)
        if rep
        else None,
    )
    return Status(201, _detail(request, clue.pk))


@router.get("/{int:clue_id}", response=ClueOut, summary="线索详情")
def read(request: HttpRequest, clue_id: int) -> dict[str, Any]:
    return _detail(request, clue_id)


@router.patch("/{int:clue_id}", response=ClueOut, summary="修改登记信息（须带 version，过期则 409 冲突）")
def edit(request: HttpRequest, clue_id: int, payload: EditIn) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    subjects = data.pop("subjects", None)
    if "sector_id" in data:
        data["sector"] = _sector(data.pop("sector_id"))
    actions.do_edit_clue(
        clue_id,
        actor=acting(request),
        version=version,
        subjects=_subjects(payload.subjects or []) if subjects is not None else None,
        **{k: v for k, v in data.items() if v is not None or k == "sector"},
    )
    return _detail(request, clue_id)


@router.post("/{int:clue_id}/triage", response=ClueOut, summary="分流")
def triage(request: HttpRequest, clue_id: int, payload: TriageIn) -> dict[str, Any]:
    actions.do_triage_clue(
        clue_id,
        actor=acting(request),
        in_scope=payload.in_scope,
        category=payload.category,
        priority=payload.priority,
        sector=_sector(payload.sector_id),
        referred_to=payload.referred_to,
        note=payload.note,
        version=payload.version,
    )
    return _detail(request, clue_id)


@router.post("/{int:clue_id}/assign", response=ClueOut, summary="交办")
def assign(request: HttpRequest, clue_id: int, payload: AssignIn) -> dict[str, Any]:
    actions.do_assign_clue(
        clue_id,
        actor=acting(request),
        unit=_unit(payload.unit_id),
        person=_person(payload.person_id),
        due=payload.due,
        instructions=payload.instructions,
        version=payload.version,
    )
    return _detail(request, clue_id)


@router.post("/{int:clue_id}/reassign", response=ClueOut, summary="改派")
def reassign(request: HttpRequest, clue_id: int, payload: AssignIn) -> dict[str, Any]:
    actions.do_reassign_clue(
        clue_id,
        actor=acting(request),
        unit=_unit(payload.unit_id),
        person=_person(payload.person_id),
        reason=payload.reason,
        due=payload.due,
        version=payload.version,
    )
    return _detail(request, clue_id)


@router.post("/{int:clue_id}/reports", response=ClueOut, summary="回告（first 首次 / progress 二次）")
def report(request: HttpRequest, clue_id: int, payload: ReportIn) -> dict[str, Any]:
    actions.do_file_stage_report(clue_id, actor=acting(request), stage=payload.stage, body=payload.body)
    return _detail(request, clue_id)


@router.post("/{int:clue_id}/finding", response=ClueOut, summary="提交核查结论（末次回告）")
def finding(request: HttpRequest, clue_id: int, payload: FindingIn) -> dict[str, Any]:
    actions.do_record_finding(clue_id, actor=acting(request), result=payload.result, basis=payload.basis)
    return _detail(request, clue_id)


@router.post("/{int:clue_id}/sign", response=ClueOut, summary="签字背书")
def sign(request: HttpRequest, clue_id: int, payload: SignIn) -> dict[str, Any]:
    actions.do_sign_finding(clue_id, actor=acting(request), approve=payload.approve, note=payload.note)
    return _detail(request, clue_id)


@router.post("/{int:clue_id}/review", response=ClueOut, summary="审核（通过 / 退查）")
def review(request: HttpRequest, clue_id: int, payload: ReviewIn) -> dict[str, Any]:
    actions.do_review_finding(
        clue_id, actor=acting(request), accept=payload.accept, note=payload.note, version=payload.version
    )
    return _detail(request, clue_id)


@router.post("/{int:clue_id}/transfer", response=ClueOut, summary="移交移送")
def transfer(request: HttpRequest, clue_id: int, payload: TransferIn) -> dict[str, Any]:
    actions.do_transfer_clue(
        clue_id,
        actor=acting(request),
        kind=payload.kind,
        receiver_unit=_unit(payload.receiver_unit_id),
        letter_number=payload.letter_number,
        evidence_list=payload.evidence_list,
        note=payload.note,
    )
    return _detail(request, clue_id)


@router.post("/transfers/{int:transfer_id}/answer", response=TransferOut, summary="答复移送")
def answer(request: HttpRequest, transfer_id: int, payload: AnswerIn) -> dict[str, Any]:
    t = actions.do_answer_transfer(
        _transfer_visible(request, transfer_id),
        actor=acting(request),
        answer=payload.answer,
        note=payload.note,
        case_reference=payload.case_reference,
    )
    return _transfer_out(t)


@router.post("/transfers/{int:transfer_id}/outcomes", response=TransferOut, summary="填报移送办理结果")
def outcome(request: HttpRequest, transfer_id: int, payload: OutcomeIn) -> dict[str, Any]:
    o = actions.do_record_transfer_outcome(
        _transfer_visible(request, transfer_id), actor=acting(request), body=payload.body
    )
    return _transfer_out(o.transfer)


def _transfer_out(t: Transfer) -> dict[str, Any]:
    t = Transfer.objects.select_related("receiver_unit").prefetch_related("outcomes").get(pk=t.pk)
    return {
        "id": t.pk,
        "kind": t.kind,
        "receiver_unit_id": t.receiver_unit_id,
        "receiver_unit": t.receiver_unit.name,
        "letter_number": t.letter_number,
        "sent_at": t.sent_at,
        "answer": t.answer,
        "answer_note": t.answer_note,
        "case_reference": t.case_reference,
        "outcomes": [o.body for o in t.outcomes.all()],
    }


@router.post("/{int:clue_id}/conclude", response=ClueOut, summary="办结销账")
def conclude(request: HttpRequest, clue_id: int, payload: NoteIn) -> dict[str, Any]:
    actions.do_conclude_clue(clue_id, actor=acting(request), note=payload.note, version=payload.version)
    return _detail(request, clue_id)


@router.post("/{int:clue_id}/reopen", response=ClueOut, summary="重新启动")
def reopen(request: HttpRequest, clue_id: int, payload: ReasonIn) -> dict[str, Any]:
    actions.do_reopen_clue(clue_id, actor=acting(request), reason=payload.reason)
    return _detail(request, clue_id)


@router.post("/{int:clue_id}/link", response=ClueOut, summary="关联线索")
def link(request: HttpRequest, clue_id: int, payload: OtherIn) -> dict[str, Any]:
    actions.do_link_clues(clue_id, payload.other_id, actor=acting(request), note=payload.note)
    return _detail(request, clue_id)


@router.post("/{int:clue_id}/merge", response=ClueOut, summary="串并：并入 other_id")
def merge(request: HttpRequest, clue_id: int, payload: OtherIn) -> dict[str, Any]:
    actions.do_merge_clue(clue_id, payload.other_id, actor=acting(request), note=payload.note)
    return _detail(request, clue_id)

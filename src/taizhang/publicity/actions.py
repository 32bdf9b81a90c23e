"""Every change in publicity: typical cases drafted and approved, activities recorded, surveys run and
answered (online or entered in bulk from paper and phone). Audited; a refused change leaves nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.cases.models import Case
from taizhang.clues.models import ReportedSubject
from taizhang.core import audit
from taizhang.core.errors import ActionError, NotVisible
from taizhang.core.workflow import check_transition, check_version
from taizhang.org.actors import Actor
from taizhang.org.models import Unit
from taizhang.publicity import permissions as perm
from taizhang.publicity.choices import (
    LIKERT,
    SURVEY_TRANSITIONS,
    TYPICAL_TRANSITIONS,
    ActivityKind,
    Channel,
    QuestionKind,
    SurveyStatus,
    TypicalStatus,
)
from taizhang.publicity.models import Answer, PublicityActivity, Question, Response, Survey, TypicalCase
from taizhang.pure import deid

TYPICAL_FIELDS = ["title", "summary", "listed", "status", "approved_at", "version"]
MAX_SUMMARY = 20_000


def _case(actor: Actor, case_id: int) -> Case:
    qs = Case.objects.all() if perm.is_system(actor) else Case.objects.visible_to(actor)
    case = qs.select_related("office").filter(pk=case_id).first()
    if case is None:
        raise NotVisible()
    return case


def names_in(case: Case) -> list[str]:
    """Names the case's records hold: the linked clues' subjects and the persons held to account."""
    from taizhang.cases.models import Accountability

    names = set(ReportedSubject.objects.filter(clue__cases=case).values_list("name", flat=True))
    names |= set(Accountability.objects.filter(check_row__case=case).values_list("person_name", flat=True))
    return sorted(n for n in names if n)


def proposed_summary(case: Case) -> str:
    return deid.mask(case.brief, names_in(case))


@transaction.atomic
def do_draft_typical(
    *, actor: Actor, case_id: int, title: str, summary: str | None = None, listed: bool = False
) -> TypicalCase:
    """Make a case typical; the summary starts as the brief de-identified automatically."""
    case = _case(actor, case_id)
    perm.require(perm.can_draft_typical(actor, case), _("只有扫黑办可以选报典型案例。"))
    if TypicalCase.objects.filter(case=case).exists():
        raise ActionError("exists", _("该案件已列为典型案例。"))
    title = (title or "").strip() or case.name
    text = deid.mask(summary, names_in(case)) if summary is not None else proposed_summary(case)
    typical = TypicalCase.objects.create(
        case=case, title=title[:120], summary=text[:MAX_SUMMARY], listed=listed
    )
    audit.record("typical.draft", actor=actor, obj=typical, after=audit.snapshot(typical, TYPICAL_FIELDS))
    return typical


def _lock(actor: Actor, pk: int) -> TypicalCase:
    qs = TypicalCase.objects.all() if perm.is_system(actor) else TypicalCase.objects.visible_to(actor)
    typical = qs.select_for_update(of=("self",)).select_related("case__office").filter(pk=pk).first()
    if typical is None:
        raise NotVisible()
    return typical


@transaction.atomic
def do_edit_typical(
    pk: int, *, actor: Actor, version: int | None, title: str, summary: str, listed: bool
) -> TypicalCase:
    """Edit the summary by hand; an approved case goes back to draft and needs approving again."""
    typical = _lock(actor, pk)
    perm.require(perm.can_draft_typical(actor, typical.case))
    check_version(typical, version, ["title", "summary", "listed"])
    if not (summary or "").strip() or not (title or "").strip():
        raise ActionError("required", _("标题和案例摘要不能为空。"))
    if len(summary) > MAX_SUMMARY:
        raise ActionError("too_long", _("案例摘要不能超过 %(n)s 字。") % {"n": MAX_SUMMARY})
    before = audit.snapshot(typical, TYPICAL_FIELDS)
    typical.title, typical.summary, typical.listed = title.strip()[:120], summary.strip(), listed
    typical.status, typical.approved_by, typical.approved_at = TypicalStatus.DRAFT, None, None
    typical.version += 1
    typical.save()
    audit.record(
        "typical.edit", actor=actor, obj=typical, before=before, after=audit.snapshot(typical, TYPICAL_FIELDS)
    )
    return typical


@transaction.atomic
def do_approve_typical(pk: int, *, actor: Actor, version: int | None = None) -> TypicalCase:
    """The office leader approves for publication; refused while an ID or phone number is left in it."""
    typical = _lock(actor, pk)
    perm.require(perm.can_approve_typical(actor, typical.case), _("典型案例须由扫黑办领导审定。"))
    check_version(typical, version, ["summary"])
    check_transition(TYPICAL_TRANSITIONS, typical.status, TypicalStatus.APPROVED, labels=TypicalStatus)
    left = deid.leaks(typical.title + "\n" + typical.summary)
    names = [n for n in names_in(typical.case) if len(n) >= 2 and "某" not in n and n in typical.summary]
    if left or names:
        raise ActionError(
            "not_deidentified",
            _("案例中仍有未脱敏的内容（%(what)s），请修改后再审定。")
            % {"what": "、".join([*(_mask_hint(x) for x in left), *(_mask_hint(n) for n in names)])},
        )
    before = audit.snapshot(typical, TYPICAL_FIELDS)
    typical.status, typical.approved_at = TypicalStatus.APPROVED, timezone.now()
    typical.approved_by = None if perm.is_system(actor) else actor
    typical.version += 1
    typical.save()
    audit.record(
        "typical.approve",
        actor=actor,
        obj=typical,
        before=before,
        after=audit.snapshot(typical, TYPICAL_FIELDS),
    )
    return typical


def _mask_hint(text: str) -> str:
    """Name what is left without repeating it whole in a message (first and last characters only)."""
    return text[0] + "…" + text[-1] if len(text) > 2 else text[0] + "…"


@transaction.atomic
def do_record_activity(
    *, actor: Actor, unit: Unit, kind: str, held_on: dt.date, count: int, title: str
) -> PublicityActivity:
    perm.require(perm.can_record_activity(actor, unit), _("只能登记本单位的宣传活动。"))
    if kind not in ActivityKind.values:
        raise ActionError("invalid_kind", _("请选择宣传形式。"))
    if count is None or count < 1 or count > 100_000:
        raise ActionError("invalid_number", _("场次/数量须为 1 至 100000 之间的整数。"))
    if held_on > timezone.localdate():
        raise ActionError("invalid_date", _("活动日期不能晚于今天。"))
    title = (title or "").strip()
    if not title:
        raise ActionError("required", _("请填写活动内容。"))
    row = PublicityActivity.objects.create(
        unit=unit,
        kind=kind,
        held_on=held_on,
        count=count,
        title=title[:200],
        recorded_by=None if perm.is_system(actor) else actor,
    )
    audit.record(
        "publicity.record",
        actor=actor,
        obj=row,
        after=audit.snapshot(row, ["unit", "kind", "held_on", "count", "title"]),
    )
    return row


@transaction.atomic
def do_create_survey(
    *,
    actor: Actor,
    office: Unit,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    districts: list[Unit],
    questions: list[dict[str, Any]],
) -> Survey:
    """A survey with its questions (likert, or choice with options) over the office's districts."""
    perm.require(perm.can_run_survey(actor, office), _("只有扫黑办可以组织群众安全感满意度调查。"))
    title = (title or "").strip()
    if not title:
        raise ActionError("required", _("请填写调查名称。"))
    if period_end < period_start:
        raise ActionError("invalid_date", _("调查期结束日期不能早于开始日期。"))
    if not districts or any(not d.path.startswith(office.path) for d in districts):
        raise ActionError("invalid_district", _("请选择本扫黑办辖区内的区县。"))
    if not questions:
        raise ActionError("required", _("调查至少需要一个问题。"))
    survey = Survey.objects.create(
        office=office, title=title[:120], period_start=period_start, period_end=period_end
    )
    survey.districts.set(districts)
    for order, q in enumerate(questions):
        kind, text = q.get("kind", QuestionKind.LIKERT), (q.get("text") or "").strip()
        options = [str(o).strip() for o in q.get("options") or [] if str(o).strip()]
        if kind not in QuestionKind.values or not text or (kind == QuestionKind.CHOICE and len(options) < 2):
            raise ActionError(
                "invalid_question", _("第 %(n)s 个问题不完整（选择题至少两个选项）。") % {"n": order + 1}
            )
        Question.objects.create(survey=survey, order=order, text=text[:200], kind=kind, options=options)
    audit.record(
        "survey.create", actor=actor, obj=survey, after={"title": survey.title, "questions": len(questions)}
    )
    return survey


@transaction.atomic
def do_set_survey_status(pk: int, *, actor: Actor, status: str) -> Survey:
    qs = Survey.objects.all() if perm.is_system(actor) else Survey.objects.visible_to(actor)
    survey = qs.select_for_update(of=("self",)).select_related("office").filter(pk=pk).first()
    if survey is None:
        raise NotVisible()
    perm.require(perm.can_run_survey(actor, survey.office))
    check_transition(SURVEY_TRANSITIONS, survey.status, status, labels=SurveyStatus)
    before = {"status": survey.status}
    survey.status = status
    if status == SurveyStatus.CLOSED:
        survey.closed_at = timezone.now()
    survey.version += 1
    survey.save(update_fields=["status", "closed_at", "version"])
    audit.record("survey.status", actor=actor, obj=survey, before=before, after={"status": status})
    return survey


def clean_answers(survey: Survey, questions: list[Question], answers: dict[int, Any]) -> dict[int, int]:
    """Every question answered with a value it allows (Likert 1–5, or an option's index), or a clear refusal."""
    clean: dict[int, int] = {}
    for q in questions:
        raw = answers.get(q.pk)
        if raw in (None, ""):
            raise ActionError("unanswered", _("请回答第 %(n)s 题：%(t)s") % {"n": q.order + 1, "t": q.text})
        try:
            value = int(str(raw))
        except (TypeError, ValueError) as exc:
            raise ActionError("invalid_answer", _("第 %(n)s 题的答案无效。") % {"n": q.order + 1}) from exc
        allowed = range(1, 6) if q.kind == QuestionKind.LIKERT else range(len(q.options))
        if value not in allowed:
            raise ActionError("invalid_answer", _("第 %(n)s 题的答案无效。") % {"n": q.order + 1})
        clean[q.pk] = value
    return clean


def write_responses(
    survey: Survey,
    district: Unit,
    channel: str,
    rows: Iterable[dict[int, int]],
    day: dt.date,
    refs: list[str] | None = None,
) -> int:
    """Responses and their answers in bulk (`refs`: the portal site's references, one per row, or none)."""
    responses, answers = [], []
    batch = list(rows)
    keys: list[str | None] = list(refs) if refs is not None else [None] * len(batch)
    created = Response.objects.bulk_create(
        [
            Response(survey=survey, district=district, channel=channel, day=day, ref=ref)
            for _row, ref in zip(batch, keys, strict=True)
        ]
    )
    for response, row in zip(created, batch, strict=True):
        answers += [
            Answer(response=response, question_id=qid, value=v, district_id_copy=district.pk)
            for qid, v in row.items()
        ]
    Answer.objects.bulk_create(answers, batch_size=5000)
    responses.extend(created)
    return len(responses)


def _open_survey(pk: int, district_id: int) -> tuple[Survey, Unit, list[Question]]:
    survey = Survey.objects.select_for_update().filter(pk=pk).first()
    if survey is None:
        raise NotVisible()
    if survey.status != SurveyStatus.OPEN:
        raise ActionError("survey_closed", _("本次调查不在进行中，不能再提交答卷。"))
    district = survey.districts.filter(pk=district_id).first()
    if district is None:
        raise ActionError("invalid_district", _("请选择所在区县。"))
    return survey, district, list(survey.questions.all())


@transaction.atomic
def do_answer_survey(pk: int, *, district_id: int, answers: dict[int, Any]) -> Response:
    """An anonymous answer from the public site (its proof-of-work and limits are checked by the view)."""
    survey, district, questions = _open_survey(pk, district_id)
    clean = clean_answers(survey, questions, answers)
    write_responses(survey, district, Channel.PORTAL, [clean], timezone.localdate())
    return Response.objects.filter(survey=survey).latest("pk")


@transaction.atomic
def do_enter_answers(
    pk: int, *, actor: Actor, district_id: int, channel: str, rows: list[dict[int, Any]]
) -> int:
    """Paper or phone answers entered in bulk: all rows or none (a bad row names its line)."""
    survey = (
        Survey.objects.visible_to(actor).select_related("office").filter(pk=pk).first()
        if not perm.is_system(actor)
        else Survey.objects.filter(pk=pk).first()
    )
    if survey is None:
        raise NotVisible()
    perm.require(perm.can_run_survey(actor, survey.office))
    if channel not in (Channel.PAPER, Channel.PHONE):
        raise ActionError("invalid_channel", _("请选择纸质问卷或电话调查。"))
    survey, district, questions = _open_survey(survey.pk, district_id)
    if not rows:
        raise ActionError("required", _("没有可录入的答卷。"))
    clean = []
    for line, row in enumerate(rows, start=1):
        try:
            clean.append(clean_answers(survey, questions, row))
        except ActionError as exc:
            raise ActionError(exc.code, _("第 %(l)s 份答卷：%(m)s") % {"l": line, "m": exc.message}) from exc
    count = write_responses(survey, district, channel, clean, timezone.localdate())
    audit.record(
        "survey.enter",
        actor=actor,
        obj=survey,
        after={"district": district.pk, "channel": channel, "responses": count},
    )
    return count


LIKERT_LABELS = dict(LIKERT)

"""JSON API of rectification: letters (list, read, issue, reply), problem lists and measures (progress, review)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.responses import Status

from taizhang.cases.models import Case
from taizhang.org.actors import acting
from taizhang.org.models import Unit
from taizhang.rectification import actions, filters
from taizhang.rectification.models import Letter, LetterType, Measure, ProblemList
from taizhang.rectification.progress import progress_by_list

router = Router(tags=["rectification"])


class LetterOut(Schema):
    id: int
    number: str
    letter_type_id: int
    issuer_unit_id: int
    recipient_unit_id: int
    case_id: int | None
    sector_id: int | None
    issued_on: dt.date
    problems: str
    reply_due_at: dt.datetime
    status: str
    reply: str
    replied_at: dt.datetime | None
    is_overdue: bool


class LetterFilters(Schema):
    q: str | None = None
    issuer: int | None = None
    recipient: int | None = None
    type: int | None = None
    sector: int | None = None
    status: str | None = None
    bucket: str | None = None
    offset: int = 0
    limit: int = 50


class LetterIn(Schema):
    letter_type: str
    number: str
    issuer_unit_id: int
    recipient_unit_id: int
    issued_on: dt.date
    problems: str
    case_id: int | None = None
    reply_due_at: dt.datetime | None = None


class MeasureIn(Schema):
    problem: str
    description: str
    deadline: dt.date


class ReplyIn(Schema):
    reply: str
    measures: list[MeasureIn] = []


class MeasureOut(Schema):
    id: int
    problem_id: int
    seq: int
    description: str
    person_name: str
    deadline: dt.date
    status: str
    progress: str
    is_overdue: bool
    version: int


class ProblemListOut(Schema):
    id: int
    title: str
    source: str
    office_id: int
    sector_id: int | None
    letter_id: int | None
    total: int = 0
    signed_off: int = 0
    overdue: int = 0


class ProgressIn(Schema):
    body: str
    request_completion: bool = False
    version: int | None = None


class ReviewIn(Schema):
    approve: bool
    note: str = ""
    version: int | None = None


@router.get("/letters", response=list[LetterOut], summary="三书一函列表（与页面相同的筛选条件）")
def list_letters(request: HttpRequest, f: Query[LetterFilters]) -> list[Letter]:
    params = {k: v for k, v in f.dict().items() if v is not None}
    qs = filters.apply(Letter.objects.visible_to(request.user), params)
    limit, offset = max(1, min(f.limit, 200)), max(0, min(f.offset, 10**9))
    return list(qs[offset : offset + limit])


@router.get("/letters/{letter_id}", response=LetterOut, summary="文书详情")
def read_letter(request: HttpRequest, letter_id: int) -> Letter:
    return get_object_or_404(Letter.objects.visible_to(request.user), pk=letter_id)


@router.post("/letters", response={201: LetterOut}, summary="登记三书一函")
def issue_letter(request: HttpRequest, payload: LetterIn) -> Status[Letter]:
    case = (
        get_object_or_404(Case.objects.visible_to(request.user), pk=payload.case_id)
        if payload.case_id
        else None
    )
    letter = actions.do_issue_letter(
        actor=acting(request),
        letter_type=get_object_or_404(LetterType, code=payload.letter_type),
        number=payload.number,
        issuer=get_object_or_404(Unit, pk=payload.issuer_unit_id),
        recipient=get_object_or_404(Unit, pk=payload.recipient_unit_id),
        issued_on=payload.issued_on,
        problems=payload.problems,
        case=case,
        reply_due_at=payload.reply_due_at,
    )
    return Status(201, letter)


@router.post("/letters/{letter_id}/reply", response=LetterOut, summary="回复文书并提出整改措施")
def reply_letter(request: HttpRequest, letter_id: int, payload: ReplyIn) -> Letter:
    letter = get_object_or_404(
        Letter.objects.visible_to(request.user).select_related("recipient_unit"), pk=letter_id
    )
    rows = [
        actions.MeasureData(
            problem=m.problem, description=m.description, deadline=m.deadline, units=[letter.recipient_unit]
        )
        for m in payload.measures
    ]
    return actions.do_reply_letter(letter.pk, actor=acting(request), reply=payload.reply, measures=rows)


@router.get("/lists", response=list[ProblemListOut], summary="问题清单及整改进度")
def list_problem_lists(request: HttpRequest, offset: int = 0, limit: int = 50) -> list[dict[str, Any]]:
    offset = max(0, min(offset, 10**9))
    page = list(ProblemList.objects.visible_to(request.user)[offset : offset + max(1, min(limit, 200))])
    progress = progress_by_list(request.user, [pl.pk for pl in page])
    out = []
    for pl in page:
        row = progress.get(pl.pk, {})
        out.append(
            {
                **ProblemListOut.from_orm(pl).dict(),
                **{k: row.get(k, 0) for k in ("total", "signed_off", "overdue")},
            }
        )
    return out


@router.get("/lists/{list_id}/measures", response=list[MeasureOut], summary="清单的整改措施")
def list_measures(request: HttpRequest, list_id: int) -> list[Measure]:
    problem_list = get_object_or_404(ProblemList.objects.visible_to(request.user), pk=list_id)
    return list(Measure.objects.visible_to(request.user).filter(problem__problem_list=problem_list))


@router.get("/measures/{measure_id}", response=MeasureOut, summary="整改措施详情")
def read_measure(request: HttpRequest, measure_id: int) -> Measure:
    return get_object_or_404(Measure.objects.visible_to(request.user), pk=measure_id)


@router.post("/measures/{measure_id}/progress", response=MeasureOut, summary="报送整改进展（可申请销号）")
def report_progress(request: HttpRequest, measure_id: int, payload: ProgressIn) -> Measure:
    measure = get_object_or_404(Measure.objects.visible_to(request.user), pk=measure_id)
    return actions.do_report_measure_progress(measure.pk, actor=acting(request), **payload.dict())


@router.post("/measures/{measure_id}/review", response=MeasureOut, summary="审核销号或退回")
def review_measure(request: HttpRequest, measure_id: int, payload: ReviewIn) -> Measure:
    measure = get_object_or_404(Measure.objects.visible_to(request.user), pk=measure_id)
    return actions.do_review_measure(measure.pk, actor=acting(request), **payload.dict())

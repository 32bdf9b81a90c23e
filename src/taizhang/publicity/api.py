"""JSON API of publicity: typical cases, activities, surveys and their results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from taizhang.org.actors import acting
from taizhang.org.models import Unit
from taizhang.publicity import actions, results
from taizhang.publicity.choices import ActivityKind
from taizhang.publicity.models import PublicityActivity, Survey, TypicalCase

router = Router(tags=["publicity"])


class TypicalOut(Schema):
    id: int
    case_id: int
    title: str
    summary: str
    listed: bool
    status: str
    approved_at: dt.datetime | None
    version: int


class TypicalIn(Schema):
    case_id: int
    title: str = Field("", max_length=120)
    listed: bool = False


class ActivityIn(Schema):
    unit_id: int
    kind: str = Field(pattern="^(" + "|".join(ActivityKind.values) + ")$")
    held_on: dt.date
    count: int = Field(1, ge=1, le=100_000)
    title: str = Field(max_length=200)


class ActivityOut(Schema):
    id: int
    unit_id: int
    kind: str
    held_on: dt.date
    count: int
    title: str


class ResultOut(Schema):
    district_id: int
    district: str
    question: str
    answers: int
    satisfied: int
    rate: float | None
    low: float | None
    high: float | None
    change: float | None


@router.get("/typical", response=list[TypicalOut], summary="典型案例")
def list_typical(request: HttpRequest) -> list[TypicalCase]:
    return list(TypicalCase.objects.visible_to(request.user)[:500])


@router.post("/typical", response={201: TypicalOut}, summary="列为典型案例（自动脱敏）")
def draft_typical(request: HttpRequest, payload: TypicalIn) -> Status[Any]:
    return Status(201, actions.do_draft_typical(actor=acting(request), **payload.dict()))


@router.post("/typical/{typical_id}/approve", response=TypicalOut, summary="审定典型案例")
def approve_typical(request: HttpRequest, typical_id: int) -> TypicalCase:
    typical = get_object_or_404(TypicalCase.objects.visible_to(request.user), pk=typical_id)
    return actions.do_approve_typical(typical.pk, actor=acting(request))


@router.get("/activities", response=list[ActivityOut], summary="宣传活动")
def list_activities(request: HttpRequest, offset: int = Query(0, ge=0, le=10**7)) -> list[PublicityActivity]:
    return list(PublicityActivity.objects.visible_to(request.user)[offset : offset + 200])


@router.post("/activities", response={201: ActivityOut}, summary="登记宣传活动")
def record_activity(request: HttpRequest, payload: ActivityIn) -> Status[Any]:
    data = payload.dict()
    unit = get_object_or_404(Unit, pk=data.pop("unit_id"))
    return Status(201, actions.do_record_activity(actor=acting(request), unit=unit, **data))


@router.get("/surveys/{survey_id}/results", response=list[ResultOut], summary="群众安全感满意度调查结果")
def survey_results(request: HttpRequest, survey_id: int) -> list[dict[str, Any]]:
    survey = get_object_or_404(Survey.objects.visible_to(request.user), pk=survey_id)
    table = results.table(survey)
    out = []
    for row in table["rows"]:
        for question, item in zip(table["questions"], row["cells"], strict=True):
            cell, bounds = item["cell"], item["cell"].interval
            out.append(
                {
                    "district_id": row["district"].pk,
                    "district": row["district"].name,
                    "question": question.text,
                    "answers": cell.answers,
                    "satisfied": cell.satisfied,
                    "rate": cell.rate,
                    "low": bounds[0] if bounds else None,
                    "high": bounds[1] if bounds else None,
                    "change": item["change"],
                }
            )
    return out

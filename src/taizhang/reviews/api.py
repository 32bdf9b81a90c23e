"""JSON API of look-back reviews and call-backs (no route ever carries a reporter's name or contact)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from taizhang.core.errors import ActionError
from taizhang.org.actors import acting
from taizhang.org.models import Unit, User
from taizhang.reviews import actions, callbacks, notify, results
from taizhang.reviews import permissions as perm
from taizhang.reviews.models import CallbackTask, ReviewCampaign

# Ids and counts bounded as the database stores them (a bigger number is a 422, never a server error).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]

router = Router(tags=["reviews"])


class CampaignOut(Schema):
    id: int
    title: str
    office_id: int
    period_start: dt.date
    period_end: dt.date
    sampling: str
    share: int | None
    size: int | None
    seed: int
    population: int
    population_digest: str
    status: str
    version: int


class CampaignIn(Schema):
    title: str
    office_id: Id
    period_start: dt.date
    period_end: dt.date
    sampling: str
    share: Count | None = None
    size: Count | None = None
    include_repeats: bool = True
    seed: int | None = None


class AssignIn(Schema):
    item_ids: list[Id]
    reviewer_unit_id: Id


class VerdictIn(Schema):
    verdict: str
    reasons: str
    version: Count | None = None


class CloseIn(Schema):
    conclusion: str
    version: Count | None = None


class CallbackOut(Schema):
    id: int
    office_id: int
    clue_id: int
    month: dt.date
    handling_unit_id: int | None
    assignee_id: int | None
    outcome: str
    notes: str
    version: int


class OutcomeIn(Schema):
    outcome: str
    notes: str = ""
    version: Count | None = None


class MessageIn(Schema):
    clue_id: Id
    channel: str
    body: str


@router.get("/campaigns", response=list[CampaignOut], summary="评查活动列表")
def list_campaigns(request: HttpRequest, offset: int = 0, limit: int = 50) -> Any:
    offset, limit = max(offset, 0), min(max(limit, 1), 200)
    return ReviewCampaign.objects.visible_to(request.user).order_by("-created_at")[offset : offset + limit]


@router.post("/campaigns", response={201: CampaignOut}, summary="组织评查（选取并抽取线索）")
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[ReviewCampaign]:
    campaign = actions.do_create_campaign(
        actor=acting(request),
        title=payload.title,
        office=get_object_or_404(Unit, pk=payload.office_id),
        period_start=payload.period_start,
        period_end=payload.period_end,
        sampling_kind=payload.sampling,
        share=payload.share,
        size=payload.size,
        include_repeats=payload.include_repeats,
        seed=payload.seed,
    )
    return Status(201, campaign)


@router.get("/campaigns/{campaign_id}/board", summary="评查结果（按原承办单位）")
def campaign_board(request: HttpRequest, campaign_id: Id) -> list[dict[str, Any]]:
    campaign = get_object_or_404(ReviewCampaign.objects.visible_to(request.user), pk=campaign_id)
    return results.campaign_board(request.user, campaign)


@router.post("/campaigns/{campaign_id}/assign", summary="分配评查单位")
def assign(request: HttpRequest, campaign_id: Id, payload: AssignIn) -> dict[str, int]:
    unit = get_object_or_404(Unit, pk=payload.reviewer_unit_id)
    n = actions.do_assign_reviewer(
        campaign_id, actor=acting(request), item_ids=payload.item_ids, reviewer_unit=unit
    )
    return {"assigned": n}


@router.post("/items/{item_id}/verdict", summary="提出评查意见（维持/纠正）")
def verdict(request: HttpRequest, item_id: Id, payload: VerdictIn) -> dict[str, Any]:
    item = actions.do_record_verdict(
        item_id,
        actor=acting(request),
        verdict=payload.verdict,
        reasons=payload.reasons,
        version=payload.version,
    )
    return {"id": item.pk, "verdict": item.verdict, "version": item.version}


@router.post("/campaigns/{campaign_id}/close", response=CampaignOut, summary="领导签批结束评查")
def close(request: HttpRequest, campaign_id: Id, payload: CloseIn) -> ReviewCampaign:
    return actions.do_close_campaign(
        campaign_id, actor=acting(request), conclusion=payload.conclusion, version=payload.version
    )


@router.get("/callbacks", response=list[CallbackOut], summary="回访任务（不含举报人身份）")
def list_callbacks(request: HttpRequest, offset: int = 0, limit: int = 100) -> Any:
    offset, limit = max(offset, 0), min(max(limit, 1), 500)
    return CallbackTask.objects.visible_to(request.user).order_by("-month", "pk")[offset : offset + limit]


@router.get("/satisfaction", summary="回访满意率（总体、按单位、按月）")
def satisfaction(request: HttpRequest) -> dict[str, Any]:
    figures = results.satisfaction(request.user)
    for row in figures["by_month"]:
        row["month"] = row["month"].isoformat() if row.get("month") else None
    return figures


@router.post("/callbacks/{task_id}/outcome", response=CallbackOut, summary="登记回访结果")
def record_outcome(request: HttpRequest, task_id: Id, payload: OutcomeIn) -> CallbackTask:
    return callbacks.do_record_callback(
        task_id, actor=acting(request), outcome=payload.outcome, notes=payload.notes, version=payload.version
    )


@router.post("/messages", summary="向举报人发送消息（举报平台/邮件/短信）")
def send_message(request: HttpRequest, payload: MessageIn) -> dict[str, Any]:
    message = notify.do_send_to_reporter(
        payload.clue_id, actor=acting(request), channel=payload.channel, body=payload.body
    )
    return {
        "id": message.pk,
        "status": message.status,
        "status_label": message.get_status_display(),
        "error": message.last_error,
        "attempts": message.attempts,
    }


class AssignCallbackIn(Schema):
    assignee_id: Id


@router.post("/callbacks/{task_id}/assign", response=CallbackOut, summary="分配回访人（本办身份信息保管人）")
def assign_callback(request: HttpRequest, task_id: Id, payload: AssignCallbackIn) -> CallbackTask:
    task = get_object_or_404(
        CallbackTask.objects.visible_to(request.user).select_related("office"), pk=task_id
    )
    # Refuse those who may not assign before saying anything about the person named.
    perm.require(perm.is_office_over(request.user, task.office.path), _("只有扫黑办可以分配回访任务。"))
    assignee = User.objects.filter(pk=payload.assignee_id, unit_id=task.office_id).first()
    if assignee is None:
        raise ActionError("invalid_assignee", _("回访人须为本办的身份信息保管人。"))
    return callbacks.do_assign_callback(task_id, actor=acting(request), assignee=assignee)

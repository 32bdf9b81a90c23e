"""JSON API of supervision: boards, notifications, extensions and listed items (read through visibility)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from taizhang.clues.models import Clue
from taizhang.org.actors import acting
from taizhang.supervision import actions, boards
from taizhang.supervision.audience import redact_unseen
from taizhang.supervision.models import Extension, ListedSupervision, Notification
from taizhang.supervision.worklist import todos_for

router = Router(tags=["supervision"])


class TodoOut(Schema):
    title: str
    url: str
    due_at: dt.datetime | None
    kind: str
    overdue: bool
    detail: str


class BoardRowOut(Schema):
    kind: str
    unit_id: int
    unit_label: str
    bands: list[int]
    total: int


class BoardOut(Schema):
    bands: list[str]
    rows: list[BoardRowOut]


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class ReadIn(Schema):
    # Bounded like a database id, so a huge number is a 422, not an overflow in the database driver.
    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = None


class ReadOut(Schema):
    marked: int
    unread: int


class ExtensionOut(Schema):
    id: int
    clue_id: int
    step: str
    days: int
    reason: str
    status: str
    requested_at: dt.datetime
    granted_days: int
    old_deadline: dt.datetime | None
    new_deadline: dt.datetime | None


class ExtensionIn(Schema):
    clue_id: int
    days: int
    reason: str


class DecisionIn(Schema):
    approve: bool
    note: str = ""
    days: int | None = None


class ListedOut(Schema):
    id: int
    target_type: str
    target_id: int
    target_label: str
    level: str
    authority: str
    unit_id: int | None
    deadline_at: dt.datetime
    status: str


@router.get("/todo", response=list[TodoOut], summary="我的待办")
def todo(request: HttpRequest) -> list:
    return todos_for(request.user)


@router.get("/board", response=BoardOut, summary="逾期督办看板")
def board(request: HttpRequest) -> dict:
    data = boards.board(request.user, timezone.now())
    return {
        "bands": [str(b) for b in data["bands"]],
        "rows": [
            {
                "kind": r.kind,
                "unit_id": r.unit_id,
                "unit_label": r.unit_label,
                "bands": r.bands,
                "total": r.total,
            }
            for r in data["rows"]
        ],
    }


@router.get("/notifications", response=list[NotificationOut], summary="我的消息")
def notifications(request: HttpRequest, unread: bool = False, limit: int = 50) -> list:
    qs = Notification.objects.visible_to(request.user)
    if unread:
        qs = qs.unread()
    return redact_unseen(request.user, qs[: max(1, min(limit, 200))])


@router.post("/notifications/read", response=ReadOut, summary="标记已读")
def notifications_read(request: HttpRequest, payload: ReadIn) -> dict:
    marked = actions.do_mark_notifications_read(actor=acting(request), ids=payload.ids)
    return {"marked": marked, "unread": Notification.objects.visible_to(request.user).unread().count()}


@router.get("/extensions", response=list[ExtensionOut], summary="延期申请")
def extensions(request: HttpRequest, status: str = "", clue_id: int | None = None) -> list:
    qs = Extension.objects.visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    if clue_id:
        qs = qs.filter(clue_id=clue_id)
    return list(qs[:200])


@router.post("/extensions", response={201: ExtensionOut}, summary="申请延期")
def extension_request(request: HttpRequest, payload: ExtensionIn) -> Status:
    clue = get_object_or_404(Clue.objects.visible_to(request.user), pk=payload.clue_id)
    ext = actions.do_request_extension(
        clue.pk, actor=acting(request), days=payload.days, reason=payload.reason
    )
    return Status(201, ext)


@router.post("/extensions/{ext_id}/decide", response=ExtensionOut, summary="审批延期")
def extension_decide(request: HttpRequest, ext_id: int, payload: DecisionIn) -> Extension:
    ext = get_object_or_404(Extension.objects.visible_to(request.user), pk=ext_id)
    return actions.do_decide_extension(
        ext.pk, actor=acting(request), approve=payload.approve, note=payload.note, days=payload.days
    )


@router.get("/listed", response=list[ListedOut], summary="挂牌督办事项")
def listed(request: HttpRequest, status: str = "listed") -> list:
    qs = ListedSupervision.objects.visible_to(request.user).select_related("target_type")
    if status in ("listed", "lifted"):
        qs = qs.filter(status=status)
    return [
        {
            "id": i.pk,
            "target_type": f"{i.target_type.app_label}.{i.target_type.model}",
            "target_id": i.target_id,
            "target_label": i.target_label,
            "level": i.level,
            "authority": i.authority,
            "unit_id": i.unit_id,
            "deadline_at": i.deadline_at,
            "status": i.status,
        }
        for i in qs[:500]
    ]

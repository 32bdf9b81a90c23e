"""JSON API of screening drives: list, board, create, a unit's return, registering and rectifying findings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from taizhang.drives import actions, board
from taizhang.drives.models import Drive, DriveReturn
from taizhang.org.actors import acting
from taizhang.org.models import Sector, Unit

# Ids and counts bounded as the database stores them (a bigger number is a 422, never a server error).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]

router = Router(tags=["drives"])


class DriveOut(Schema):
    id: int
    title: str
    kind: str
    office_id: int
    lead_unit_id: int
    starts_on: dt.date
    ends_on: dt.date
    interval_days: int | None
    return_days: int
    status: str
    requirements: str


class DriveIn(Schema):
    title: str
    kind: str
    office_id: Id
    lead_unit_id: Id
    sector_ids: list[Id]
    unit_ids: list[Id]
    starts_on: dt.date
    ends_on: dt.date
    requirements: str
    interval_days: Count | None = None
    return_days: Count = 7


class ReturnOut(Schema):
    id: int
    drive_id: int
    round_id: int
    unit_id: int
    status: str
    items_checked: int
    problems_found: int
    clues_found: int
    is_zero: bool
    leader_name: str
    filed_at: dt.datetime | None
    is_late: bool
    version: int


class FindingIn(Schema):
    kind: str
    sector_id: Id
    summary: str
    facts: str = ""
    subject_names: str = ""
    place: str = ""


class ReturnIn(Schema):
    items_checked: Count
    findings: list[FindingIn] = []
    is_zero: bool = False
    leader_name: str = ""
    note: str = ""
    version: Count | None = None


class RectifyIn(Schema):
    measure: str
    deadline: dt.date


@router.get("/drives", response=list[DriveOut], summary="排查列表")
def list_drives(request: HttpRequest, offset: int = 0, limit: int = 50) -> Any:
    offset, limit = max(offset, 0), min(max(limit, 1), 200)
    return Drive.objects.visible_to(request.user).order_by("-starts_on", "-pk")[offset : offset + limit]


@router.post("/drives", response={201: DriveOut}, summary="部署排查")
def create_drive(request: HttpRequest, payload: DriveIn) -> Status[Drive]:
    units = {
        u.pk: u
        for u in Unit.objects.filter(pk__in=[*payload.unit_ids, payload.lead_unit_id, payload.office_id])
    }
    drive = actions.do_create_drive(
        actor=acting(request),
        title=payload.title,
        kind=payload.kind,
        office=get_object_or_404(Unit, pk=payload.office_id),
        lead_unit=get_object_or_404(Unit, pk=payload.lead_unit_id),
        sectors=list(Sector.objects.filter(pk__in=payload.sector_ids)),
        units=[units[i] for i in dict.fromkeys(payload.unit_ids) if i in units],
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        requirements=payload.requirements,
        interval_days=payload.interval_days,
        return_days=payload.return_days,
    )
    return Status(201, drive)


@router.get("/drives/{drive_id}/board", summary="排查看板（按单位、领域）")
def drive_board(request: HttpRequest, drive_id: Id) -> dict[str, Any]:
    drive = get_object_or_404(Drive.objects.visible_to(request.user), pk=drive_id)
    data = board.board(request.user, drive, timezone.now())
    rows = lambda rows: [{"id": r.key, "name": r.label, "expected": r.expected, **r.counts} for r in rows]  # noqa: E731
    return {"units": rows(data["units"]), "sectors": rows(data["sectors"]), "totals": data["totals"]}


@router.get("/returns", response=list[ReturnOut], summary="我可见的排查报送")
def list_returns(request: HttpRequest, drive: int | None = None, offset: int = 0, limit: int = 100) -> Any:
    qs = DriveReturn.objects.visible_to(request.user).order_by("-round__seq", "unit__path")
    if drive is not None:
        qs = qs.filter(drive_id=drive)
    offset, limit = max(offset, 0), min(max(limit, 1), 500)
    return qs[offset : offset + limit]


@router.post("/returns/{return_id}", response=ReturnOut, summary="报送本轮排查情况（或零报告）")
def file_return(request: HttpRequest, return_id: Id, payload: ReturnIn) -> DriveReturn:
    return actions.do_file_return(
        return_id,
        actor=acting(request),
        items_checked=payload.items_checked,
        findings=[actions.FindingData(**f.dict()) for f in payload.findings],
        is_zero=payload.is_zero,
        leader_name=payload.leader_name,
        note=payload.note,
        version=payload.version,
    )


@router.post("/findings/{finding_id}/register", summary="将排查发现的线索登记受理")
def register_finding(request: HttpRequest, finding_id: Id) -> dict[str, Any]:
    clue = actions.do_register_finding(finding_id, actor=acting(request))
    return {"clue_id": clue.pk, "number": clue.number}


@router.post("/findings/{finding_id}/rectify", summary="将排查发现的问题列入整改")
def rectify_finding(request: HttpRequest, finding_id: Id, payload: RectifyIn) -> dict[str, Any]:
    finding = actions.do_rectify_finding(
        finding_id, actor=acting(request), measure=payload.measure, deadline=payload.deadline
    )
    return {"finding_id": finding.pk, "measure_id": finding.measure_id}


class CloseIn(Schema):
    version: Id | None = None


@router.post("/drives/{drive_id}/close", response=DriveOut, summary="结束排查（进行中的轮次随之截止）")
def close_drive(request: HttpRequest, drive_id: Id, payload: CloseIn) -> Drive:
    return actions.do_close_drive(drive_id, actor=acting(request), version=payload.version)


@router.post("/rounds/{round_id}/close", summary="截止本轮（未报送的单位记为未报送）")
def close_round(request: HttpRequest, round_id: Id) -> dict[str, Any]:
    rnd = actions.do_close_round(round_id, actor=acting(request))
    return {"round_id": rnd.pk, "drive_id": rnd.drive_id, "seq": rnd.seq, "status": rnd.status}
